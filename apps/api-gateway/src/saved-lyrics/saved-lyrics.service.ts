import { Inject, Injectable } from '@nestjs/common';
import { asUser, SavedLyricsRepository, type Database, type Identity } from '@muse/db';
import { notFound, Problem } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import type { CreateSavedLyricsBody, ListSavedLyricsQuery, UpdateSavedLyricsBody } from './saved-lyrics.schemas.js';
import { decodeCursor, encodeCursor } from '../common/keyset-cursor.js';

/** Saved lyrics: every read and write runs as the caller, so RLS (saved_lyrics_own) keeps each user to their rows. */
@Injectable()
export class SavedLyricsService {
  constructor(@Inject(DATABASE) private readonly db: Database, private readonly saved: SavedLyricsRepository) {}

  async list(identity: Identity, q: ListSavedLyricsQuery) {
    const after = decodeCursor(q.cursor);
    const rows = await asUser(this.db, identity, (trx) => this.saved.list(trx, { limit: q.limit + 1, after, folder: q.folder, favorite: q.favorite }));
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return { data: page.map(({ cursor_at: _c, ...row }) => row), next_cursor: rows.length > q.limit && last ? encodeCursor({ createdAt: last.cursor_at, id: last.id }) : null };
  }

  create(identity: Identity, body: CreateSavedLyricsBody) {
    return asUser(this.db, identity, async (trx) => {
      const { lyrics_variant_id: variantId, title, content, ...rest } = body;
      if (!variantId) return this.saved.insert(trx, identity.userId, null, { ...rest, title: title!, content: content! });
      // RLS shows only variants of the caller's own lyrics jobs: someone else's reads as missing.
      const variant = await this.saved.findVariant(trx, variantId);
      if (!variant) throw new Problem(404, 'not-found', 'lyrics variant not found', [{ path: 'lyrics_variant_id', message: 'no such variant of your lyrics jobs' }]);
      if (variant.status !== 'completed' || !variant.content) throw new Problem(409, 'lyrics-not-ready', 'this lyrics variant is not written yet; wait for its job to complete');
      return this.saved.insert(trx, identity.userId, variant.job_id, {
        ...rest,
        title: title ?? variant.title ?? 'Untitled lyrics',
        content: variant.content,
        metadata: { ...(rest.metadata ?? {}), source: { lyrics_variant_id: variant.id, lyrics_job_id: variant.job_id, provider: variant.provider } },
      });
    });
  }

  async get(identity: Identity, id: string) {
    const row = await asUser(this.db, identity, (trx) => this.saved.findById(trx, id));
    if (!row) throw notFound('saved lyrics');
    return row;
  }

  async update(identity: Identity, id: string, body: UpdateSavedLyricsBody) {
    const row = await asUser(this.db, identity, (trx) => this.saved.update(trx, id, body));
    if (!row) throw notFound('saved lyrics');
    return row;
  }

  async remove(identity: Identity, id: string): Promise<void> {
    const deleted = await asUser(this.db, identity, (trx) => this.saved.delete(trx, id));
    if (!deleted) throw notFound('saved lyrics');
  }
}

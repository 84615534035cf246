import { Inject, Injectable } from '@nestjs/common';
import type { CreatePromptBody, ListPromptHistoryQuery, ListPromptsQuery, PromptStatisticsQuery, UpdatePromptBody } from '@muse/contracts';
import { asUser, PromptsRepository, type Database, type Identity, type UserTransaction } from '@muse/db';
import { notFound, Problem, validationProblem } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import { decodeCursor, toPage, withoutCursor } from '../common/keyset-cursor.js';

function decodeOffset(cursor: string): number {
  const m = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw validationProblem([{ path: 'query.cursor', message: 'not a cursor this API issued' }]);
  return Number(m[1]);
}

/** Saved prompts (/v1/prompts → project_prompts) and prompt history, as the caller (RLS: own rows only). */
@Injectable()
export class PromptsService {
  constructor(@Inject(DATABASE) private readonly db: Database, private readonly prompts: PromptsRepository) {}

  async list(identity: Identity, q: ListPromptsQuery) {
    const after = decodeCursor(q.cursor);
    const rows = await asUser(this.db, identity, (trx) => this.prompts.listPrompts(trx, { limit: q.limit + 1, after, category: q.category, favorite: q.favorite, projectId: q.project_id, q: q.q }));
    return toPage(rows, q.limit, withoutCursor);
  }

  create(identity: Identity, body: CreatePromptBody) {
    return asUser(this.db, identity, async (trx) => {
      await this.checkAlbum(trx, identity, body.project_id);
      return this.prompts.insertPrompt(trx, identity.userId, body);
    });
  }

  async get(identity: Identity, id: string) {
    const row = await asUser(this.db, identity, (trx) => this.prompts.findPrompt(trx, id));
    if (!row) throw notFound('prompt');
    return row;
  }

  async update(identity: Identity, id: string, body: UpdatePromptBody) {
    const row = await asUser(this.db, identity, async (trx) => {
      await this.checkAlbum(trx, identity, body.project_id);
      return this.prompts.updatePrompt(trx, id, body);
    });
    if (!row) throw notFound('prompt');
    return row;
  }

  async use(identity: Identity, id: string) {
    const row = await asUser(this.db, identity, (trx) => this.prompts.usePrompt(trx, id));
    if (!row) throw notFound('prompt');
    return row;
  }

  async remove(identity: Identity, id: string): Promise<void> {
    if (!(await asUser(this.db, identity, (trx) => this.prompts.deletePrompt(trx, id)))) throw notFound('prompt');
  }

  /** A prompt may belong to one of the caller's albums (music_projects); anyone else's reads as unknown. */
  private async checkAlbum(trx: UserTransaction, identity: Identity, projectId: string | null | undefined): Promise<void> {
    if (!projectId) return;
    if (!(await this.prompts.ownsAlbum(trx, identity.userId, projectId))) {
      throw new Problem(422, 'unknown-album', 'no album (music project) of yours with this id', [{ path: 'project_id', message: 'unknown album' }]);
    }
  }

  async history(identity: Identity, q: ListPromptHistoryQuery) {
    const after = decodeCursor(q.cursor);
    const rows = await asUser(this.db, identity, (trx) => this.prompts.listHistory(trx, { limit: q.limit + 1, after, status: q.status, template: q.template, q: q.q }));
    return toPage(rows, q.limit, withoutCursor);
  }

  /** Usage and outcome per prompt (the design's prompt_statistics view, the caller's rows), most used first. */
  async statistics(identity: Identity, q: PromptStatisticsQuery) {
    const offset = q.cursor === undefined ? 0 : decodeOffset(q.cursor);
    const rows = await asUser(this.db, identity, (trx) => this.prompts.statistics(trx, { limit: q.limit + 1, offset }));
    return { data: rows.slice(0, q.limit), next_cursor: rows.length > q.limit ? Buffer.from(`o:${offset + q.limit}`).toString('base64url') : null };
  }

  async historyEntry(identity: Identity, id: string) {
    const row = await asUser(this.db, identity, (trx) => this.prompts.findHistory(trx, id));
    if (!row) throw notFound('prompt history entry');
    return row;
  }

  async markTemplate(identity: Identity, id: string, isTemplate: boolean) {
    const row = await asUser(this.db, identity, (trx) => this.prompts.updateHistory(trx, id, isTemplate));
    if (!row) throw notFound('prompt history entry');
    return row;
  }

  async removeHistory(identity: Identity, id: string): Promise<void> {
    if (!(await asUser(this.db, identity, (trx) => this.prompts.deleteHistory(trx, id)))) throw notFound('prompt history entry');
  }

  async clearHistory(identity: Identity, keepTemplates: boolean) {
    const deleted = await asUser(this.db, identity, (trx) => this.prompts.clearHistory(trx, identity.userId, keepTemplates));
    return { deleted };
  }
}

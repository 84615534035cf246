import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';

export interface SavedLyricsFields {
  title: string;
  content: string;
  genre?: string | null;
  mood?: string | null;
  language?: string | null;
  theme?: string | null;
  folder?: string | null;
  tags?: string[];
  is_favorite?: boolean;
  metadata?: Record<string, unknown>;
}

/** saved_lyrics under the caller's RLS (saved_lyrics_own): every query sees only the caller's rows. */
export class SavedLyricsRepository {
  insert(db: Kysely<DB>, userId: string, jobId: string | null, f: SavedLyricsFields) {
    return db
      .insertInto('saved_lyrics')
      .values({
        user_id: userId,
        job_id: jobId,
        title: f.title,
        content: f.content,
        genre: f.genre ?? null,
        mood: f.mood ?? null,
        language: f.language ?? null,
        theme: f.theme ?? null,
        folder: f.folder ?? null,
        tags: f.tags ?? [],
        is_favorite: f.is_favorite ?? false,
        metadata: JSON.stringify(f.metadata ?? {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findById(db: Kysely<DB>, id: string) {
    return db.selectFrom('saved_lyrics').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Newest first; `after` is the (created_at, id) of the last row of the previous page. cursor_at is
   * created_at in UTC with its microseconds: a millisecond timestamp as cursor would skip rows.
   */
  list(db: Kysely<DB>, opts: { limit: number; after?: { createdAt: string; id: string }; folder?: string; favorite?: boolean }) {
    let q = db.selectFrom('saved_lyrics').selectAll().select(sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_at'));
    if (opts.after) q = q.where(sql<boolean>`(created_at, id) < (${opts.after.createdAt}::timestamptz, ${opts.after.id}::uuid)`);
    if (opts.folder !== undefined) q = q.where('folder', '=', opts.folder);
    if (opts.favorite !== undefined) q = q.where('is_favorite', '=', opts.favorite);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  }

  update(db: Kysely<DB>, id: string, patch: Partial<SavedLyricsFields>) {
    const { metadata, ...rest } = patch;
    return db
      .updateTable('saved_lyrics')
      .set({ ...rest, ...(metadata !== undefined ? { metadata: sql`metadata || ${JSON.stringify(metadata)}::jsonb` } : {}) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(db: Kysely<DB>, id: string): Promise<boolean> {
    const res = await db.deleteFrom('saved_lyrics').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  /** A variant of a finished lyrics job of the caller (RLS on lyrics_jobs/lyrics_variants decides). */
  findVariant(db: Kysely<DB>, variantId: string) {
    return db
      .selectFrom('lyrics_variants as v')
      .innerJoin('lyrics_jobs as j', 'j.id', 'v.job_id')
      .select(['v.id', 'v.job_id', 'v.title', 'v.content', 'v.status', 'j.status as job_status', 'j.user_id', 'j.prompt', 'j.provider'])
      .where('v.id', '=', variantId)
      .executeTakeFirst();
  }
}

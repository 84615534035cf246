import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';
import { cursorAt, olderThan, type Keyset } from './keyset.js';

export interface DawProjectFields {
  name?: string;
  description?: string | null;
  bpm?: number;
  duration_seconds?: number | null;
  data?: Record<string, unknown>;
  thumbnail_url?: string | null;
  is_public?: boolean;
  metadata?: Record<string, unknown>;
}

/** daw_projects under the caller's RLS: the owner's rows, and public ones for reading. */
export class DawProjectsRepository {
  insert(db: Kysely<DB>, userId: string, f: DawProjectFields & { name: string }) {
    return db
      .insertInto('daw_projects')
      .values({
        user_id: userId,
        name: f.name,
        description: f.description ?? null,
        ...(f.bpm !== undefined ? { bpm: f.bpm } : {}),
        duration_seconds: f.duration_seconds ?? null,
        // The design's default spells scrollPosition; the API's JSON is snake_case, nested too. A client's own data is kept as sent.
        data: JSON.stringify(f.data ?? { tracks: [], timeline: { zoom: 1.0, scroll_position: 0 } }),
        thumbnail_url: f.thumbnail_url ?? null,
        is_public: f.is_public ?? false,
        last_saved_at: sql`now()`,
        metadata: JSON.stringify(f.metadata ?? {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findById(db: Kysely<DB>, id: string) {
    return db.selectFrom('daw_projects').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The caller's own projects, or (publicOnly) everyone's public ones; newest first. */
  list(db: Kysely<DB>, o: { limit: number; after?: Keyset; userId?: string; publicOnly?: boolean }) {
    let q = db.selectFrom('daw_projects').selectAll().select(cursorAt('created_at').as('cursor_at'));
    if (o.userId !== undefined) q = q.where('user_id', '=', o.userId);
    if (o.publicOnly) q = q.where('is_public', '=', true);
    if (o.after) q = q.where(olderThan(o.after, 'created_at', 'id'));
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(o.limit).execute();
  }

  /** Only the owner's row changes (a public project of someone else is readable, not writable). */
  update(db: Kysely<DB>, id: string, userId: string, patch: DawProjectFields) {
    const { metadata, data, ...rest } = patch;
    return db
      .updateTable('daw_projects')
      .set({
        ...rest,
        ...(data !== undefined ? { data: JSON.stringify(data), last_saved_at: sql`now()` } : {}),
        ...(metadata !== undefined ? { metadata: sql`metadata || ${JSON.stringify(metadata)}::jsonb` } : {}),
      })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(db: Kysely<DB>, id: string, userId: string): Promise<boolean> {
    const res = await db.deleteFrom('daw_projects').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}

import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';
import { cursorAt, type Keyset } from './keyset.js';

export interface MusicProjectFields {
  name?: string;
  description?: string | null;
  genre?: string | null;
  mood?: string | null;
  target_tracks_count?: number | null;
  status?: 'planning' | 'in_progress' | 'completed';
  is_public?: boolean;
  concept_description?: string | null;
  metadata?: Record<string, unknown>;
}

/**
 * Albums (`music_projects`) and their ordered tracks (`project_tracks`), under the caller's RLS.
 * Track order changes take the album row's lock first (lockOwn), so concurrent edits of one album run
 * one after the other and positions stay 0..n-1 (also enforced by a deferred unique constraint).
 */
export class MusicProjectsRepository {
  insert(db: Kysely<DB>, userId: string, f: MusicProjectFields & { name: string }) {
    const { metadata, ...rest } = f;
    return db
      .insertInto('music_projects')
      .values({ ...rest, user_id: userId, metadata: JSON.stringify(metadata ?? {}) })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  find(db: Kysely<DB>, id: string) {
    return db.selectFrom('music_projects').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(db: Kysely<DB>, opts: { userId: string; publicOnly: boolean; limit: number; after?: Keyset }) {
    let q = db.selectFrom('music_projects').selectAll().select(cursorAt().as('cursor_at'));
    q = opts.publicOnly ? q.where('is_public', '=', true) : q.where('user_id', '=', opts.userId);
    if (opts.after) q = q.where(sql<boolean>`(created_at, id) < (${opts.after.createdAt}::timestamptz, ${opts.after.id}::uuid)`);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  }

  update(db: Kysely<DB>, id: string, userId: string, patch: MusicProjectFields) {
    const { metadata, ...rest } = patch;
    return db
      .updateTable('music_projects')
      .set({ ...rest, ...(metadata !== undefined ? { metadata: sql`metadata || ${JSON.stringify(metadata)}::jsonb` } : {}) })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(db: Kysely<DB>, id: string, userId: string): Promise<boolean> {
    const res = await db.deleteFrom('music_projects').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  /** Locks the caller's own album for the rest of the transaction; undefined if it is not theirs. */
  lockOwn(db: Kysely<DB>, id: string, userId: string) {
    return db.selectFrom('music_projects').select(['id', 'user_id']).where('id', '=', id).where('user_id', '=', userId).forUpdate().executeTakeFirst();
  }

  /** The album's track ids in order (all rows, also tracks the caller could not see). */
  async trackOrder(db: Kysely<DB>, projectId: string): Promise<string[]> {
    const rows = await db.selectFrom('project_tracks').select('track_id').where('project_id', '=', projectId).orderBy('position').orderBy('added_at').orderBy('track_id').execute();
    return rows.map((r) => r.track_id);
  }

  /** The album's tracks the caller can see, in order, with position and when they were added. */
  tracks(db: Kysely<DB>, projectId: string) {
    return db
      .selectFrom('project_tracks as pt')
      .innerJoin('tracks as t', 't.id', 'pt.track_id')
      .selectAll('t')
      .select(['pt.position', 'pt.added_at', 'pt.added_by'])
      .where('pt.project_id', '=', projectId)
      .orderBy('pt.position')
      .execute();
  }

  async addTrack(db: Kysely<DB>, projectId: string, trackId: string, userId: string, position: number): Promise<void> {
    await db.insertInto('project_tracks').values({ project_id: projectId, track_id: trackId, position, added_by: userId }).execute();
  }

  async removeTrack(db: Kysely<DB>, projectId: string, trackId: string): Promise<boolean> {
    const res = await db.deleteFrom('project_tracks').where('project_id', '=', projectId).where('track_id', '=', trackId).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  /** Writes positions 0..n-1 in the given order (rows already at their place are left alone). */
  async writeOrder(db: Kysely<DB>, projectId: string, trackIds: string[]): Promise<void> {
    if (trackIds.length === 0) return;
    await sql`
      update public.project_tracks pt set position = o.ord - 1
        from unnest(${sql.val(trackIds)}::uuid[]) with ordinality as o(track_id, ord)
       where pt.project_id = ${projectId}::uuid and pt.track_id = o.track_id and pt.position <> o.ord - 1`.execute(db);
  }
}

import { sql, type Kysely } from 'kysely';
import type { DB, TrackStatus } from '../schema.js';
import { cursorAt, type Keyset } from './keyset.js';

export interface TrackListFilter {
  /** Everyone's public tracks instead of the caller's own. */
  publicOnly: boolean;
  userId: string;
  status?: TrackStatus;
  genre?: string;
  projectId?: string;
  q?: string;
  limit: number;
  after?: Keyset;
}

export interface TrackPatch {
  title?: string | null;
  is_public?: boolean;
  genre?: string | null;
  mood?: string | null;
  style_tags?: string[];
  lyrics?: string | null;
}

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The product surface of tracks (issue 14): listing, edits, likes, counters, deletion. Every method runs
 * under the caller's RLS (asUser): visibility is the database's decision.
 */
export class TrackCatalogRepository {
  list(db: Kysely<DB>, f: TrackListFilter) {
    let q = db.selectFrom('tracks').selectAll().select(cursorAt().as('cursor_at'));
    q = f.publicOnly ? q.where('is_public', '=', true) : q.where('user_id', '=', f.userId);
    if (f.status) q = q.where('status', '=', f.status);
    if (f.genre) q = q.where(sql<boolean>`lower(genre) = lower(${f.genre})`);
    if (f.projectId) {
      const projectId = f.projectId;
      q = q.where((eb) =>
        eb.or([eb('project_id', '=', projectId), eb.exists(eb.selectFrom('project_tracks as pt').select('pt.track_id').whereRef('pt.track_id', '=', 'tracks.id').where('pt.project_id', '=', projectId))]),
      );
    }
    if (f.q) {
      const pattern = likePattern(f.q);
      q = q.where((eb) => eb.or([eb('title', 'ilike', pattern), eb('prompt', 'ilike', pattern)]));
    }
    if (f.after) q = q.where(sql<boolean>`(created_at, id) < (${f.after.createdAt}::timestamptz, ${f.after.id}::uuid)`);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
  }

  update(db: Kysely<DB>, id: string, patch: TrackPatch) {
    return db.updateTable('tracks').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
  }

  /** delete_track(): null when the caller may not delete it (or cannot see it). */
  async delete(db: Kysely<DB>, id: string): Promise<{ track_id: string; projects: string[] } | null> {
    const { rows } = await sql<{ result: { track_id: string; projects: string[] } | null }>`select public.delete_track(${id}::uuid) as result`.execute(db);
    return rows[0]?.result ?? null;
  }

  async setMaster(db: Kysely<DB>, trackId: string, versionId: string): Promise<void> {
    await sql`select public.set_master_version(${trackId}::uuid, ${versionId}::uuid)`.execute(db);
  }

  findVersion(db: Kysely<DB>, versionId: string) {
    return db.selectFrom('track_versions').selectAll().where('id', '=', versionId).executeTakeFirst();
  }

  async likeTrack(db: Kysely<DB>, userId: string, trackId: string, liked: boolean): Promise<void> {
    if (liked) await db.insertInto('track_likes').values({ user_id: userId, track_id: trackId }).onConflict((oc) => oc.columns(['user_id', 'track_id']).doNothing()).execute();
    else await db.deleteFrom('track_likes').where('user_id', '=', userId).where('track_id', '=', trackId).execute();
  }

  async likeVersion(db: Kysely<DB>, userId: string, versionId: string, liked: boolean): Promise<void> {
    if (liked) await db.insertInto('track_version_likes').values({ user_id: userId, version_id: versionId }).onConflict((oc) => oc.columns(['user_id', 'version_id']).doNothing()).execute();
    else await db.deleteFrom('track_version_likes').where('user_id', '=', userId).where('version_id', '=', versionId).execute();
  }

  async trackLiked(db: Kysely<DB>, userId: string, trackId: string): Promise<boolean> {
    return !!(await db.selectFrom('track_likes').select('id').where('user_id', '=', userId).where('track_id', '=', trackId).executeTakeFirst());
  }

  async incrementPlays(db: Kysely<DB>, trackId: string): Promise<number> {
    const { rows } = await sql<{ n: number }>`select public.increment_play_count(${trackId}::uuid) as n`.execute(db);
    return rows[0]!.n;
  }

  async incrementDownloads(db: Kysely<DB>, trackId: string): Promise<number> {
    const { rows } = await sql<{ n: number }>`select public.increment_download_count(${trackId}::uuid) as n`.execute(db);
    return rows[0]!.n;
  }
}

import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';

export type ProjectRole = 'viewer' | 'editor' | 'admin';

export interface ProjectWrite {
  title?: string;
  description?: string | null;
  genre?: string | null;
  tags?: string[];
  is_public?: boolean;
  metronome_bpm?: number;
  effects_settings?: Record<string, unknown>;
  project_settings?: Record<string, unknown>;
  status?: 'draft' | 'processing' | 'completed' | 'archived';
  original_audio_path?: string | null;
  duration_seconds?: number | null;
}

const PROJECT_COLUMNS = [
  'id', 'user_id', 'title', 'description', 'genre', 'tags', 'original_audio_path', 'processed_audio_path', 'duration_seconds',
  'sample_rate', 'effects_settings', 'metronome_bpm', 'project_settings', 'status', 'is_public', 'is_featured', 'play_count',
  'like_count', 'download_count', 'created_at', 'updated_at', 'last_played_at',
] as const;

/** The columns as Kysely writes them: jsonb as JSON text, numeric as a string. */
function columnsOf(w: ProjectWrite) {
  const { effects_settings, project_settings, duration_seconds, ...rest } = w;
  return {
    ...rest,
    ...(effects_settings === undefined ? {} : { effects_settings: JSON.stringify(effects_settings) }),
    ...(project_settings === undefined ? {} : { project_settings: JSON.stringify(project_settings) }),
    ...(duration_seconds === undefined ? {} : { duration_seconds: duration_seconds === null ? null : String(duration_seconds) }),
  };
}

/**
 * Studio Nexus projects, their versions, team and likes. Every method runs in the caller's
 * transaction (asUser), so row-level security decides: others' private projects are not found,
 * viewers read, editors write, the owner and team admins manage the team.
 */
export class ProjectsRepository {
  insert(db: Kysely<DB>, userId: string, w: ProjectWrite & { title: string }) {
    return db.insertInto('projects').values({ ...columnsOf(w), title: w.title, user_id: userId }).returning([...PROJECT_COLUMNS]).executeTakeFirstOrThrow();
  }

  find(db: Kysely<DB>, id: string) {
    return db.selectFrom('projects').select([...PROJECT_COLUMNS]).where('id', '=', id).executeTakeFirst();
  }

  /** The caller's access: 4 owner, 3 team admin, 2 editor, 1 viewer, 0 none (project_access_level). */
  async accessLevel(db: Kysely<DB>, id: string): Promise<number> {
    const { rows } = await sql<{ level: number }>`select public.project_access_level(${id}::uuid) as level`.execute(db);
    return rows[0]?.level ?? 0;
  }

  /**
   * Newest first, keyset-paginated by (created_at, id) of the cursor row (exact to the microsecond).
   * scope 'mine': owned and collaborated on; 'public': everyone's public projects.
   */
  list(db: Kysely<DB>, q: { userId: string; scope: 'mine' | 'public'; limit: number; afterId?: string }) {
    let query = db.selectFrom('projects as p').select(PROJECT_COLUMNS.map((c) => `p.${c}` as const));
    query = q.scope === 'public' ? query.where('p.is_public', '=', true) : query.where('p.id', 'in', sql<string>`(select public.accessible_project_ids(1))`);
    if (q.afterId) {
      query = query.where(sql<boolean>`(p.created_at, p.id) < (select c.created_at, c.id from public.projects c where c.id = ${q.afterId}::uuid)`);
    }
    return query.orderBy('p.created_at', 'desc').orderBy('p.id', 'desc').limit(q.limit + 1).execute();
  }

  update(db: Kysely<DB>, id: string, w: ProjectWrite) {
    return db.updateTable('projects').set(columnsOf(w)).where('id', '=', id).returning([...PROJECT_COLUMNS]).executeTakeFirst();
  }

  async delete(db: Kysely<DB>, id: string): Promise<boolean> {
    const res = await db.deleteFrom('projects').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  versions(db: Kysely<DB>, projectId: string) {
    return db.selectFrom('project_versions').selectAll().where('project_id', '=', projectId).orderBy('version_number', 'desc').execute();
  }

  collaborators(db: Kysely<DB>, projectId: string) {
    return db.selectFrom('project_collaborators').selectAll().where('project_id', '=', projectId).orderBy('invited_at').orderBy('id').execute();
  }

  collaborator(db: Kysely<DB>, projectId: string, userId: string) {
    return db.selectFrom('project_collaborators').selectAll().where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
  }

  /** Invites (status pending) or changes the role of an existing member (their status stays). */
  upsertCollaborator(db: Kysely<DB>, c: { projectId: string; userId: string; role: ProjectRole; invitedBy: string; permissions?: Record<string, unknown> }) {
    return db
      .insertInto('project_collaborators')
      .values({ project_id: c.projectId, user_id: c.userId, role: c.role, invited_by: c.invitedBy, permissions: JSON.stringify(c.permissions ?? {}) })
      .onConflict((oc) =>
        oc.columns(['project_id', 'user_id']).doUpdateSet({ role: c.role, ...(c.permissions === undefined ? {} : { permissions: JSON.stringify(c.permissions) }) }),
      )
      .returningAll()
      .executeTakeFirst();
  }

  /** The invitee's answer to their own invitation. */
  answer(db: Kysely<DB>, projectId: string, userId: string, status: 'accepted' | 'declined') {
    return db.updateTable('project_collaborators').set({ status }).where('project_id', '=', projectId).where('user_id', '=', userId).returningAll().executeTakeFirst();
  }

  async removeCollaborator(db: Kysely<DB>, projectId: string, userId: string): Promise<boolean> {
    const res = await db.deleteFrom('project_collaborators').where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async like(db: Kysely<DB>, projectId: string, userId: string): Promise<void> {
    await db.insertInto('project_likes').values({ project_id: projectId, user_id: userId }).onConflict((oc) => oc.columns(['project_id', 'user_id']).doNothing()).execute();
  }

  async unlike(db: Kysely<DB>, projectId: string, userId: string): Promise<void> {
    await db.deleteFrom('project_likes').where('project_id', '=', projectId).where('user_id', '=', userId).execute();
  }

  async likedBy(db: Kysely<DB>, projectId: string, userId: string): Promise<boolean> {
    return !!(await db.selectFrom('project_likes').select('id').where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst());
  }

  /** A visible track's audio, for a project made from a track (the caller's RLS decides what is visible). */
  trackAudio(db: Kysely<DB>, trackId: string) {
    return db.selectFrom('tracks').select(['id', 'audio_url', 'duration_seconds']).where('id', '=', trackId).executeTakeFirst();
  }
}

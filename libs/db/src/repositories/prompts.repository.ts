import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';
import { cursorAt, olderThan, type Keyset } from './keyset.js';

export interface PromptFields {
  title?: string;
  content?: string;
  project_id?: string | null;
  category?: 'melody' | 'lyrics' | 'style' | null;
  tags?: string[];
  is_favorite?: boolean;
  metadata?: Record<string, unknown>;
}

/** The newest track made from a history entry (tracks.source_prompt_id; the caller's RLS on tracks applies). */
const latestTrack = sql<string | null>`(select t.id from public.tracks t where t.source_prompt_id = prompt_history.id order by t.created_at desc limit 1)`.as('track_id');

const like = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Saved prompts (project_prompts) and prompt history, under the caller's RLS (owner only). */
export class PromptsRepository {
  insertPrompt(db: Kysely<DB>, userId: string, f: PromptFields & { title: string; content: string }) {
    return db
      .insertInto('project_prompts')
      .values({
        user_id: userId,
        title: f.title,
        content: f.content,
        project_id: f.project_id ?? null,
        category: f.category ?? null,
        tags: f.tags ?? [],
        is_favorite: f.is_favorite ?? false,
        metadata: JSON.stringify(f.metadata ?? {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Whether the caller owns the album (music_projects) a prompt would belong to. */
  async ownsAlbum(db: Kysely<DB>, userId: string, projectId: string): Promise<boolean> {
    const row = await db.selectFrom('music_projects').select('id').where('id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
    return row !== undefined;
  }

  findPrompt(db: Kysely<DB>, id: string) {
    return db.selectFrom('project_prompts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listPrompts(db: Kysely<DB>, o: { limit: number; after?: Keyset; category?: string; favorite?: boolean; projectId?: string; q?: string }) {
    let q = db.selectFrom('project_prompts').selectAll().select(cursorAt('created_at').as('cursor_at'));
    if (o.after) q = q.where(olderThan(o.after, 'created_at', 'id'));
    if (o.category !== undefined) q = q.where('category', '=', o.category as 'melody');
    if (o.favorite !== undefined) q = q.where('is_favorite', '=', o.favorite);
    if (o.projectId !== undefined) q = q.where('project_id', '=', o.projectId);
    if (o.q !== undefined) q = q.where((eb) => eb.or([eb('title', 'ilike', like(o.q!)), eb('content', 'ilike', like(o.q!))]));
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(o.limit).execute();
  }

  updatePrompt(db: Kysely<DB>, id: string, patch: PromptFields) {
    const { metadata, ...rest } = patch;
    return db
      .updateTable('project_prompts')
      .set({ ...rest, ...(metadata !== undefined ? { metadata: sql`metadata || ${JSON.stringify(metadata)}::jsonb` } : {}) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** A prompt was used (e.g. pasted into a generation): usage_count + 1, last_used_at now. */
  usePrompt(db: Kysely<DB>, id: string) {
    return db
      .updateTable('project_prompts')
      .set({ usage_count: sql`usage_count + 1`, last_used_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async deletePrompt(db: Kysely<DB>, id: string): Promise<boolean> {
    const res = await db.deleteFrom('project_prompts').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  listHistory(db: Kysely<DB>, o: { limit: number; after?: Keyset; status?: 'success' | 'failed' | 'pending'; template?: boolean; q?: string }) {
    let q = db.selectFrom('prompt_history').selectAll().select(latestTrack).select(cursorAt('created_at').as('cursor_at'));
    if (o.after) q = q.where(olderThan(o.after, 'created_at', 'id'));
    if (o.status === 'pending') q = q.where('generation_status', 'is', null);
    else if (o.status !== undefined) q = q.where('generation_status', '=', o.status);
    if (o.template !== undefined) q = q.where('is_template', '=', o.template);
    if (o.q !== undefined) q = q.where('prompt', 'ilike', like(o.q));
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(o.limit).execute();
  }

  findHistory(db: Kysely<DB>, id: string) {
    return db.selectFrom('prompt_history').selectAll().select(latestTrack).where('id', '=', id).executeTakeFirst();
  }

  updateHistory(db: Kysely<DB>, id: string, isTemplate: boolean) {
    return db.updateTable('prompt_history').set({ is_template: isTemplate }).where('id', '=', id).returningAll().returning(latestTrack).executeTakeFirst();
  }

  async deleteHistory(db: Kysely<DB>, id: string): Promise<boolean> {
    const res = await db.deleteFrom('prompt_history').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  /**
   * The design's prompt_statistics view for the caller (security_invoker: RLS keeps it to their own
   * history): usage and outcome per (prompt, genre, tags), most used first. Aggregates have no id, so
   * pages go by offset.
   */
  statistics(db: Kysely<DB>, o: { limit: number; offset: number }) {
    return db
      .selectFrom('prompt_statistics')
      .select(['prompt', 'genre', 'tags', 'usage_count', 'success_count', 'failure_count', 'track_count', 'completed_track_count', 'avg_generation_time_ms', 'last_used_at'])
      .orderBy('usage_count', 'desc')
      .orderBy('last_used_at', 'desc')
      .orderBy('prompt')
      .orderBy('genre')
      .limit(o.limit)
      .offset(o.offset)
      .execute();
  }

  /** Clears the caller's history (RLS: their rows only), templates kept unless asked. */
  async clearHistory(db: Kysely<DB>, userId: string, keepTemplates: boolean): Promise<number> {
    let q = db.deleteFrom('prompt_history').where('user_id', '=', userId);
    if (keepTemplates) q = q.where('is_template', '=', false);
    const res = await q.executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}

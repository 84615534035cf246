import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';

export class TransformationsRepository {
  findProject(db: Kysely<DB>, id: string) {
    return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Whether the caller (the transaction's JWT claims) may edit the project: its owner, or an accepted editor/admin. */
  async canEdit(db: Kysely<DB>, projectId: string): Promise<boolean> {
    const row = await sql<{ ok: boolean }>`select ${projectId}::uuid in (select public.accessible_project_ids(2)) as ok`.execute(db);
    return row.rows[0]?.ok === true;
  }

  findPreset(db: Kysely<DB>, id: string) {
    return db.selectFrom('ai_model_presets').selectAll().where('id', '=', id).where('is_active', '=', true).executeTakeFirst();
  }

  /** The styles the platform offers: those of its active presets. */
  async activeTypes(db: Kysely<DB>): Promise<string[]> {
    const rows = await db.selectFrom('ai_model_presets').select('transformation_type').distinct().where('is_active', '=', true).orderBy('transformation_type').execute();
    return rows.map((r) => r.transformation_type);
  }

  presetForType(db: Kysely<DB>, type: string) {
    return db.selectFrom('ai_model_presets').selectAll().where('transformation_type', '=', type).where('is_active', '=', true).orderBy('created_at').executeTakeFirst();
  }

  /** An effects preset the caller may use (RLS: system, public, or their own). */
  findEffectsPreset(db: Kysely<DB>, id: string) {
    return db.selectFrom('effects_presets').selectAll().where('id', '=', id).executeTakeFirst();
  }

  insert(db: Kysely<DB>, row: { projectId: string; userId: string; type: string; inputAudioPath: string; parameters: Record<string, unknown>; modelVersion: string }) {
    return db
      .insertInto('ai_transformations')
      .values({ project_id: row.projectId, user_id: row.userId, transformation_type: row.type, input_audio_path: row.inputAudioPath, parameters: JSON.stringify(row.parameters), model_version: row.modelVersion })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findById(db: Kysely<DB>, id: string) {
    return db.selectFrom('ai_transformations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async start(db: Kysely<DB>, id: string): Promise<void> {
    await db.updateTable('ai_transformations').set({ status: 'processing', started_at: sql`coalesce(started_at, now())`, error_code: null, error_message: null }).where('id', '=', id).execute();
  }

  async fail(db: Kysely<DB>, id: string, message: string, final: boolean): Promise<void> {
    await db
      .updateTable('ai_transformations')
      .set({ status: final ? 'failed' : 'processing', error_code: final ? 'failed' : 'retrying', error_message: message, retry_count: sql`retry_count + 1` })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Completion: the transformation row, the project's processed audio, a new project version (next number)
   * and the preset's usage — in the caller's transaction.
   */
  async complete(db: Kysely<DB>, t: { id: string; projectId: string; presetId: string | null; effectsPresetId?: string | null; effectsSettings?: Record<string, unknown>; outputUrl: string; processingSeconds: number; parameters: Record<string, unknown>; versionTitle: string; versionDescription: string }) {
    const row = await db
      .updateTable('ai_transformations')
      .set({ status: 'completed', output_audio_path: t.outputUrl, completed_at: sql`now()`, processing_time_seconds: Math.round(t.processingSeconds), parameters: sql`parameters || ${JSON.stringify(t.parameters)}::jsonb`, error_code: null, error_message: null })
      .where('id', '=', t.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await db.updateTable('projects').set({ processed_audio_path: t.outputUrl }).where('id', '=', t.projectId).execute();
    // One version per transformation: a repeated completion finds it instead of adding another.
    const existing = await db.selectFrom('project_versions').selectAll().where('project_id', '=', t.projectId).where(sql<boolean>`effects_settings->>'transformation_id' = ${t.id}`).executeTakeFirst();
    const version =
      existing ??
      (await db
        .insertInto('project_versions')
        .values((eb) => ({
          project_id: t.projectId,
          version_number: eb.selectFrom('project_versions').select(sql<number>`coalesce(max(version_number), 0) + 1`.as('n')).where('project_id', '=', t.projectId),
          title: t.versionTitle,
          description: t.versionDescription,
          audio_file_path: t.outputUrl,
          effects_settings: JSON.stringify({ ...(t.effectsSettings ?? {}), transformation_id: t.id }),
        }))
        .returningAll()
        .executeTakeFirstOrThrow());
    if (!existing && t.presetId) await db.updateTable('ai_model_presets').set({ usage_count: sql`usage_count + 1` }).where('id', '=', t.presetId).execute();
    if (!existing && t.effectsPresetId) await db.updateTable('effects_presets').set({ usage_count: sql`usage_count + 1` }).where('id', '=', t.effectsPresetId).execute();
    return { transformation: row, version };
  }

  /** Rating and feedback: only the user who ran it, only once it finished. Undefined when none matches. */
  rate(db: Kysely<DB>, projectId: string, id: string, rating: number, feedback: string | null) {
    return db
      .updateTable('ai_transformations')
      .set({ user_rating: rating, user_feedback: feedback })
      .where('id', '=', id)
      .where('project_id', '=', projectId)
      .where('status', '=', 'completed')
      .returningAll()
      .executeTakeFirst();
  }
}

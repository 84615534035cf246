import { sql, type Kysely } from 'kysely';
import type { DB } from '@muse/db';

/**
 * Where the designs keep a provider's task id on each domain row (seed schema): the job row says
 * which provider and task, and the domain row carries it too for support and reconciliation.
 * Identifiers come only from this table, never from input.
 */
const DOMAIN_TASK_COLUMNS: Record<string, { table: string; key: string; columns: Record<string, string> }> = {
  music_classification: { table: 'classification_jobs', key: 'classification_id', columns: { replicate: 'replicate_prediction_id' } },
  song_description: { table: 'song_descriptions', key: 'id', columns: { fal: 'fal_request_id' } },
  song_recognition: { table: 'song_recognitions', key: 'id', columns: { mureka: 'mureka_task_id', fal: 'fal_request_id' } },
  audio_upscale_job: { table: 'audio_upscale_jobs', key: 'id', columns: { replicate: 'replicate_prediction_id' } },
  ai_transformation: { table: 'ai_transformations', key: 'id', columns: { replicate: 'replicate_prediction_id' } },
  wav_job: { table: 'wav_jobs', key: 'id', columns: { suno: 'suno_task_id' } },
  lyrics_job: { table: 'lyrics_jobs', key: 'id', columns: { suno: 'suno_task_id', mureka: 'mureka_task_id' } },
  track_section_replacement: { table: 'track_section_replacements', key: 'id', columns: { suno: 'suno_task_id' } },
};

/** The domain column for a resource type and provider, if the design has one (stems keep theirs per stem row). */
export function domainTaskColumn(resourceType: string, provider: string): { table: string; column: string } | undefined {
  const entry = DOMAIN_TASK_COLUMNS[resourceType];
  const column = entry?.columns[provider];
  return entry && column ? { table: entry.table, column } : undefined;
}

/** Writes the provider's task id on the job's domain row (no-op where the design has no column). */
export async function recordDomainTask(db: Kysely<DB>, resourceType: string, resourceId: string, provider: string, taskId: string): Promise<void> {
  const entry = DOMAIN_TASK_COLUMNS[resourceType];
  const column = entry?.columns[provider];
  if (!entry || !column) return;
  await sql`update ${sql.table(entry.table)} set ${sql.ref(column)} = ${taskId} where ${sql.ref(entry.key)} = ${resourceId}`.execute(db);
}

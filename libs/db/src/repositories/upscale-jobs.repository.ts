import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';

export class UpscaleJobsRepository {
  insert(db: Kysely<DB>, row: { userId: string; trackId: string | null; inputAudioUrl: string; modelVersion: 'stable-audio-open' | 'audioldm2' | 'local-resample-48k'; guidanceScale: number | null; ddimSteps: number | null; seed: number | null; metadata: Record<string, unknown> }) {
    return db
      .insertInto('audio_upscale_jobs')
      .values({
        user_id: row.userId,
        track_id: row.trackId,
        input_audio_url: row.inputAudioUrl,
        model_version: row.modelVersion,
        guidance_scale: row.guidanceScale === null ? null : String(row.guidanceScale),
        ddim_steps: row.ddimSteps,
        seed: row.seed,
        metadata: JSON.stringify(row.metadata),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findById(db: Kysely<DB>, id: string) {
    return db.selectFrom('audio_upscale_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async setStatus(db: Kysely<DB>, id: string, status: 'pending' | 'processing' | 'completed' | 'failed', error: string | null = null): Promise<void> {
    await db.updateTable('audio_upscale_jobs').set({ status, error_message: error }).where('id', '=', id).execute();
  }

  complete(db: Kysely<DB>, id: string, outputUrl: string, details: Record<string, unknown>) {
    return db
      .updateTable('audio_upscale_jobs')
      .set({ status: 'completed', output_audio_url: outputUrl, error_message: null, completed_at: sql`now()`, metadata: sql`metadata || ${JSON.stringify(details)}::jsonb` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}

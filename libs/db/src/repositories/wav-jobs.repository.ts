import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';

export type WavJobStatus = 'pending' | 'processing' | 'completed' | 'failed';

export class WavJobsRepository {
  insert(db: Kysely<DB>, row: { trackId: string; versionId: string; metadata: Record<string, unknown> }) {
    return db
      .insertInto('wav_jobs')
      .values({ track_id: row.trackId, audio_id: row.versionId, metadata: JSON.stringify(row.metadata) })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findById(db: Kysely<DB>, id: string) {
    return db.selectFrom('wav_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async setStatus(db: Kysely<DB>, id: string, status: WavJobStatus, error: string | null = null): Promise<void> {
    await db.updateTable('wav_jobs').set({ status, error_message: error }).where('id', '=', id).execute();
  }

  /** The finished export: its URL and what was written (rate, depth, frames), merged into metadata. */
  complete(db: Kysely<DB>, id: string, wavUrl: string, details: Record<string, unknown>) {
    return db
      .updateTable('wav_jobs')
      .set({ status: 'completed', wav_url: wavUrl, error_message: null, metadata: sql`metadata || ${JSON.stringify(details)}::jsonb` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}

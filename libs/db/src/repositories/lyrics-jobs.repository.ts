import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';

export interface WrittenVariant {
  variantIndex: number;
  title: string;
  content: string;
}

export class LyricsJobsRepository {
  insert(db: Kysely<DB>, row: { userId: string; prompt: string; baseLyrics: string | null; isExtension: boolean; provider: 'suno' | 'openai' | 'mureka' | 'local'; callbackUrl: string | null; metadata: Record<string, unknown> }) {
    return db
      .insertInto('lyrics_jobs')
      .values({ user_id: row.userId, prompt: row.prompt, base_lyrics: row.baseLyrics, is_extension: row.isExtension, provider: row.provider, callback_url: row.callbackUrl, metadata: JSON.stringify(row.metadata) })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findById(db: Kysely<DB>, id: string) {
    return db.selectFrom('lyrics_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listVariants(db: Kysely<DB>, jobId: string) {
    return db.selectFrom('lyrics_variants').selectAll().where('job_id', '=', jobId).orderBy('variant_index').execute();
  }

  async setStatus(db: Kysely<DB>, id: string, status: 'pending' | 'processing' | 'completed' | 'failed', error: string | null = null): Promise<void> {
    await db.updateTable('lyrics_jobs').set({ status, error_message: error }).where('id', '=', id).execute();
  }

  /**
   * The variants (upserted by index, so a repeated run rewrites rather than duplicates), the job row
   * and one generation-log line per variant, in the caller's transaction.
   */
  async complete(db: Kysely<DB>, job: { id: string; userId: string; prompt: string }, variants: WrittenVariant[], metadata: Record<string, unknown>) {
    const rows = await db
      .insertInto('lyrics_variants')
      .values(variants.map((v) => ({ job_id: job.id, variant_index: v.variantIndex, title: v.title, content: v.content, status: 'completed' as const })))
      .onConflict((oc) => oc.columns(['job_id', 'variant_index']).doUpdateSet((eb) => ({ title: eb.ref('excluded.title'), content: eb.ref('excluded.content'), status: 'completed', error_message: null })))
      .returningAll()
      .execute();
    await db.updateTable('lyrics_jobs').set({ status: 'completed', error_message: null, metadata: sql`metadata || ${JSON.stringify(metadata)}::jsonb` }).where('id', '=', job.id).execute();
    await db
      .insertInto('lyrics_generation_log')
      .values(variants.map((v) => ({ user_id: job.userId, prompt: job.prompt, status: 'success' as const, generated_title: v.title, generated_lyrics: v.content, metadata: JSON.stringify({ job_id: job.id, variant_index: v.variantIndex, ...metadata }) })))
      .execute();
    return rows.sort((a, b) => a.variant_index - b.variant_index);
  }

  /** A failed job leaves one failed log line (final failures only). */
  async logFailure(db: Kysely<DB>, job: { id: string; userId: string; prompt: string }, message: string): Promise<void> {
    await db.insertInto('lyrics_generation_log').values({ user_id: job.userId, prompt: job.prompt, status: 'failed', error_message: message, metadata: JSON.stringify({ job_id: job.id }) }).execute();
  }
}

import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';
import { cursorAt, type Keyset } from './keyset.js';

/**
 * Reads of the domain rows every job kind writes (issue 14), under the caller's RLS: work records are
 * their owner's only, so another user's row reads as missing.
 */
export class JobResultsRepository {
  lyricsJob(db: Kysely<DB>, id: string) {
    return db
      .selectFrom('lyrics_jobs')
      .select(['id', 'user_id', 'prompt', 'base_lyrics', 'is_extension', 'provider', 'status', 'suno_task_id', 'mureka_task_id', 'call_strategy', 'error_message', 'metadata', 'created_at', 'updated_at'])
      .where('id', '=', id)
      .executeTakeFirst();
  }

  lyricsVariants(db: Kysely<DB>, jobId: string) {
    return db.selectFrom('lyrics_variants').selectAll().where('job_id', '=', jobId).orderBy('variant_index').execute();
  }

  stems(db: Kysely<DB>, trackId: string) {
    return db.selectFrom('track_stems').selectAll().where('track_id', '=', trackId).orderBy('created_at').orderBy('stem_type').execute();
  }

  classification(db: Kysely<DB>, id: string) {
    return db.selectFrom('music_classifications').selectAll().where('id', '=', id).executeTakeFirst();
  }

  classificationJobs(db: Kysely<DB>, classificationId: string) {
    return db
      .selectFrom('classification_jobs')
      .select(['id', 'classification_id', 'classifier_type', 'classifier_config', 'input_audio_url', 'output_visualization_url', 'replicate_prediction_id', 'status', 'error_message', 'metadata', 'created_at', 'updated_at'])
      .where('classification_id', '=', classificationId)
      .orderBy('created_at')
      .execute();
  }

  description(db: Kysely<DB>, id: string) {
    return db.selectFrom('song_descriptions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  recognition(db: Kysely<DB>, id: string) {
    return db.selectFrom('song_recognitions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  wavJob(db: Kysely<DB>, id: string) {
    return db.selectFrom('wav_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  upscaleJob(db: Kysely<DB>, id: string) {
    return db.selectFrom('audio_upscale_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  sectionReplacement(db: Kysely<DB>, id: string) {
    return db.selectFrom('track_section_replacements').selectAll().where('id', '=', id).executeTakeFirst();
  }

  persona(db: Kysely<DB>, id: string) {
    return db.selectFrom('suno_personas').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The caller's personas (with public ones of others when publicToo), newest first, keyset paged. */
  personas(db: Kysely<DB>, opts: { userId: string; publicToo: boolean; limit: number; after?: Keyset }) {
    let q = db.selectFrom('suno_personas').selectAll().select(cursorAt().as('cursor_at'));
    q = opts.publicToo ? q.where((eb) => eb.or([eb('user_id', '=', opts.userId), eb('is_public', '=', true)])) : q.where('user_id', '=', opts.userId);
    if (opts.after) q = q.where(sql<boolean>`(created_at, id) < (${opts.after.createdAt}::timestamptz, ${opts.after.id}::uuid)`);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  }
}

import { sql, type Kysely } from 'kysely';
import type { DB, Job, NewTrack, Track, TrackStatus, TrackVersion } from '../schema.js';

export interface GeneratedVariant {
  variantIndex: number;
  audioUrl: string;
  coverUrl: string;
  durationSeconds: number;
  lyrics: string | null;
  metadata: Record<string, unknown>;
}

export class TracksRepository {
  insert(db: Kysely<DB>, track: NewTrack): Promise<Track> {
    return db.insertInto('tracks').values(track).returningAll().executeTakeFirstOrThrow();
  }

  findById(db: Kysely<DB>, id: string): Promise<Track | undefined> {
    return db.selectFrom('tracks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listVersions(db: Kysely<DB>, trackId: string): Promise<TrackVersion[]> {
    return db.selectFrom('track_versions').selectAll().where('parent_track_id', '=', trackId).orderBy('variant_index').execute();
  }

  async setStatus(db: Kysely<DB>, id: string, status: TrackStatus, fields: { progress?: number; provider?: string; error?: string | null } = {}): Promise<void> {
    await db
      .updateTable('tracks')
      .set({
        status,
        ...(fields.progress !== undefined ? { progress_percent: fields.progress } : {}),
        ...(fields.provider !== undefined ? { provider: fields.provider } : {}),
        ...(fields.error !== undefined ? { error_message: fields.error } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Writes every variant (upsert by variant index, so a retried job rewrites rather than
   * duplicates), makes variant 0 the master, and copies it onto the track.
   */
  async saveGeneration(db: Kysely<DB>, trackId: string, variants: GeneratedVariant[], trackFields: { hasVocals: boolean; modelName: string; title: string }): Promise<TrackVersion[]> {
    const primary = variants.find((v) => v.variantIndex === 0) ?? variants[0];
    if (!primary) throw new Error('a generation needs at least one variant');
    await db.updateTable('track_versions').set({ is_primary_variant: false }).where('parent_track_id', '=', trackId).execute();
    const rows = await db
      .insertInto('track_versions')
      .values(
        variants.map((v) => ({
          parent_track_id: trackId,
          variant_index: v.variantIndex,
          audio_url: v.audioUrl,
          cover_url: v.coverUrl,
          duration: Math.round(v.durationSeconds),
          lyrics: v.lyrics,
          is_primary_variant: v === primary,
          metadata: JSON.stringify(v.metadata),
        })),
      )
      .onConflict((oc) =>
        oc.columns(['parent_track_id', 'variant_index']).doUpdateSet((eb) => ({
          audio_url: eb.ref('excluded.audio_url'),
          cover_url: eb.ref('excluded.cover_url'),
          duration: eb.ref('excluded.duration'),
          lyrics: eb.ref('excluded.lyrics'),
          is_primary_variant: eb.ref('excluded.is_primary_variant'),
          metadata: eb.ref('excluded.metadata'),
        })),
      )
      .returningAll()
      .execute();
    await db
      .updateTable('tracks')
      .set({
        status: 'completed',
        progress_percent: 100,
        error_message: null,
        audio_url: primary.audioUrl,
        cover_url: primary.coverUrl,
        duration: Math.round(primary.durationSeconds),
        duration_seconds: Math.round(primary.durationSeconds),
        has_vocals: trackFields.hasVocals,
        model_name: trackFields.modelName,
        title: sql`coalesce(title, ${trackFields.title})`,
        metadata: sql`metadata || ${JSON.stringify({ variants: variants.length })}::jsonb`,
      })
      .where('id', '=', trackId)
      .execute();
    return rows.sort((a, b) => a.variant_index - b.variant_index);
  }

  /**
   * A generation's completion transaction in one statement (complete_generation, migration 0036):
   * what saveGeneration + JobsRepository.complete + the notification do, in one round trip. Undefined
   * when the job is no longer processing (cancelled, or finished by a concurrent update): nothing lands.
   */
  async completeGeneration(
    db: Kysely<DB>,
    c: { jobId: string; trackId: string; variants: GeneratedVariant[]; trackFields: { hasVocals: boolean; modelName: string; title: string }; notification: { userId: string; type: string; title: string; message: string; link: string | null } },
  ): Promise<Job | undefined> {
    const variants = c.variants.map((v) => ({ variant_index: v.variantIndex, audio_url: v.audioUrl, cover_url: v.coverUrl, duration: Math.round(v.durationSeconds), lyrics: v.lyrics, metadata: v.metadata }));
    const fields = { has_vocals: c.trackFields.hasVocals, model_name: c.trackFields.modelName, title: c.trackFields.title };
    const n = c.notification;
    const { rows } = await sql<Job>`select * from public.complete_generation(${c.jobId}::uuid, ${c.trackId}::uuid, ${JSON.stringify(variants)}::jsonb, ${JSON.stringify(fields)}::jsonb, ${JSON.stringify({ user_id: n.userId, type: n.type, title: n.title, message: n.message, link: n.link })}::jsonb)`.execute(db);
    return rows[0];
  }

  async recordAttempt(db: Kysely<DB>, trackId: string, jobId: string, attempt: number, error: string): Promise<void> {
    await db
      .insertInto('track_retry_attempts')
      .values({ track_id: trackId, job_id: jobId, attempt_number: attempt, error_message: error.slice(0, 2000) })
      .onConflict((oc) => oc.columns(['track_id', 'job_id', 'attempt_number']).doNothing())
      .execute();
  }
}

import { sql, type Kysely } from 'kysely';
import type { DB, TrackVersion } from '../schema.js';

/** Effects jobs on track versions: the preset they name and the new version they land. */
export class TrackEffectsRepository {
  /** As the caller (RLS): a system, public or own preset; another user's private preset reads as missing. */
  findPreset(db: Kysely<DB>, id: string) {
    return db.selectFrom('effects_presets').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findVersion(db: Kysely<DB>, id: string) {
    return db.selectFrom('track_versions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The version an effects job made before (a repeated completion finds it instead of adding another). */
  findVersionOfJob(db: Kysely<DB>, trackId: string, jobId: string) {
    return db
      .selectFrom('track_versions')
      .selectAll()
      .where('parent_track_id', '=', trackId)
      .where(sql<boolean>`metadata->'effects'->>'job_id' = ${jobId}`)
      .executeTakeFirst();
  }

  /**
   * The processed audio as a NEW, non-primary version (the source stays untouched), in the completion
   * transaction. The variant index is chosen here under the track's row lock, past every existing
   * version and every index a section replacement has reserved, so the two kinds never collide.
   */
  async insertVersion(db: Kysely<DB>, v: { trackId: string; jobId: string; audioUrl: string; coverUrl: string | null; durationSeconds: number; lyrics: string | null; metadata: Record<string, unknown> }): Promise<TrackVersion> {
    const existing = await this.findVersionOfJob(db, v.trackId, v.jobId);
    if (existing) return existing;
    await db.selectFrom('tracks').select('id').where('id', '=', v.trackId).forUpdate().execute();
    const { max } = await db.selectFrom('track_versions').select((eb) => eb.fn.max<number | null>('variant_index').as('max')).where('parent_track_id', '=', v.trackId).executeTakeFirstOrThrow();
    const reserved = await db
      .selectFrom('track_section_replacements')
      .select(sql<number | null>`max((metadata->>'new_variant_index')::int)`.as('m'))
      .where('parent_track_id', '=', v.trackId)
      .executeTakeFirstOrThrow();
    const index = Math.max(max ?? -1, reserved.m ?? -1) + 1;
    return db
      .insertInto('track_versions')
      .values({ parent_track_id: v.trackId, variant_index: index, audio_url: v.audioUrl, cover_url: v.coverUrl, duration: Math.round(v.durationSeconds), lyrics: v.lyrics, is_primary_variant: false, metadata: JSON.stringify(v.metadata) })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The design's usage_count of a preset: counted once per completed effects job. */
  async countPresetUse(db: Kysely<DB>, presetId: string): Promise<void> {
    await db.updateTable('effects_presets').set({ usage_count: sql`usage_count + 1` }).where('id', '=', presetId).execute();
  }
}

import { sql, type Kysely } from 'kysely';
import type { DB, TrackVersion } from '../schema.js';

export class SectionReplacementsRepository {
  insert(db: Kysely<DB>, row: { trackId: string; versionId: string; startS: number; endS: number; prompt: string; tags: string | null; negativeTags: string | null; metadata: Record<string, unknown> }) {
    return db
      .insertInto('track_section_replacements')
      .values({ parent_track_id: row.trackId, version_id: row.versionId, replaced_start_s: String(row.startS), replaced_end_s: String(row.endS), prompt: row.prompt, tags: row.tags, negative_tags: row.negativeTags, metadata: JSON.stringify(row.metadata) })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findById(db: Kysely<DB>, id: string) {
    return db.selectFrom('track_section_replacements').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async setStatus(db: Kysely<DB>, id: string, status: 'pending' | 'processing' | 'completed' | 'failed', error: string | null = null): Promise<void> {
    await db.updateTable('track_section_replacements').set({ status, error_message: error }).where('id', '=', id).execute();
  }

  /**
   * The variant index of the new version, chosen once per replacement (the next free one) and kept in
   * its metadata, so a retried run writes the same object key and the same version row.
   */
  async reserveVariantIndex(db: Kysely<DB>, id: string, trackId: string): Promise<number> {
    return db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('track_section_replacements').select('metadata').where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
      const existing = (row.metadata as { new_variant_index?: number }).new_variant_index;
      if (existing !== undefined) return existing;
      // Serialise reservations per track: two replacements on one track never pick the same index.
      await trx.selectFrom('tracks').select('id').where('id', '=', trackId).forUpdate().execute();
      const { max } = await trx.selectFrom('track_versions').select((eb) => eb.fn.max<number | null>('variant_index').as('max')).where('parent_track_id', '=', trackId).executeTakeFirstOrThrow();
      const reservedRows = await trx.selectFrom('track_section_replacements').select(sql<number | null>`max((metadata->>'new_variant_index')::int)`.as('m')).where('parent_track_id', '=', trackId).executeTakeFirstOrThrow();
      const next = Math.max(max ?? -1, reservedRows.m ?? -1) + 1;
      await trx.updateTable('track_section_replacements').set({ metadata: sql`metadata || ${JSON.stringify({ new_variant_index: next })}::jsonb` }).where('id', '=', id).execute();
      return next;
    });
  }

  /** The new version (never primary: the original stays the master until the owner chooses) and the replacement's completion. */
  async complete(db: Kysely<DB>, id: string, version: { trackId: string; variantIndex: number; audioUrl: string; coverUrl: string | null; durationSeconds: number; lyrics: string | null; metadata: Record<string, unknown> }): Promise<TrackVersion> {
    const row = await db
      .insertInto('track_versions')
      .values({ parent_track_id: version.trackId, variant_index: version.variantIndex, audio_url: version.audioUrl, cover_url: version.coverUrl, duration: Math.round(version.durationSeconds), lyrics: version.lyrics, is_primary_variant: false, metadata: JSON.stringify(version.metadata) })
      .onConflict((oc) => oc.columns(['parent_track_id', 'variant_index']).doUpdateSet((eb) => ({ audio_url: eb.ref('excluded.audio_url'), cover_url: eb.ref('excluded.cover_url'), duration: eb.ref('excluded.duration'), metadata: eb.ref('excluded.metadata') })))
      .returningAll()
      .executeTakeFirstOrThrow();
    await db
      .updateTable('track_section_replacements')
      .set({ status: 'completed', error_message: null, replacement_audio_url: version.audioUrl, metadata: sql`metadata || ${JSON.stringify({ new_version_id: row.id })}::jsonb` })
      .where('id', '=', id)
      .execute();
    return row;
  }
}

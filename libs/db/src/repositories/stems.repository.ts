import { sql, type Kysely } from 'kysely';
import type { DB, TrackVersion } from '../schema.js';
import type { TrackStemsTable } from '../schema-designs.js';
import type { Selectable } from 'kysely';

export type TrackStem = Selectable<TrackStemsTable>;

export interface NewStem {
  stemType: TrackStemsTable['stem_type'];
  audioUrl: string;
  metadata: Record<string, unknown>;
}

export class StemsRepository {
  /** The version to separate: the one named (it must belong to the track), else the primary variant. */
  findVersion(db: Kysely<DB>, trackId: string, versionId?: string | null): Promise<TrackVersion | undefined> {
    let query = db.selectFrom('track_versions').selectAll().where('parent_track_id', '=', trackId);
    query = versionId ? query.where('id', '=', versionId) : query.orderBy('is_primary_variant', 'desc').orderBy('variant_index');
    return query.limit(1).executeTakeFirst();
  }

  /**
   * Replaces the track's stems of this mode and version with a new set and marks the track as
   * having stems. Run inside the job's completion transaction, so a redelivered job that lands
   * twice can never leave two sets.
   */
  async replaceSet(db: Kysely<DB>, trackId: string, versionId: string, mode: TrackStemsTable['separation_mode'], stems: NewStem[]): Promise<TrackStem[]> {
    await db.deleteFrom('track_stems').where('track_id', '=', trackId).where('version_id', '=', versionId).where('separation_mode', '=', mode).execute();
    const rows = await db
      .insertInto('track_stems')
      .values(stems.map((s) => ({ track_id: trackId, version_id: versionId, stem_type: s.stemType, audio_url: s.audioUrl, separation_mode: mode, metadata: JSON.stringify(s.metadata) })))
      .returningAll()
      .execute();
    await db.updateTable('tracks').set({ has_stems: true, updated_at: sql`now()` }).where('id', '=', trackId).execute();
    return rows;
  }

  listForTrack(db: Kysely<DB>, trackId: string): Promise<TrackStem[]> {
    return db.selectFrom('track_stems').selectAll().where('track_id', '=', trackId).orderBy('created_at').orderBy('stem_type').execute();
  }
}

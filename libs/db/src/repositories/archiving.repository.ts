import { sql, type Kysely, type Selectable } from 'kysely';
import type { TrackArchivingJobsTable } from '../schema-designs.js';
import type { DB, Track, TrackVersion } from '../schema.js';

export type ArchivingRun = Selectable<TrackArchivingJobsTable>;

/** A column that held a URL of an archived file, so a restore can put it back. */
export interface FileRef {
  table: 'tracks' | 'track_versions';
  id: string;
  column: 'audio_url' | 'cover_url' | 'video_url';
  url: string;
}

/** One object moved between the public and the archive bucket (same key in both). */
export interface ArchivedFile {
  key: string;
  size?: number;
  etag?: string;
  refs: FileRef[];
}

/**
 * Progress of a run, kept in track_archiving_jobs.metadata so a crashed run resumes where it stopped:
 * copying → committed (the track points at the archive) → completed (originals deleted);
 * after a restore: restoring → restored (the track points at the public bucket again) → archive_deleted.
 */
export interface RunMetadata {
  phase?: 'copying' | 'committed';
  files?: ArchivedFile[];
  restore?: 'restoring' | 'restored' | 'archive_deleted';
  restore_job_id?: string;
  restored_at?: string;
  bytes?: number;
}

const OPEN = ['pending', 'processing'] as const;

export class ArchivingRepository {
  /**
   * Gives every archiving candidate (get_tracks_needing_archiving) that has no date yet one, 7 days
   * ahead. Returns how many were scheduled; already scheduled tracks keep their date.
   */
  async scheduleCandidates(db: Kysely<DB>, limit: number): Promise<number> {
    const result = await sql<{ id: string }>`
      update public.tracks t set archive_scheduled_at = now() + interval '7 days'
        from (select c.id from public.get_tracks_needing_archiving(2147483647) c
               where c.archive_scheduled_at is null limit ${limit}) c
       where t.id = c.id and t.archive_scheduled_at is null
      returning t.id`.execute(db);
    return result.rows.length;
  }

  /** Tracks whose archiving date has come and that still qualify (the same criteria as the scan). */
  async dueTracks(db: Kysely<DB>, limit: number): Promise<string[]> {
    const rows = await db
      .selectFrom('tracks')
      .select('id')
      .where('archive_scheduled_at', '<=', sql<Date>`now()`)
      .where('archived_at', 'is', null)
      .where('status', '=', 'completed')
      .where('created_at', '<', sql<Date>`now() - interval '90 days'`)
      .where((eb) => eb.or([eb('is_public', '=', false), eb('play_count', '=', 0)]))
      .orderBy('archive_scheduled_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** The open run of a track, created if there is none (one open run per track, by a unique index). */
  async openRun(db: Kysely<DB>, trackId: string): Promise<ArchivingRun> {
    await db
      .insertInto('track_archiving_jobs')
      .values({ track_id: trackId, status: 'pending' })
      .onConflict((oc) => oc.column('track_id').where('status', 'in', OPEN).doNothing())
      .execute();
    return db.selectFrom('track_archiving_jobs').selectAll().where('track_id', '=', trackId).where('status', 'in', OPEN).executeTakeFirstOrThrow();
  }

  findRun(db: Kysely<DB>, id: string): Promise<ArchivingRun | undefined> {
    return db.selectFrom('track_archiving_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The run that archived the track most recently (the one a restore undoes). */
  lastCompletedRun(db: Kysely<DB>, trackId: string): Promise<ArchivingRun | undefined> {
    return db
      .selectFrom('track_archiving_jobs')
      .selectAll()
      .where('track_id', '=', trackId)
      .where('status', '=', 'completed')
      .orderBy('completed_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Records the plan before the first copy: what will move and which columns point at it. */
  async startRun(db: Kysely<DB>, id: string, files: ArchivedFile[], originals: { audio: string | null; cover: string | null; video: string | null }): Promise<void> {
    await db
      .updateTable('track_archiving_jobs')
      .set({
        status: 'processing',
        started_at: sql`coalesce(started_at, now())`,
        original_audio_url: originals.audio,
        original_cover_url: originals.cover,
        original_video_url: originals.video,
        error_message: null,
        metadata: sql`metadata || ${JSON.stringify({ phase: 'copying', files })}::jsonb`,
      })
      .where('id', '=', id)
      .execute();
  }

  async mergeMetadata(db: Kysely<DB>, id: string, patch: RunMetadata): Promise<void> {
    await db.updateTable('track_archiving_jobs').set({ metadata: sql`metadata || ${JSON.stringify(patch)}::jsonb` }).where('id', '=', id).execute();
  }

  async finishRun(db: Kysely<DB>, id: string, status: 'completed' | 'failed', error: string | null = null): Promise<void> {
    await db
      .updateTable('track_archiving_jobs')
      .set({ status, completed_at: sql`now()`, error_message: error?.slice(0, 2000) ?? null })
      .where('id', '=', id)
      .where('status', 'in', OPEN)
      .execute();
  }

  async recordError(db: Kysely<DB>, id: string, error: string): Promise<void> {
    await db.updateTable('track_archiving_jobs').set({ error_message: error.slice(0, 2000) }).where('id', '=', id).execute();
  }

  /** The track and its versions, locked for the switch-over (nothing may repoint them meanwhile). */
  async lockTrack(db: Kysely<DB>, trackId: string): Promise<{ track: Track; versions: TrackVersion[] } | undefined> {
    const track = await db.selectFrom('tracks').selectAll().where('id', '=', trackId).forUpdate().executeTakeFirst();
    if (!track) return undefined;
    const versions = await db.selectFrom('track_versions').selectAll().where('parent_track_id', '=', trackId).orderBy('variant_index').forUpdate().execute();
    return { track, versions };
  }

  /** Points every referencing column at `value` (null on archive, the original URL on restore). */
  async setRefs(db: Kysely<DB>, refs: FileRef[], value: (ref: FileRef) => string | null): Promise<void> {
    for (const ref of refs) {
      const update = { [ref.column]: value(ref) };
      if (ref.table === 'tracks') await db.updateTable('tracks').set(update).where('id', '=', ref.id).execute();
      else await db.updateTable('track_versions').set(update).where('id', '=', ref.id).execute();
    }
  }

  /** The archive side of the switch-over: storage_* URLs, then the design's mark_track_archived. */
  async markArchived(db: Kysely<DB>, trackId: string, storage: { audio: string | null; cover: string | null; video: string | null }): Promise<void> {
    await db
      .updateTable('tracks')
      .set({ storage_audio_url: storage.audio, storage_cover_url: storage.cover, storage_video_url: storage.video })
      .where('id', '=', trackId)
      .execute();
    await sql`select public.mark_track_archived(${trackId}::uuid)`.execute(db);
  }

  async setArchivedUrls(db: Kysely<DB>, id: string, urls: { audio: string | null; cover: string | null; video: string | null }): Promise<void> {
    await db
      .updateTable('track_archiving_jobs')
      .set({ archived_audio_url: urls.audio, archived_cover_url: urls.cover, archived_video_url: urls.video })
      .where('id', '=', id)
      .execute();
  }

  /**
   * The restore side: the track is live again. Re-archiving waits 90 days (an explicit date, which
   * handle_track_archiving keeps, instead of the 7 days it would give an old private track at once).
   */
  async markRestored(db: Kysely<DB>, trackId: string): Promise<void> {
    await db
      .updateTable('tracks')
      .set({
        archived_at: null,
        archived_to_storage: false,
        storage_audio_url: null,
        storage_cover_url: null,
        storage_video_url: null,
        archive_scheduled_at: sql`now() + interval '90 days'`,
      })
      .where('id', '=', trackId)
      .execute();
  }

  /** A restore whose switch-over committed but whose archive copies were not deleted yet. */
  unfinishedRestores(db: Kysely<DB>, trackId: string): Promise<ArchivingRun[]> {
    return db
      .selectFrom('track_archiving_jobs')
      .selectAll()
      .where('track_id', '=', trackId)
      .where(sql<boolean>`metadata ->> 'restore' = 'restored'`)
      .execute();
  }

  // ---- scheduled maintenance (platform functions of the design) ----

  async resetDailyLimits(db: Kysely<DB>): Promise<Record<string, number>> {
    const { rows } = await sql<{ r: Record<string, number> }>`select public.reset_daily_limits() as r`.execute(db);
    return rows[0]!.r;
  }

  async ensureAnalyticsPartitions(db: Kysely<DB>, monthsAhead: number): Promise<string[]> {
    const { rows } = await sql<{ name: string }>`select public.ensure_analytics_partitions(${monthsAhead}::int) as name`.execute(db);
    return rows.map((r) => r.name);
  }
}

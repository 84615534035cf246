import { Inject, Injectable } from '@nestjs/common';
import {
  ArchivingRepository,
  Bucket,
  trackArchiveKey,
  trackObjectPrefix,
  TracksRepository,
  type ArchivedFile,
  type ArchivingRun,
  type Database,
  type FileRef,
  type RunMetadata,
  type Track,
  type TrackVersion,
} from '@muse/db';
import { DATABASE, LOGGER, STORAGE, type Logger } from '@muse/platform';
import type { StorageService } from '@muse/storage';
import { ArchiveStorage, MissingObjectError } from './archive-storage.js';

/**
 * Called after each durable step with its name. A no-op in production; tests pass one that throws
 * to prove a crash between any two steps is resumed without loss.
 */
export type ArchiveCheckpoint = (step: string, trackId: string) => void | Promise<void>;
export const ARCHIVE_CHECKPOINT = Symbol('ARCHIVE_CHECKPOINT');

/** The run or request can never succeed as asked; retrying will not help. */
export class PermanentArchiveError extends Error {}

const COLUMNS = ['audio_url', 'cover_url', 'video_url'] as const;

/** Where an archived file lives, as a locator rather than a fetchable URL (the bucket is private). */
export const archiveLocator = (key: string): string => `s3://${Bucket.TracksArchive}/${key}`;

/**
 * Moves a track's files between the public `tracks` bucket and the private `tracks-archive` bucket.
 *
 * Archive order: plan (recorded) → copy + verify every file → one transaction switches the track
 * (public URL columns cleared, storage_* set, mark_track_archived) → delete the originals. Until the
 * switch the track points at the originals, which still exist; after it, at the archive copies,
 * which were verified before it. A crash anywhere leaves a state the next run continues from;
 * originals are deleted only once the committed switch-over says the copies are the truth.
 * Restore is the same in reverse.
 */
@Injectable()
export class ArchivingService {
  private readonly objects: ArchiveStorage;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ARCHIVE_CHECKPOINT) private readonly checkpoint: ArchiveCheckpoint,
    private readonly runs: ArchivingRepository,
    private readonly tracks: TracksRepository,
  ) {
    this.objects = new ArchiveStorage(storage);
  }

  /**
   * Archives the track of one run; safe to call again for the same run at any point. A run that can
   * never succeed (an original is missing) ends as failed with the reason; any other error is kept
   * on the run and rethrown, so the queue retries and the next scan picks it up after that.
   */
  async archive(runId: string): Promise<{ outcome: string; files?: number; bytes?: number }> {
    try {
      return await this.archiveRun(runId);
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof PermanentArchiveError) {
        await this.runs.finishRun(this.db, runId, 'failed', message);
        this.logger.warn({ run_id: runId, err: message }, 'archiving run failed for good');
        return { outcome: 'failed' };
      }
      await this.runs.recordError(this.db, runId, message).catch(() => undefined);
      throw error;
    }
  }

  private async archiveRun(runId: string): Promise<{ outcome: string; files?: number; bytes?: number }> {
    const run = await this.runs.findRun(this.db, runId);
    if (!run || run.status === 'completed' || run.status === 'failed') return { outcome: 'already-finished' };
    let meta = run.metadata as RunMetadata;
    if (meta.phase !== 'committed') {
      const outcome = await this.copyAndSwitch(run);
      if (outcome) return { outcome };
      meta = ((await this.runs.findRun(this.db, runId))!.metadata ?? {}) as RunMetadata;
    }
    const files = meta.files ?? [];
    for (const file of files) {
      // The committed switch-over says the archive copy is the truth; still, never delete the last copy.
      if (!(await this.objects.head(Bucket.TracksArchive, trackArchiveKey(file.key)))) {
        throw new Error(`archive copy of ${file.key} is missing; original kept`);
      }
      await this.objects.delete(Bucket.Tracks, file.key);
    }
    await this.checkpoint('deleted', run.track_id);
    await this.runs.finishRun(this.db, runId, 'completed');
    this.logger.info({ track_id: run.track_id, run_id: runId, files: files.length, bytes: meta.bytes }, 'track archived');
    return { outcome: 'archived', files: files.length, bytes: meta.bytes ?? 0 };
  }

  /** Up to the committed switch-over. Returns an outcome when the run ends early, undefined to go on. */
  private async copyAndSwitch(run: ArchivingRun): Promise<string | undefined> {
    const track = await this.tracks.findById(this.db, run.track_id);
    if (!track) return this.endRun(run, 'failed', 'the track was deleted');
    if (track.archived_at) return this.endRun(run, 'failed', 'the track is already archived');
    if (!qualifies(track)) return this.endRun(run, 'failed', 'the track no longer qualifies for archiving');
    const versions = await this.tracks.listVersions(this.db, track.id);
    const files = this.plan(track, versions);
    const own = (column: FileRef['column']) => files.find((f) => f.refs.some((r) => r.table === 'tracks' && r.column === column));
    await this.runs.startRun(this.db, run.id, files, { audio: track.audio_url, cover: track.cover_url, video: track.video_url });
    await this.checkpoint('planned', track.id);

    let bytes = 0;
    for (const file of files) {
      try {
        const info = await this.objects.copyVerified(Bucket.Tracks, Bucket.TracksArchive, file.key);
        Object.assign(file, info);
        bytes += info.size;
      } catch (error) {
        if (error instanceof MissingObjectError) throw new PermanentArchiveError(error.message);
        throw error;
      }
    }
    await this.runs.mergeMetadata(this.db, run.id, { files, bytes });
    await this.checkpoint('copied', track.id);

    const locator = (column: FileRef['column']) => {
      const file = own(column);
      return file ? archiveLocator(trackArchiveKey(file.key)) : null;
    };
    const storageUrls = { audio: locator('audio_url'), cover: locator('cover_url'), video: locator('video_url') };
    await this.db.transaction().execute(async (trx) => {
      const locked = await this.runs.lockTrack(trx, track.id);
      if (!locked || locked.track.archived_at) throw new Error('the track changed during archiving; will re-plan');
      const current = currentValues(locked.track, locked.versions);
      const moved = files.flatMap((f) => f.refs).some((r) => current.get(refId(r)) !== r.url);
      if (moved) throw new Error('the track files changed during archiving; will re-plan');
      await this.runs.setRefs(trx, files.flatMap((f) => f.refs), () => null);
      await this.runs.markArchived(trx, track.id, storageUrls);
      await this.runs.setArchivedUrls(trx, run.id, storageUrls);
      await this.runs.mergeMetadata(trx, run.id, { phase: 'committed' });
    });
    await this.checkpoint('committed', track.id);
    return undefined;
  }

  /**
   * Brings an archived track back: copy archive → public and verify, switch the columns back in one
   * transaction, then delete the archive copies. Repeating it finishes a half-done restore.
   */
  async restore(trackId: string, jobId: string): Promise<{ track_id: string; restored: boolean; files: number }> {
    const track = await this.tracks.findById(this.db, trackId);
    if (!track) throw new PermanentArchiveError('the track does not exist');
    if (!track.archived_at) {
      // Either never archived, or a restore whose switch-over committed before a crash: finish that one.
      const pending = await this.runs.unfinishedRestores(this.db, trackId);
      for (const run of pending) await this.deleteArchiveCopies(run);
      return { track_id: trackId, restored: pending.length > 0, files: pending.reduce((n, r) => n + ((r.metadata as RunMetadata).files?.length ?? 0), 0) };
    }
    const run = await this.runs.lastCompletedRun(this.db, trackId);
    if (!run) throw new PermanentArchiveError('the track has no archiving record to restore from');
    const files = (run.metadata as RunMetadata).files ?? [];
    await this.runs.mergeMetadata(this.db, run.id, { restore: 'restoring', restore_job_id: jobId });
    for (const file of files) {
      const copy = await this.objects.head(Bucket.Tracks, file.key);
      if (copy && copy.size === file.size && copy.etag === file.etag) continue; // copied back before a crash
      await this.objects.copyVerified(Bucket.TracksArchive, Bucket.Tracks, trackArchiveKey(file.key));
    }
    await this.checkpoint('restore-copied', trackId);

    await this.db.transaction().execute(async (trx) => {
      const locked = await this.runs.lockTrack(trx, trackId);
      if (!locked) throw new PermanentArchiveError('the track was deleted during the restore');
      const current = currentValues(locked.track, locked.versions);
      // A column someone set while the track was archived (e.g. a new video) keeps its new value.
      const refs = files.flatMap((f) => f.refs).filter((r) => current.has(refId(r)) && current.get(refId(r)) == null);
      await this.runs.setRefs(trx, refs, (r) => r.url);
      await this.runs.markRestored(trx, trackId);
      await this.runs.mergeMetadata(trx, run.id, { restore: 'restored', restored_at: new Date().toISOString() });
    });
    await this.checkpoint('restore-committed', trackId);
    await this.deleteArchiveCopies(run);
    this.logger.info({ track_id: trackId, files: files.length }, 'track restored');
    return { track_id: trackId, restored: true, files: files.length };
  }

  private async deleteArchiveCopies(run: ArchivingRun): Promise<void> {
    for (const file of (run.metadata as RunMetadata).files ?? []) {
      if (!(await this.objects.head(Bucket.Tracks, file.key))) throw new Error(`restored copy of ${file.key} is missing; archive copy kept`);
      await this.objects.delete(Bucket.TracksArchive, trackArchiveKey(file.key));
    }
    await this.runs.mergeMetadata(this.db, run.id, { restore: 'archive_deleted' });
  }

  /**
   * Every object of this track in the public bucket that a URL column points at, with the columns
   * pointing at it. URLs elsewhere (a provider's CDN, another track's folder) are not ours to move.
   */
  private plan(track: Track, versions: TrackVersion[]): ArchivedFile[] {
    const base = this.storage.publicUrl(Bucket.Tracks, '');
    const prefix = trackObjectPrefix(track.user_id, track.id);
    const files = new Map<string, ArchivedFile>();
    const rows: Array<{ table: FileRef['table']; row: Track | TrackVersion }> = [
      { table: 'tracks', row: track },
      ...versions.map((row) => ({ table: 'track_versions' as const, row })),
    ];
    for (const { table, row } of rows) {
      for (const column of COLUMNS) {
        const url = row[column];
        if (!url?.startsWith(base)) continue;
        let key: string;
        try {
          key = url.slice(base.length).split('/').map(decodeURIComponent).join('/');
        } catch {
          continue;
        }
        if (!key.startsWith(prefix) || key.includes('..')) continue;
        const file = files.get(key) ?? { key, refs: [] };
        file.refs.push({ table, id: row.id, column, url });
        files.set(key, file);
      }
    }
    return [...files.values()];
  }

  private async endRun(run: ArchivingRun, status: 'failed', reason: string): Promise<string> {
    await this.runs.finishRun(this.db, run.id, status, reason);
    this.logger.info({ track_id: run.track_id, run_id: run.id, reason }, 'archiving run ended without archiving');
    return 'skipped';
  }
}

/** The criteria of get_tracks_needing_archiving, re-checked when the run starts. */
function qualifies(track: Track): boolean {
  const ninetyDays = 90 * 24 * 3600 * 1000;
  return track.status === 'completed' && !track.archived_at && track.created_at.getTime() < Date.now() - ninetyDays && (!track.is_public || track.play_count === 0);
}

const refId = (r: Pick<FileRef, 'table' | 'id' | 'column'>) => `${r.table}:${r.id}:${r.column}`;

function currentValues(track: Track, versions: TrackVersion[]): Map<string, string | null> {
  const values = new Map<string, string | null>();
  for (const column of COLUMNS) values.set(refId({ table: 'tracks', id: track.id, column }), track[column]);
  for (const v of versions) for (const column of COLUMNS) values.set(refId({ table: 'track_versions', id: v.id, column }), v[column]);
  return values;
}

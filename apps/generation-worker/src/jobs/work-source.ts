import type { Database, Track, TracksRepository, TrackVersion } from '@muse/db';
import { PermanentJobError } from './job-runner.js';

/**
 * The first step the studio jobs share: the job's domain row (gone → the job fails for good), marked
 * processing before the slow part starts.
 */
export async function beginWork<R>(row: R | undefined, gone: string, markProcessing: (row: R) => Promise<unknown>): Promise<R> {
  if (!row) throw new PermanentJobError(gone);
  await markProcessing(row);
  return row;
}

/** The track and the version a job works on, with its audio; a missing one fails the job for good. */
export async function workVersion(db: Database, tracks: TracksRepository, trackId: string | null, pick: (version: TrackVersion) => boolean, gone: string): Promise<{ track: Track; version: TrackVersion & { audio_url: string } }> {
  const track = trackId ? await tracks.findById(db, trackId) : undefined;
  const version = track ? (await tracks.listVersions(db, track.id)).find(pick) : undefined;
  if (!track || !version?.audio_url) throw new PermanentJobError(gone);
  return { track, version: version as TrackVersion & { audio_url: string } };
}

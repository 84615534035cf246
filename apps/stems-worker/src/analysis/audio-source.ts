import { Bucket, StemsRepository, trackObjectKey, TracksRepository, type BucketName, type Database } from '@muse/db';
import type { StorageService } from '@muse/storage';
import { PermanentJobError } from '../stems/stems.service.js';

/** Where a job's audio lives in our storage: a track version's file, or an object named by the gateway. */
export type AudioSource = { trackId: string; versionId?: string | null } | { bucket: BucketName; key: string };

export async function readAudioSource(db: Database, storage: StorageService, tracks: TracksRepository, stems: StemsRepository, source: AudioSource): Promise<{ bytes: Buffer; trackId: string | null; versionId: string | null }> {
  if ('bucket' in source) {
    if (!(await storage.exists(source.bucket, source.key))) throw new PermanentJobError('audio-missing', 'the audio file no longer exists');
    return { bytes: await storage.get(source.bucket, source.key), trackId: null, versionId: null };
  }
  const track = await tracks.findById(db, source.trackId);
  if (!track) throw new PermanentJobError('track-deleted', 'the track was deleted');
  const version = await stems.findVersion(db, track.id, source.versionId);
  if (!version) throw new PermanentJobError('version-missing', 'the track has no audio version');
  const key = trackObjectKey(track.user_id, track.id, 'audio.mp3', version.variant_index);
  if (!(await storage.exists(Bucket.Tracks, key))) throw new PermanentJobError('audio-missing', 'the version has no stored audio (archived or never generated)');
  return { bytes: await storage.get(Bucket.Tracks, key), trackId: track.id, versionId: version.id };
}

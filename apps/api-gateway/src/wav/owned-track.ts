import type { Identity, Track, TracksRepository, TrackVersion, UserTransaction } from '@muse/db';
import { Problem } from '../common/problem.js';

/**
 * The caller's own track and one of its versions (the master when none is named), read as the caller.
 * Someone else's track — even a public one, which RLS lets them read — is 404 like a missing one:
 * work on a track belongs to its owner, and nobody learns what exists.
 */
export async function ownedTrackVersion(trx: UserTransaction, tracks: TracksRepository, identity: Identity, trackId: string, versionId?: string): Promise<{ track: Track; version: TrackVersion }> {
  const track = await tracks.findById(trx, trackId);
  if (!track || track.user_id !== identity.userId) throw new Problem(404, 'not-found', 'track not found');
  const versions = await tracks.listVersions(trx, track.id);
  const version = versionId ? versions.find((v) => v.id === versionId) : (versions.find((v) => v.is_primary_variant) ?? versions[0]);
  if (versionId && !version) throw new Problem(404, 'not-found', 'version not found on this track', [{ path: 'version_id', message: 'not a version of this track' }]);
  if (!version?.audio_url) throw new Problem(409, 'track-not-ready', 'the track has no audio yet; wait for its generation to complete');
  return { track, version };
}

import { Injectable } from '@nestjs/common';
import type { CreateStemsBody } from '@muse/contracts';
import { TracksRepository, type Identity, type UserTransaction } from '@muse/db';
import { Problem } from '../common/problem.js';
import { JobSubmissionService, type SubmissionResult } from '../jobs/job-submission.service.js';

/**
 * The caller's own track and the version to work on (the master unless named), read as the caller.
 * Another user's track — even a public one RLS would show — is 404 like a missing one: work on a
 * track belongs to its owner, and nobody learns what exists.
 */
export async function ownedVersion(trx: UserTransaction, tracks: TracksRepository, identity: Identity, trackId: string, versionId?: string) {
  const track = await tracks.findById(trx, trackId);
  if (!track || track.user_id !== identity.userId) throw new Problem(404, 'not-found', 'track not found');
  const versions = await tracks.listVersions(trx, track.id);
  const version = versionId ? versions.find((v) => v.id === versionId) : (versions.find((v) => v.is_primary_variant) ?? versions[0]);
  if (versionId && !version) throw new Problem(404, 'not-found', 'version not found on this track', [{ path: 'version_id', message: 'not a version of this track' }]);
  if (!version?.audio_url) throw new Problem(409, 'track-not-ready', 'the track has no audio yet; wait for its generation to complete');
  return { track, version };
}

@Injectable()
export class StemsService {
  constructor(
    private readonly submissions: JobSubmissionService,
    private readonly tracks: TracksRepository,
  ) {}

  create(identity: Identity, trackId: string, body: CreateStemsBody, idempotencyKey: string | undefined): Promise<SubmissionResult> {
    const mode = body.mode ?? 'local';
    // Provider separation (Suno stems, Replicate Demucs) is wired through libs/providers separately.
    if (mode !== 'local') {
      throw new Problem(422, 'provider-unavailable', `stem mode '${mode}' is not available: provider not configured`, [{ path: 'mode', message: 'available: local' }]);
    }
    return this.submissions.submit(identity, {
      kind: 'stems',
      method: 'POST',
      path: `/v1/tracks/${trackId}/stems`,
      body,
      idempotencyKey,
      provider: 'local',
      // No version named: the worker takes the master at run time and names it in the result.
      payload: { mode, version_id: body.version_id ?? null },
      createResource: async (trx) => {
        const { track } = await ownedVersion(trx, this.tracks, identity, trackId, body.version_id);
        return { type: 'track', id: track.id };
      },
    });
  }
}

import { Injectable } from '@nestjs/common';
import type { CreateWavBody } from '@muse/contracts';
import { TracksRepository, WavJobsRepository, type Identity } from '@muse/db';
import { JobSubmissionService, type SubmissionResult } from '../jobs/job-submission.service.js';
import { ownedTrackVersion } from './owned-track.js';

@Injectable()
export class WavService {
  constructor(
    private readonly submissions: JobSubmissionService,
    private readonly tracks: TracksRepository,
    private readonly wavJobs: WavJobsRepository,
  ) {}

  /** The export runs on the local decoder (no provider involved): the job and its wav_jobs row are written together. */
  create(identity: Identity, trackId: string, body: CreateWavBody, idempotencyKey: string | undefined): Promise<SubmissionResult> {
    const bitDepth = body.bit_depth ?? 16;
    return this.submissions.submit(identity, {
      kind: 'wav',
      method: 'POST',
      path: `/v1/tracks/${trackId}/wav`,
      body,
      idempotencyKey,
      provider: 'local',
      payload: { bit_depth: bitDepth },
      createResource: async (trx) => {
        const { track, version } = await ownedTrackVersion(trx, this.tracks, identity, trackId, body.version_id);
        const row = await this.wavJobs.insert(trx, { trackId: track.id, versionId: version.id, metadata: { version_id: version.id, variant_index: version.variant_index, bit_depth: bitDepth } });
        return { type: 'wav_job', id: row.id };
      },
    });
  }
}

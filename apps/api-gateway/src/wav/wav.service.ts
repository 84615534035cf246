import { Inject, Injectable } from '@nestjs/common';
import type { CreateWavBody } from '@muse/contracts';
import { asUser, TracksRepository, WavJobsRepository, type Database, type Identity, type TrackVersion } from '@muse/db';
import { configuredProviders } from '@muse/providers';
import type { GatewayConfig } from '../config.js';
import { CONFIG, DATABASE } from '../core/tokens.js';
import { JobSubmissionService, type SubmissionResult } from '../jobs/job-submission.service.js';
import { ownedTrackVersion } from './owned-track.js';

@Injectable()
export class WavService {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(DATABASE) private readonly db: Database,
    private readonly submissions: JobSubmissionService,
    private readonly tracks: TracksRepository,
    private readonly wavJobs: WavJobsRepository,
  ) {}

  /**
   * The export runs on the local decoder, except for a 16-bit export of a Suno-made version where
   * this deployment can call Suno: Suno converts from its own master, which is lossless where our
   * copy is an MP3. The job and its wav_jobs row are written together either way.
   */
  async create(identity: Identity, trackId: string, body: CreateWavBody, idempotencyKey: string | undefined): Promise<SubmissionResult> {
    const bitDepth = body.bit_depth ?? 16;
    const provider = bitDepth === 16 && configuredProviders(this.config).has('suno') && (await this.sunoMade(identity, trackId, body.version_id)) ? 'suno' : 'local';
    return this.submissions.submit(identity, {
      kind: 'wav',
      method: 'POST',
      path: `/v1/tracks/${trackId}/wav`,
      body,
      idempotencyKey,
      provider,
      payload: { bit_depth: bitDepth },
      createResource: async (trx) => {
        const { track, version } = await ownedTrackVersion(trx, this.tracks, identity, trackId, body.version_id);
        const row = await this.wavJobs.insert(trx, { trackId: track.id, versionId: version.id, metadata: { version_id: version.id, variant_index: version.variant_index, bit_depth: bitDepth } });
        return { type: 'wav_job', id: row.id };
      },
    });
  }

  /** Whether the version was generated at Suno (its ids are on the version); errors are left to the submission's own checks. */
  private async sunoMade(identity: Identity, trackId: string, versionId?: string): Promise<boolean> {
    const found = await asUser(this.db, identity, (trx) => ownedTrackVersion(trx, this.tracks, identity, trackId, versionId)).catch(() => undefined);
    const meta = (found?.version as TrackVersion | undefined)?.metadata as { provider?: string; provider_clip_id?: string } | undefined;
    return found?.track.provider === 'suno' && meta?.provider === 'suno' && typeof meta.provider_clip_id === 'string';
  }
}

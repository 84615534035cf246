import { Inject, Injectable } from '@nestjs/common';
import { LOCAL_UPSCALE_MODEL, type CreateUpscaleBody } from '@muse/contracts';
import { Bucket, TracksRepository, UpscaleJobsRepository, type Identity } from '@muse/db';
import type { StorageService } from '@muse/storage';
import { Problem } from '../common/problem.js';
import { CONFIG, STORAGE } from '../core/tokens.js';
import type { GatewayConfig } from '../config.js';
import { configuredProviders } from '@muse/providers';
import { JobSubmissionService, type SubmissionResult } from '../jobs/job-submission.service.js';
import { ownedTrackVersion } from '../wav/owned-track.js';

@Injectable()
export class UpscalesService {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(STORAGE) private readonly storage: StorageService,
    private readonly submissions: JobSubmissionService,
    private readonly tracks: TracksRepository,
    private readonly upscales: UpscaleJobsRepository,
  ) {}

  create(identity: Identity, body: CreateUpscaleBody, idempotencyKey: string | undefined): Promise<SubmissionResult> {
    const model = body.model_version ?? LOCAL_UPSCALE_MODEL;
    // The provider models run at Replicate: accepted only where this deployment can call it (credentials present).
    const provider = model === LOCAL_UPSCALE_MODEL ? 'local' : 'replicate';
    if (provider === 'replicate' && !configuredProviders(this.config).has('replicate')) {
      throw new Problem(422, 'provider-unavailable', `provider 'replicate' (model '${model}') is not configured on this platform`, [{ path: 'model_version', message: `available: ${LOCAL_UPSCALE_MODEL}` }]);
    }
    if (body.input_audio_url !== undefined) this.assertOwnStoredAudio(identity, body.input_audio_url);
    return this.submissions.submit(identity, {
      kind: 'upscale',
      method: 'POST',
      path: '/v1/upscales',
      body,
      idempotencyKey,
      provider,
      callbackUrl: body.callback_url,
      payload: {},
      createResource: async (trx) => {
        let trackId: string | null = null;
        let input = body.input_audio_url!;
        let variantIndex: number | null = null;
        if (body.track_id) {
          const { track, version } = await ownedTrackVersion(trx, this.tracks, identity, body.track_id, body.version_id);
          trackId = track.id;
          input = version.audio_url!;
          variantIndex = version.variant_index;
        }
        const row = await this.upscales.insert(trx, {
          userId: identity.userId,
          trackId,
          inputAudioUrl: input,
          modelVersion: model,
          guidanceScale: body.guidance_scale ?? null,
          ddimSteps: body.ddim_steps ?? null,
          seed: body.seed ?? null,
          metadata: { variant_index: variantIndex, version_id: body.version_id ?? null },
        });
        return { type: 'audio_upscale_job', id: row.id };
      },
    });
  }

  /** Only audio this platform stores under the caller's own prefix: the worker never fetches from other hosts or other users. */
  private assertOwnStoredAudio(identity: Identity, url: string): void {
    const allowed = [Bucket.Tracks, Bucket.AudioLibrary].map((b) => this.storage.publicUrl(b, `${identity.userId}/`));
    // Encoded separators or dot segments could step out of the caller's prefix once the worker decodes the key.
    if (!allowed.some((prefix) => url.startsWith(prefix)) || /\.\.|%2[ef]|%5c|[?#]/i.test(url)) {
      throw new Problem(422, 'unsupported-input', 'input_audio_url must be audio stored on this platform under your account (a track or your library)', [{ path: 'input_audio_url', message: 'not your stored audio' }]);
    }
  }
}

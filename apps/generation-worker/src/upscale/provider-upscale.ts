import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { encodeWav } from '@muse/audio-engine';
import { UPSCALE_BIT_DEPTH } from '@muse/contracts';
import { Bucket, trackObjectKey, upscaleObjectKey, UpscaleJobsRepository, type Database, type DB, type Job } from '@muse/db';
import { DATABASE, PermanentTaskError, ProviderResultFiles, STORAGE, type ProviderTaskSpec } from '@muse/platform';
import type { AudioResult, UpscaleInput } from '@muse/providers';
import type { StorageService } from '@muse/storage';
import { decodeAudio, presignStored } from '../jobs/audio-source.js';
import { STUDIO_KIND_PROVIDERS, type StudioKindProviders } from '../jobs/studio-providers.js';

interface StoredUpscale {
  url: string;
  sampleRate: number;
  frames: number;
  bytes: number;
  contentType: string;
}

/**
 * Upscale at Replicate (audio super-resolution): the provider's file is fetched SSRF-safely and
 * stored under the same key the local resample uses (our URL, never the provider's), with its real
 * rate and length measured from the file itself.
 */
@Injectable()
export class ProviderUpscale {
  readonly spec: ProviderTaskSpec<UpscaleInput, AudioResult, StoredUpscale>;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    @Inject(STUDIO_KIND_PROVIDERS) providers: StudioKindProviders,
    private readonly files: ProviderResultFiles,
    private readonly upscales: UpscaleJobsRepository,
  ) {
    this.spec = {
      resourceType: 'audio_upscale_job',
      label: 'Upscale',
      kind: 'upscale',
      updateJobName: 'upscale.provider-update',
      providers: providers.upscale,
      started: async (job) => this.upscales.setStatus(this.db, job.resource_id!, 'processing'),
      input: (job) => this.input(job),
      store: (job, provider, value) => this.store(job, provider, value),
      land: (trx, job, stored, provider) => this.land(trx, job, stored, provider),
      failed: (trx, job, message, final) => this.upscales.setStatus(trx, job.resource_id!, final ? 'failed' : 'processing', message),
    };
  }

  private async row(job: Job) {
    const row = await this.upscales.findById(this.db, job.resource_id!);
    if (!row) throw new PermanentTaskError('upscale-deleted', 'the upscale row is gone');
    return row;
  }

  private async input(job: Job): Promise<UpscaleInput> {
    const row = await this.row(job);
    return {
      audioUrl: await presignStored(this.storage, row.input_audio_url),
      ...(row.guidance_scale !== null ? { guidanceScale: Number(row.guidance_scale) } : {}),
      ...(row.ddim_steps !== null ? { ddimSteps: row.ddim_steps } : {}),
      ...(row.seed !== null ? { seed: Number(row.seed) } : {}),
    };
  }

  private async store(job: Job, provider: string, value: AudioResult): Promise<StoredUpscale> {
    const row = await this.row(job);
    const file = await this.files.audio(provider, value.audioUrl);
    // Measured from the file: a result that does not decode is refused, not stored.
    const decoded = await decodeAudio(file.body).catch(() => {
      throw new PermanentTaskError('provider-result-refused', 'the upscaled file is not decodable audio');
    });
    // Stored as WAV under the local path's key (audio-48k.wav): a WAV answer as sent, anything else re-encoded losslessly.
    const body = file.contentType === 'audio/wav' ? file.body : encodeWav(decoded, decoded.sampleRate, UPSCALE_BIT_DEPTH);
    const variant = (row.metadata as { variant_index?: number | null }).variant_index ?? 0;
    const key = row.track_id ? trackObjectKey(row.user_id, row.track_id, 'audio-48k.wav', variant) : upscaleObjectKey(row.user_id, row.id);
    const stored = await this.storage.put(Bucket.Tracks, key, body, 'audio/wav');
    return { url: stored.url, sampleRate: decoded.sampleRate, frames: decoded.left.length, bytes: stored.size, contentType: 'audio/wav' };
  }

  private async land(trx: Kysely<DB>, job: Job, out: StoredUpscale, provider: string) {
    const row = await this.upscales.complete(trx, job.resource_id!, out.url, {
      method: `${provider} audio super-resolution`,
      provider,
      provider_task_id: job.provider_task_id,
      sample_rate: out.sampleRate,
      content_type: out.contentType,
      frames: out.frames,
      bytes: out.bytes,
    });
    return {
      result: { audio_upscale_job_id: row.id, track_id: row.track_id, model_version: row.model_version, output_audio_url: out.url, sample_rate: out.sampleRate, duration_seconds: out.frames / out.sampleRate },
      notice: { title: 'Your upscaled audio is ready', message: `Upscaled at ${provider} (${out.sampleRate} Hz).`, link: row.track_id ? `/tracks/${row.track_id}` : `/jobs/${job.id}` },
    };
  }
}

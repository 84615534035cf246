import { Inject, Injectable } from '@nestjs/common';
import type { Job as QueueJob } from 'bullmq';
import { encodeWav, resampleStereo } from '@muse/audio-engine';
import { UPSCALE_BIT_DEPTH, UPSCALE_SAMPLE_RATE, type JobMessage } from '@muse/contracts';
import { Bucket, trackObjectKey, TracksRepository, upscaleObjectKey, UpscaleJobsRepository, type Database } from '@muse/db';
import { DATABASE, STORAGE } from '@muse/platform';
import type { StorageService } from '@muse/storage';
import { decodeAudio, exactDurationOf, loadStoredAudio } from '../jobs/audio-source.js';
import { JobRunner, type JobSpec } from '../jobs/job-runner.js';
import { beginWork } from '../jobs/work-source.js';

interface UpscaleOutcome {
  url: string;
  frames: number;
  sourceRate: number;
  bytes: number;
}

/**
 * The local "upscale": a Kaiser-windowed-sinc polyphase resample to 48 kHz written as 24-bit PCM.
 * It adds no content above the source's band (that is what the Replicate models would do); it is
 * a clean, alias-free conversion for delivery at 48/24, and its metadata says so.
 */
@Injectable()
export class UpscaleService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    private readonly runner: JobRunner,
    private readonly upscales: UpscaleJobsRepository,
    private readonly tracks: TracksRepository,
  ) {}

  run(message: JobMessage, queueJob?: QueueJob) {
    return this.runner.run(message, this.spec, queueJob);
  }

  private readonly spec: JobSpec<UpscaleOutcome> = {
    resourceType: 'audio_upscale_job',
    label: 'Upscale',
    execute: async (job, progress) => {
      const row = await beginWork(await this.upscales.findById(this.db, job.resource_id!), 'the upscale row is gone', (r) => this.upscales.setStatus(this.db, r.id, 'processing'));
      const variant = (row.metadata as { variant_index?: number | null }).variant_index ?? 0;
      // A track's version knows its exact length (the MP3's last-frame padding is not music).
      const version = row.track_id ? (await this.tracks.listVersions(this.db, row.track_id)).find((v) => v.variant_index === variant && v.audio_url === row.input_audio_url) : undefined;
      const decoded = await decodeAudio(await loadStoredAudio(this.storage, row.input_audio_url), version ? exactDurationOf(version) : null);
      await progress(30);
      const audio = resampleStereo(decoded, decoded.sampleRate, UPSCALE_SAMPLE_RATE);
      await progress(75);
      const key = row.track_id ? trackObjectKey(row.user_id, row.track_id, 'audio-48k.wav', variant) : upscaleObjectKey(row.user_id, row.id);
      const stored = await this.storage.put(Bucket.Tracks, key, encodeWav(audio, UPSCALE_SAMPLE_RATE, UPSCALE_BIT_DEPTH), 'audio/wav');
      return { url: stored.url, frames: audio.left.length, sourceRate: decoded.sampleRate, bytes: stored.size };
    },
    land: async (trx, job, out) => {
      const row = await this.upscales.complete(trx, job.resource_id!, out.url, {
        method: 'kaiser-windowed-sinc polyphase resample (64 zero crossings, beta 8.6)',
        sample_rate: UPSCALE_SAMPLE_RATE,
        bit_depth: UPSCALE_BIT_DEPTH,
        source_sample_rate: out.sourceRate,
        frames: out.frames,
        bytes: out.bytes,
      });
      return {
        result: { audio_upscale_job_id: row.id, track_id: row.track_id, model_version: row.model_version, output_audio_url: out.url, sample_rate: UPSCALE_SAMPLE_RATE, bit_depth: UPSCALE_BIT_DEPTH, duration_seconds: out.frames / UPSCALE_SAMPLE_RATE },
        notice: { title: 'Your upscaled audio is ready', message: '48 kHz / 24-bit WAV (local band-limited resample).', link: row.track_id ? `/tracks/${row.track_id}` : `/jobs/${job.id}` },
      };
    },
    failed: async (trx, job, message, final) => {
      await this.upscales.setStatus(trx, job.resource_id!, final ? 'failed' : 'processing', message);
    },
  };
}

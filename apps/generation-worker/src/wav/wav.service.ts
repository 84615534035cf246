import { Inject, Injectable } from '@nestjs/common';
import type { Job as QueueJob } from 'bullmq';
import { encodeWav } from '@muse/audio-engine';
import { WAV_SAMPLE_RATE, type JobMessage } from '@muse/contracts';
import { Bucket, trackObjectKey, TracksRepository, WavJobsRepository, type Database, type Job } from '@muse/db';
import { DATABASE, STORAGE } from '@muse/platform';
import type { StorageService } from '@muse/storage';
import { versionAudio } from '../jobs/audio-source.js';
import { JobRunner, type JobSpec } from '../jobs/job-runner.js';
import { beginWork, workVersion } from '../jobs/work-source.js';

interface WavOutcome {
  url: string;
  bytes: number;
  frames: number;
  bitDepth: 16 | 24;
  sourceRate: number;
}

/** A track version as PCM WAV at 44.1 kHz: decoded with a real decoder, resampled only if it is not 44.1 kHz already. */
@Injectable()
export class WavExportService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    private readonly runner: JobRunner,
    private readonly wavJobs: WavJobsRepository,
    private readonly tracks: TracksRepository,
  ) {}

  run(message: JobMessage, queueJob?: QueueJob) {
    return this.runner.run(message, this.spec, queueJob);
  }

  private readonly spec: JobSpec<WavOutcome> = {
    resourceType: 'wav_job',
    label: 'WAV export',
    execute: async (job, progress) => {
      const row = await beginWork(await this.wavJobs.findById(this.db, job.resource_id!), 'the export was deleted with its track', (r) => this.wavJobs.setStatus(this.db, r.id, 'processing'));
      const { track, version } = await workVersion(this.db, this.tracks, row.track_id, (v) => v.id === row.audio_id, 'the track version to export no longer exists');
      const bitDepth = (job.payload as { bit_depth?: 16 | 24 }).bit_depth === 24 ? 24 : 16;
      const audio = await versionAudio(this.storage, version, WAV_SAMPLE_RATE);
      await progress(40);
      const wav = encodeWav(audio, WAV_SAMPLE_RATE, bitDepth);
      await progress(70);
      // Fixed key per version: a retry overwrites instead of leaving orphans.
      const stored = await this.storage.put(Bucket.Tracks, trackObjectKey(track.user_id, track.id, 'audio.wav', version.variant_index), wav, 'audio/wav');
      return { url: stored.url, bytes: stored.size, frames: audio.left.length, bitDepth, sourceRate: audio.sourceRate };
    },
    land: async (trx, job: Job, out) => {
      const row = await this.wavJobs.complete(trx, job.resource_id!, out.url, { sample_rate: WAV_SAMPLE_RATE, bit_depth: out.bitDepth, frames: out.frames, bytes: out.bytes, source_sample_rate: out.sourceRate, converter: 'local-pcm' });
      return {
        result: { wav_job_id: row.id, track_id: row.track_id, version_id: row.audio_id, wav_url: out.url, sample_rate: WAV_SAMPLE_RATE, bit_depth: out.bitDepth, duration_seconds: out.frames / WAV_SAMPLE_RATE },
        notice: { title: 'Your WAV is ready', message: `${out.bitDepth}-bit / 44.1 kHz WAV export finished.`, link: `/tracks/${row.track_id}` },
      };
    },
    failed: async (trx, job, message, final) => {
      await this.wavJobs.setStatus(trx, job.resource_id!, final ? 'failed' : 'processing', message);
    },
  };
}

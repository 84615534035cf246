import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { decodeWav, isWav } from '@muse/audio-engine';
import { Bucket, trackObjectKey, TracksRepository, WavJobsRepository, type Database, type DB, type Job } from '@muse/db';
import { DATABASE, PermanentTaskError, ProviderResultFiles, STORAGE, type ProviderTaskSpec } from '@muse/platform';
import type { WavConversionInput, WavResult } from '@muse/providers';
import type { StorageService } from '@muse/storage';
import { STUDIO_KIND_PROVIDERS, type StudioKindProviders } from '../jobs/studio-providers.js';
import { workVersion } from '../jobs/work-source.js';

interface StoredWav {
  url: string;
  sampleRate: number;
  bitDepth: number;
  frames: number;
  bytes: number;
}

/**
 * WAV of a Suno-made version, converted at Suno from its own master (lossless, unlike decoding our
 * stored MP3). The file must be a real PCM WAV; it is stored under the local export's key, so the
 * track has one audio.wav whichever path made it.
 */
@Injectable()
export class ProviderWav {
  readonly spec: ProviderTaskSpec<WavConversionInput, WavResult, StoredWav>;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    @Inject(STUDIO_KIND_PROVIDERS) providers: StudioKindProviders,
    private readonly files: ProviderResultFiles,
    private readonly wavJobs: WavJobsRepository,
    private readonly tracks: TracksRepository,
  ) {
    this.spec = {
      resourceType: 'wav_job',
      label: 'WAV export',
      kind: 'wav',
      updateJobName: 'wav.provider-update',
      providers: providers.wav,
      started: (job) => this.wavJobs.setStatus(this.db, job.resource_id!, 'processing'),
      input: (job) => this.input(job),
      store: (job, provider, value) => this.store(job, provider, value),
      land: (trx, job, out, provider) => this.land(trx, job, out, provider),
      failed: (trx, job, message, final) => this.wavJobs.setStatus(trx, job.resource_id!, final ? 'failed' : 'processing', message),
    };
  }

  private async source(job: Job) {
    const row = await this.wavJobs.findById(this.db, job.resource_id!);
    if (!row) throw new PermanentTaskError('wav-deleted', 'the export was deleted with its track');
    const { track, version } = await workVersion(this.db, this.tracks, row.track_id, (v) => v.id === row.audio_id, 'the track version to export no longer exists').catch((e: Error) => {
      throw new PermanentTaskError('version-missing', e.message);
    });
    return { row, track, version };
  }

  private async input(job: Job): Promise<WavConversionInput> {
    const { track, version } = await this.source(job);
    const meta = version.metadata as { provider_task_id?: string; provider_clip_id?: string };
    const taskId = meta.provider_task_id ?? track.suno_id;
    if (!taskId || !meta.provider_clip_id) throw new PermanentTaskError('provider-unavailable', 'Suno converts only songs it generated; this version has no Suno ids');
    return { providerRef: { taskId, audioId: meta.provider_clip_id } };
  }

  private async store(job: Job, provider: string, value: WavResult): Promise<StoredWav> {
    const { track, version } = await this.source(job);
    const file = await this.files.audio(provider, value.wavUrl);
    if (!isWav(file.body)) throw new PermanentTaskError('provider-result-refused', 'the provider\'s WAV is not a RIFF/WAVE file');
    const decoded = (() => {
      try {
        return decodeWav(file.body);
      } catch {
        throw new PermanentTaskError('provider-result-refused', 'the provider\'s WAV does not decode');
      }
    })();
    const stored = await this.storage.put(Bucket.Tracks, trackObjectKey(track.user_id, track.id, 'audio.wav', version.variant_index), file.body, 'audio/wav');
    return { url: stored.url, sampleRate: decoded.sampleRate, bitDepth: decoded.bitDepth, frames: decoded.left.length, bytes: stored.size };
  }

  private async land(trx: Kysely<DB>, job: Job, out: StoredWav, provider: string) {
    const row = await this.wavJobs.complete(trx, job.resource_id!, out.url, { sample_rate: out.sampleRate, bit_depth: out.bitDepth, frames: out.frames, bytes: out.bytes, converter: provider, provider_task_id: job.provider_task_id });
    return {
      result: { wav_job_id: row.id, track_id: row.track_id, version_id: row.audio_id, wav_url: out.url, sample_rate: out.sampleRate, bit_depth: out.bitDepth, duration_seconds: out.frames / out.sampleRate },
      notice: { title: 'Your WAV is ready', message: `${out.bitDepth}-bit / ${out.sampleRate / 1000} kHz WAV from ${provider}.`, link: `/tracks/${row.track_id}` },
    };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { ANALYZER_VERSION, describe, runAnalyzeTask } from '@muse/audio-analysis';
import type { JobMessage } from '@muse/contracts';
import { AnalysisRepository, Bucket, StemsRepository, TracksRepository, type Database, type Job } from '@muse/db';
import { DATABASE, STORAGE } from '@muse/platform';
import type { StorageService } from '@muse/storage';
import { MAX_STEM_SECONDS, PermanentJobError } from '../stems/stems.service.js';
import { readAudioSource, type AudioSource } from './audio-source.js';
import { spectrogramKey } from './classification.service.js';
import { JobRunner } from './job-runner.js';

/** description.run: the same analysis as classification, written as a sentence plus the detected fields. */
@Injectable()
export class DescriptionService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    private readonly runner: JobRunner,
    private readonly analysis: AnalysisRepository,
    private readonly tracks: TracksRepository,
    private readonly stems: StemsRepository,
  ) {}

  run(message: JobMessage) {
    return this.runner.run(message, 'song_description', {
      compute: (job) => this.compute(job),
      markFailed: (trx, job, error) => this.analysis.failDescription(trx, job.resource_id!, error),
    });
  }

  private async compute(job: Job) {
    const row = await this.analysis.findDescription(this.db, job.resource_id!);
    if (!row) throw new PermanentJobError('description-deleted', 'the description was deleted');
    const source = (row.metadata as { source?: AudioSource }).source;
    if (!source) throw new PermanentJobError('audio-missing', 'the description names no audio');
    const audio = await readAudioSource(this.db, this.storage, this.tracks, this.stems, source);
    await this.runner.progress(job, 10);
    const started = performance.now();
    const { features, spectrogramJpeg } = await runAnalyzeTask({ audio: audio.bytes, maxSeconds: MAX_STEM_SECONDS });
    const seconds = (performance.now() - started) / 1000;
    const image = await this.storage.put(Bucket.Covers, spectrogramKey('descriptions', row.id), spectrogramJpeg, 'image/jpeg');
    const text = describe(features);
    const { genres, moods, instruments, ...measured } = features;
    return async (trx: Parameters<Parameters<JobRunner['run']>[2]['markFailed']>[0]) => {
      const done = await this.analysis.completeDescription(trx, row.id, {
        aiDescription: text,
        genre: genres[0]?.label ?? null,
        mood: moods[0]?.label ?? null,
        instruments: instruments.filter((i) => i.score >= 0.4).map((i) => i.label),
        energy: features.energy,
        danceability: features.danceability,
        tempo: features.tempoBpm,
        key: `${features.key} ${features.mode}`,
        timeSignature: features.timeSignature,
        vocalPresence: features.vocalPresence,
        metadata: { analyzer: ANALYZER_VERSION, features: measured, genres, moods, instruments, visualization_url: image.url },
      });
      return {
        description_id: done.id,
        ai_description: done.ai_description,
        detected_genre: done.detected_genre,
        detected_mood: done.detected_mood,
        detected_instruments: done.detected_instruments,
        tempo: done.tempo,
        key: done.key,
        time_signature: done.time_signature,
        vocal_presence: done.vocal_presence,
        energy_level: Number(done.energy_level),
        danceability: Number(done.danceability),
        loudness_lufs: features.loudnessLufs,
        visualization_url: image.url,
        processing_seconds: Number(seconds.toFixed(2)),
      };
    };
  }
}

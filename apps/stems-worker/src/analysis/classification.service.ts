import { Inject, Injectable } from '@nestjs/common';
import { ANALYZER_VERSION, runAnalyzeTask } from '@muse/audio-analysis';
import type { JobMessage } from '@muse/contracts';
import { AnalysisRepository, Bucket, StemsRepository, TracksRepository, type Database, type Job } from '@muse/db';
import { DATABASE, STORAGE } from '@muse/platform';
import type { StorageService } from '@muse/storage';
import { MAX_STEM_SECONDS, PermanentJobError } from '../stems/stems.service.js';
import { readAudioSource } from './audio-source.js';
import { JobRunner } from './job-runner.js';

/** covers/spectrograms/{kind}/{id}.jpg — public like covers: an image of audio the track's URL already serves. */
export const spectrogramKey = (kind: 'classifications' | 'descriptions', id: string) => `spectrograms/${kind}/${id}.jpg`;

/** classification.run: the track's audio → features → ranked genre / mood / instrument guesses + spectrogram. */
@Injectable()
export class ClassificationService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    private readonly runner: JobRunner,
    private readonly analysis: AnalysisRepository,
    private readonly tracks: TracksRepository,
    private readonly stems: StemsRepository,
  ) {}

  run(message: JobMessage) {
    return this.runner.run(message, 'music_classification', {
      compute: (job) => this.compute(job),
      markFailed: (trx, job, error) => this.analysis.failClassification(trx, job.resource_id!, error),
    });
  }

  private async compute(job: Job) {
    const row = await this.analysis.findClassification(this.db, job.resource_id!);
    if (!row) throw new PermanentJobError('classification-deleted', 'the classification was deleted');
    const versionId = (row.metadata as { version_id?: string }).version_id ?? null;
    const audio = await readAudioSource(this.db, this.storage, this.tracks, this.stems, { trackId: row.track_id, versionId });
    await this.runner.progress(job, 10);
    const started = performance.now();
    const { features, spectrogramJpeg } = await runAnalyzeTask({ audio: audio.bytes, maxSeconds: MAX_STEM_SECONDS });
    const seconds = (performance.now() - started) / 1000;
    const image = await this.storage.put(Bucket.Covers, spectrogramKey('classifications', row.id), spectrogramJpeg, 'image/jpeg');
    await this.runner.progress(job, 90);
    const ranking = row.classifier_type === 'genre' ? features.genres : row.classifier_type === 'mood' ? features.moods : features.instruments;
    const detected = features.instruments.filter((i) => i.score >= 0.4).map((i) => i.label);
    const { genres, moods, instruments, ...measured } = features;
    return async (trx: Parameters<Parameters<JobRunner['run']>[2]['markFailed']>[0]) => {
      const done = await this.analysis.completeClassification(trx, row.id, {
        classifierVersion: ANALYZER_VERSION,
        genresRanked: genres,
        instrumentsDetected: detected,
        instrumentsRanked: instruments,
        moodDetected: moods[0]?.label ?? null,
        confidence: ranking[0]?.score ?? 0,
        visualizationUrl: image.url,
        features: measured,
      });
      return {
        classification_id: done.id,
        track_id: done.track_id,
        version_id: audio.versionId,
        classifier_type: done.classifier_type,
        ranked: ranking,
        features: measured,
        visualization_url: image.url,
        processing_seconds: Number(seconds.toFixed(2)),
      };
    };
  }
}

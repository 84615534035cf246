import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { ANALYZER_VERSION, runAnalyzeTask } from '@muse/audio-analysis';
import { AnalysisRepository, Bucket, StemsRepository, trackObjectKey, TracksRepository, type Database, type DB, type Job } from '@muse/db';
import { DATABASE, PermanentTaskError, STORAGE, type ProviderTaskSpec } from '@muse/platform';
import type { ClassificationInput, ClassificationResult, ClassifierType } from '@muse/providers';
import type { StorageService } from '@muse/storage';
import { AUDIO_KIND_PROVIDERS } from '../providers/providers.module.js';
import type { AudioKindProviders } from '../providers/providers.module.js';
import { MAX_STEM_SECONDS } from '../stems/stems.service.js';
import { readAudioSource } from './audio-source.js';
import { spectrogramKey } from './classification.service.js';

interface StoredClassification {
  classifier: ClassifierType;
  labels: Array<{ label: string; score: number }>;
  versionId: string | null;
  features: Awaited<ReturnType<typeof runAnalyzeTask>>['features'];
  visualizationUrl: string;
}

/**
 * classification.run at a provider (Replicate music classifiers): the ranking of the requested
 * classifier is the provider's; the spectrogram and the other rankings come from our analysis of the
 * same audio (the design's row has them all), and the metadata says which is which.
 */
@Injectable()
export class ProviderClassification {
  readonly spec: ProviderTaskSpec<ClassificationInput, ClassificationResult, StoredClassification>;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    @Inject(AUDIO_KIND_PROVIDERS) providers: AudioKindProviders,
    private readonly analysis: AnalysisRepository,
    private readonly tracks: TracksRepository,
    private readonly stems: StemsRepository,
  ) {
    this.spec = {
      resourceType: 'music_classification',
      label: 'Classification',
      kind: 'classification',
      updateJobName: 'classification.provider-update',
      providers: providers.classification,
      input: (job) => this.input(job),
      store: (job, _provider, value) => this.store(job, value),
      land: (trx, job, stored, provider) => this.land(trx, job, stored, provider),
      failed: (trx, job, message, final) => (final ? this.analysis.failClassification(trx, job.resource_id!, message) : Promise.resolve()),
    };
  }

  private async row(job: Job) {
    const row = await this.analysis.findClassification(this.db, job.resource_id!);
    if (!row) throw new PermanentTaskError('classification-deleted', 'the classification was deleted');
    return { row, versionId: (row.metadata as { version_id?: string }).version_id ?? null };
  }

  private async input(job: Job): Promise<ClassificationInput> {
    const { row, versionId } = await this.row(job);
    const track = await this.tracks.findById(this.db, row.track_id);
    const version = track ? await this.stems.findVersion(this.db, track.id, versionId) : undefined;
    if (!track || !version) throw new PermanentTaskError('audio-missing', 'the track or its version is gone');
    const audioUrl = await this.storage.presignGet(Bucket.Tracks, trackObjectKey(track.user_id, track.id, 'audio.mp3', version.variant_index), 3600);
    return { audioUrl, classifier: row.classifier_type as ClassifierType };
  }

  private async store(job: Job, value: ClassificationResult): Promise<StoredClassification> {
    const { row, versionId } = await this.row(job);
    const audio = await readAudioSource(this.db, this.storage, this.tracks, this.stems, { trackId: row.track_id, versionId });
    const { features, spectrogramJpeg } = await runAnalyzeTask({ audio: audio.bytes, maxSeconds: MAX_STEM_SECONDS });
    const image = await this.storage.put(Bucket.Covers, spectrogramKey('classifications', row.id), spectrogramJpeg, 'image/jpeg');
    const reported = value.byClassifier?.[row.classifier_type as ClassifierType] ?? value.labels;
    const labels = reported.filter((l) => l.label.length <= 100 && Number.isFinite(l.score)).slice(0, 50);
    return { classifier: row.classifier_type as ClassifierType, labels, versionId: audio.versionId, features, visualizationUrl: image.url };
  }

  private async land(trx: Kysely<DB>, job: Job, s: StoredClassification, provider: string) {
    const { genres, moods, instruments, ...measured } = s.features;
    const ranked = { genre: s.classifier === 'genre' ? s.labels : genres, mood: s.classifier === 'mood' ? s.labels : moods, instrument: s.classifier === 'instrument' ? s.labels : instruments };
    const done = await this.analysis.completeClassification(trx, job.resource_id!, {
      classifierVersion: `${provider}:${job.provider_task_id ?? ''}`.slice(0, 100),
      genresRanked: ranked.genre,
      instrumentsDetected: ranked.instrument.filter((i) => i.score >= 0.4).map((i) => i.label),
      instrumentsRanked: ranked.instrument,
      moodDetected: ranked.mood[0]?.label ?? null,
      confidence: s.labels[0]?.score ?? 0,
      visualizationUrl: s.visualizationUrl,
      features: { ...measured, ranked_by: { [s.classifier]: provider, others: ANALYZER_VERSION } },
    });
    return {
      result: {
        classification_id: done.id,
        track_id: done.track_id,
        version_id: s.versionId,
        classifier_type: done.classifier_type,
        ranked: s.labels,
        features: measured,
        visualization_url: s.visualizationUrl,
      },
    };
  }
}

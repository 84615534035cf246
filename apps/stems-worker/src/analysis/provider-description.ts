import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { ANALYZER_VERSION, runAnalyzeTask } from '@muse/audio-analysis';
import { AnalysisRepository, Bucket, StemsRepository, trackObjectKey, TracksRepository, type Database, type DB, type Job } from '@muse/db';
import { DATABASE, PermanentTaskError, STORAGE, type ProviderTaskSpec } from '@muse/platform';
import type { SongDescriptionInput, SongDescriptionResult } from '@muse/providers';
import type { StorageService } from '@muse/storage';
import { AUDIO_KIND_PROVIDERS } from '../providers/providers.module.js';
import type { AudioKindProviders } from '../providers/providers.module.js';
import { MAX_STEM_SECONDS } from '../stems/stems.service.js';
import { readAudioSource, type AudioSource } from './audio-source.js';
import { spectrogramKey } from './classification.service.js';

interface StoredDescription {
  text: string;
  raw: unknown;
  providerGenre: string | null;
  providerMood: string | null;
  features: Awaited<ReturnType<typeof runAnalyzeTask>>['features'];
  visualizationUrl: string;
}

const label = (v: unknown) => (typeof v === 'string' && v.trim() !== '' && v.length <= 100 ? v.trim().toLowerCase() : null);

/**
 * description.run at a provider (FAL): the sentence is the provider's; the measured fields the
 * design keeps beside it (tempo, key, energy, …) come from our own analysis of the same audio, and
 * the genre and mood from the provider when it names them. The metadata says which is which.
 */
@Injectable()
export class ProviderDescription {
  readonly spec: ProviderTaskSpec<SongDescriptionInput, SongDescriptionResult, StoredDescription>;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    @Inject(AUDIO_KIND_PROVIDERS) providers: AudioKindProviders,
    private readonly analysis: AnalysisRepository,
    private readonly tracks: TracksRepository,
    private readonly stems: StemsRepository,
  ) {
    this.spec = {
      resourceType: 'song_description',
      label: 'Song description',
      kind: 'description',
      updateJobName: 'description.provider-update',
      providers: providers.description,
      input: (job) => this.input(job),
      store: (job, _provider, value) => this.store(job, value),
      land: (trx, job, stored, provider) => this.land(trx, job, stored, provider),
      failed: (trx, job, message, final) => (final ? this.analysis.failDescription(trx, job.resource_id!, message) : Promise.resolve()),
    };
  }

  private async source(job: Job): Promise<AudioSource> {
    const row = await this.analysis.findDescription(this.db, job.resource_id!);
    if (!row) throw new PermanentTaskError('description-deleted', 'the description was deleted');
    const source = (row.metadata as { source?: AudioSource }).source;
    if (!source) throw new PermanentTaskError('audio-missing', 'the description names no audio');
    return source;
  }

  /** The provider reads our file through a short-lived signed URL. */
  private async input(job: Job): Promise<SongDescriptionInput> {
    const source = await this.source(job);
    if ('bucket' in source) return { audioUrl: await this.storage.presignGet(source.bucket, source.key, 3600) };
    const track = await this.tracks.findById(this.db, source.trackId);
    const version = track ? await this.stems.findVersion(this.db, track.id, source.versionId) : undefined;
    if (!track || !version) throw new PermanentTaskError('audio-missing', 'the track or its version is gone');
    return { audioUrl: await this.storage.presignGet(Bucket.Tracks, trackObjectKey(track.user_id, track.id, 'audio.mp3', version.variant_index), 3600) };
  }

  private async store(job: Job, value: SongDescriptionResult): Promise<StoredDescription> {
    const audio = await readAudioSource(this.db, this.storage, this.tracks, this.stems, await this.source(job));
    const { features, spectrogramJpeg } = await runAnalyzeTask({ audio: audio.bytes, maxSeconds: MAX_STEM_SECONDS });
    const image = await this.storage.put(Bucket.Covers, spectrogramKey('descriptions', job.resource_id!), spectrogramJpeg, 'image/jpeg');
    const raw = (value.raw ?? {}) as Record<string, unknown>;
    return { text: value.description.slice(0, 5000), raw: value.raw, providerGenre: label(raw.genre), providerMood: label(raw.mood), features, visualizationUrl: image.url };
  }

  private async land(trx: Kysely<DB>, job: Job, s: StoredDescription, provider: string) {
    const { genres, moods, instruments, ...measured } = s.features;
    const rawText = JSON.stringify(s.raw ?? null);
    const done = await this.analysis.completeDescription(trx, job.resource_id!, {
      aiDescription: s.text,
      genre: s.providerGenre ?? genres[0]?.label ?? null,
      mood: s.providerMood ?? moods[0]?.label ?? null,
      instruments: instruments.filter((i) => i.score >= 0.4).map((i) => i.label),
      energy: s.features.energy,
      danceability: s.features.danceability,
      tempo: s.features.tempoBpm,
      key: `${s.features.key} ${s.features.mode}`,
      timeSignature: s.features.timeSignature,
      vocalPresence: s.features.vocalPresence,
      metadata: {
        provider,
        provider_task_id: job.provider_task_id,
        provider_output: rawText.length <= 16_384 ? s.raw : { truncated: true },
        description_by: provider,
        measured_by: ANALYZER_VERSION,
        features: measured,
        genres,
        moods,
        instruments,
        visualization_url: s.visualizationUrl,
      },
    });
    return {
      result: {
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
        visualization_url: s.visualizationUrl,
      },
    };
  }
}

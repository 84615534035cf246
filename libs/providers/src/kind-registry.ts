import type { ProviderEnv } from './config.js';
import { FalClient } from './fal.js';
import { FalSongDescriber } from './fal-kinds.js';
import type {
  ClassificationProvider, ExtendProvider, FileUploadProvider, LyricsProvider, PersonaProvider, SectionReplacementProvider, SongDescriptionProvider,
  SongRecognitionProvider, StemSeparationProvider, TimestampedLyricsProvider, TransformationProvider, UpscaleProvider, WavConversionProvider,
} from './kinds.js';
import { MurekaClient } from './mureka.js';
import { MurekaFileUploader, MurekaLyricsWriter, MurekaSongRecognizer } from './mureka-kinds.js';
import { ReplicateClient } from './replicate.js';
import { ReplicateAudioUpscaler, ReplicateDemucs, ReplicateMusicClassifier, ReplicateMusicTransformer } from './replicate-kinds.js';
import { SunoClient } from './suno.js';
import {
  SunoExtender, SunoLyricsWriter, SunoPersonaCreator, SunoSectionReplacer, SunoStemSeparator, SunoTimestampedLyrics, SunoWavConverter,
} from './suno-kinds.js';

/** Every configured provider per kind of work, keyed by provider name as jobs name them. */
export interface KindProviders {
  stems: Map<string, StemSeparationProvider>;
  wav: Map<string, WavConversionProvider>;
  lyrics: Map<string, LyricsProvider>;
  extend: Map<string, ExtendProvider>;
  sectionReplacement: Map<string, SectionReplacementProvider>;
  persona: Map<string, PersonaProvider>;
  timestampedLyrics: Map<string, TimestampedLyricsProvider>;
  upscale: Map<string, UpscaleProvider>;
  classification: Map<string, ClassificationProvider>;
  transformation: Map<string, TransformationProvider>;
  description: Map<string, SongDescriptionProvider>;
  recognition: Map<string, SongRecognitionProvider>;
  upload: Map<string, FileUploadProvider>;
}

/**
 * Builds the adapters a deployment can use: a provider without credentials is absent (never
 * called). Suno's task endpoints all require a callBackUrl, so they also need the callback
 * settings; its immediate ones (personas, timestamped lyrics) need only the key. Suno's follow-ups
 * take a ProviderTrackRef, so they serve only tracks Suno generated: workers pick Suno for those
 * and the next provider (Replicate Demucs for stems) otherwise. `fetchReport` reads result files
 * that are reports rather than audio (classification, registered only when it is given): pass the
 * SSRF-safe fetcher.
 */
export function createKindProviders(
  env: ProviderEnv,
  options: { fetchReport?: (url: string) => Promise<string>; observe?: (provider: string, seconds: number) => void },
): KindProviders {
  const http = { timeoutMs: env.PROVIDER_HTTP_TIMEOUT_MS, observe: options.observe };
  const out: KindProviders = {
    stems: new Map(), wav: new Map(), lyrics: new Map(), extend: new Map(), sectionReplacement: new Map(), persona: new Map(), timestampedLyrics: new Map(),
    upscale: new Map(), classification: new Map(), transformation: new Map(), description: new Map(), recognition: new Map(), upload: new Map(),
  };
  const add = <T extends { name: string }>(kind: Map<string, T>, provider: T) => kind.set(provider.name, provider);
  if (env.SUNO_API_KEY) {
    const suno = new SunoClient({ ...http, baseUrl: env.SUNO_API_BASE_URL, apiKey: env.SUNO_API_KEY });
    add(out.persona, new SunoPersonaCreator(suno));
    add(out.timestampedLyrics, new SunoTimestampedLyrics(suno));
    if (env.PROVIDER_CALLBACK_BASE_URL && env.PROVIDER_CALLBACK_SECRET) {
      add(out.stems, new SunoStemSeparator(suno));
      add(out.wav, new SunoWavConverter(suno));
      add(out.lyrics, new SunoLyricsWriter(suno));
      add(out.extend, new SunoExtender(suno, env.SUNO_MODEL));
      add(out.sectionReplacement, new SunoSectionReplacer(suno));
    }
  }
  if (env.MUREKA_API_KEY) {
    const mureka = new MurekaClient({ ...http, baseUrl: env.MUREKA_API_BASE_URL, apiKey: env.MUREKA_API_KEY });
    add(out.lyrics, new MurekaLyricsWriter(mureka));
    add(out.upload, new MurekaFileUploader(mureka));
    add(out.recognition, new MurekaSongRecognizer(mureka));
  }
  if (env.REPLICATE_API_TOKEN) {
    const replicate = new ReplicateClient({ ...http, baseUrl: env.REPLICATE_API_BASE_URL, apiKey: env.REPLICATE_API_TOKEN });
    add(out.stems, new ReplicateDemucs(replicate, env.REPLICATE_DEMUCS_VERSION));
    add(out.upscale, new ReplicateAudioUpscaler(replicate, env.REPLICATE_AUDIOSR_VERSION));
    add(out.transformation, new ReplicateMusicTransformer(replicate, env.REPLICATE_MUSICGEN_VERSION));
    if (options.fetchReport) add(out.classification, new ReplicateMusicClassifier(replicate, options.fetchReport, env.REPLICATE_CLASSIFIER_VERSION));
  }
  if (env.FAL_KEY && env.FAL_DESCRIPTION_MODEL) {
    add(out.description, new FalSongDescriber(new FalClient({ ...http, baseUrl: env.FAL_QUEUE_BASE_URL, apiKey: env.FAL_KEY }), env.FAL_DESCRIPTION_MODEL));
  }
  return out;
}

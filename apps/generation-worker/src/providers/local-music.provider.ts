import { AudioInputError, runAnalyzeTask } from '@muse/audio-analysis';
import { ENGINE_NAME, ENGINE_VERSION, generateVariant, parallelAvailable, referenceApplied, VariantWorkerPool, type GeneratedVariant as EngineVariant, type PersonaVoice, type ReferenceTraits, type SongRequest } from '@muse/audio-engine';
import type { GeneratedMusic, MusicGenerationProvider, MusicRequest, ProgressReporter } from './music-provider.js';
import { invalidReference, MAX_REFERENCE_SECONDS, type ReferenceAudio } from './reference-audio.js';

const VARIANTS = [0, 1] as const;

/** A generation request as the generation service hands it over: with the persona's engine voice when the track names one. */
export type LocalMusicRequest = MusicRequest & { persona?: { id: string; voice: PersonaVoice } };

/** Titles for untitled songs: the first few words of the prompt, as a person would name it. */
export function titleFromPrompt(prompt: string): string {
  const words = prompt.replace(/[^\p{L}\p{N}\s'-]/gu, ' ').split(/\s+/).filter(Boolean).slice(0, 5);
  const title = words.map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()).join(' ');
  return title || 'Untitled';
}

/**
 * The offline engine: procedural composition, real synthesis, real MP3 — two variants per request,
 * rendered in worker threads (one per variant) so the event loop keeps renewing job locks and
 * answering health checks. From TypeScript sources (tests) it renders in this thread.
 */
export class LocalMusicProvider implements MusicGenerationProvider {
  readonly name = 'local';
  private readonly pool = parallelAvailable() ? new VariantWorkerPool() : undefined;

  async generate(request: LocalMusicRequest, progress: ProgressReporter): Promise<GeneratedMusic> {
    const title = request.title ?? titleFromPrompt(request.prompt);
    const reference = request.reference ? await listenTo(request.reference) : undefined;
    const song: SongRequest = {
      prompt: request.prompt,
      title,
      lyrics: request.lyrics ?? undefined,
      styleTags: request.styleTags,
      genre: request.genre ?? undefined,
      mood: request.mood ?? undefined,
      instrumental: request.instrumental,
      durationSeconds: request.durationSeconds,
      seed: request.seed ?? undefined,
      ...(request.persona ? { persona: request.persona.voice } : {}),
      ...(reference ? { reference } : {}),
    };
    const fromReference = reference ? referenceMetadata(request.reference!, reference, song) : {};
    let done = 0;
    const render = async (variantIndex: number): Promise<EngineVariant> => {
      const variant = this.pool ? await this.pool.run(song, variantIndex) : generateVariant(song, variantIndex);
      await progress(10 + Math.round((70 * ++done) / VARIANTS.length));
      return variant;
    };
    const rendered = await Promise.all(VARIANTS.map(render));
    return {
      model: `${ENGINE_NAME}@${ENGINE_VERSION}`,
      hasVocals: rendered[0]!.params.hasVocals,
      title,
      variants: rendered.map((v) => ({
        variantIndex: v.variantIndex,
        audio: v.mp3,
        audioContentType: 'audio/mpeg',
        cover: v.cover,
        coverContentType: 'image/jpeg',
        durationSeconds: v.durationSeconds,
        metadata: {
          engine: ENGINE_NAME,
          engine_version: ENGINE_VERSION,
          params: v.params,
          // The engine placed every syllable, so it knows when each line is sung (the view tracks_with_timestamped_lyrics).
          ...(v.timedLyrics.length > 0 ? { timestamped_lyrics: v.timedLyrics } : {}),
          ...(request.persona ? { persona: { id: request.persona.id, tilt_db: v.personaTiltDb ?? 0 } } : {}),
          ...fromReference,
        },
      })),
    };
  }

  close(): Promise<void> {
    return this.pool?.close() ?? Promise.resolve();
  }
}

/**
 * The reference's tempo and key, measured by the platform's analyser (decoded and analysed in a worker
 * thread when compiled): audio the decoder refuses fails the job as the user's.
 */
async function listenTo(reference: ReferenceAudio): Promise<Required<ReferenceTraits>> {
  try {
    const { features } = await runAnalyzeTask({ audio: reference.audio, maxSeconds: MAX_REFERENCE_SECONDS });
    return { tempoBpm: features.tempoBpm, key: features.key, mode: features.mode };
  } catch (error) {
    if (error instanceof AudioInputError) throw invalidReference(error);
    throw error;
  }
}

/**
 * What the versions record of the reference: what was measured, and what the song took from it (a tempo or
 * key the prompt names wins). The stems worker re-renders engine songs from these to split them exactly.
 */
function referenceMetadata(reference: ReferenceAudio, traits: Required<ReferenceTraits>, song: SongRequest): Record<string, unknown> {
  const applied = referenceApplied(song);
  return {
    reference_audio_url: reference.url,
    reference_tempo_bpm: traits.tempoBpm,
    reference_key: traits.key,
    reference_mode: traits.mode,
    reference_applied: [...(applied.tempo ? ['tempo'] : []), ...(applied.key ? ['key'] : [])],
  };
}

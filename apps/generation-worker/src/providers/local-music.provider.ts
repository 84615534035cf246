import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { ENGINE_NAME, ENGINE_VERSION, encodeMp3, renderCover, renderSong, type SongRequest } from '@muse/audio-engine';
import type { GeneratedMusic, MusicGenerationProvider, MusicRequest, ProgressReporter } from './music-provider.js';

const VARIANTS = [0, 1] as const;

/** Titles for untitled songs: the first few words of the prompt, as a person would name it. */
export function titleFromPrompt(prompt: string): string {
  const words = prompt.replace(/[^\p{L}\p{N}\s'-]/gu, ' ').split(/\s+/).filter(Boolean).slice(0, 5);
  const title = words.map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()).join(' ');
  return title || 'Untitled';
}

/** The offline engine: procedural composition, real synthesis, real MP3 — two variants per request. */
export class LocalMusicProvider implements MusicGenerationProvider {
  readonly name = 'local';

  async generate(request: MusicRequest, progress: ProgressReporter): Promise<GeneratedMusic> {
    const title = request.title ?? titleFromPrompt(request.prompt);
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
    };
    const variants = [];
    let hasVocals = false;
    for (const variantIndex of VARIANTS) {
      const rendered = renderSong(song, variantIndex);
      await yieldToEventLoop(); // keep lock renewals and health checks responsive between heavy steps
      const audio = encodeMp3(rendered.mix, rendered.sampleRate);
      const cover = renderCover(rendered.params, title);
      hasVocals = rendered.params.hasVocals;
      variants.push({
        variantIndex,
        audio,
        audioContentType: 'audio/mpeg',
        cover,
        coverContentType: 'image/jpeg',
        durationSeconds: rendered.durationSeconds,
        metadata: { engine: ENGINE_NAME, engine_version: ENGINE_VERSION, params: rendered.params },
      });
      await progress(10 + Math.round((70 * (variantIndex + 1)) / VARIANTS.length));
    }
    return { model: `${ENGINE_NAME}@${ENGINE_VERSION}`, hasVocals, title, variants };
  }
}

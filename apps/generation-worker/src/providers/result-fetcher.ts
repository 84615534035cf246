import { deriveSongParams, renderCover } from '@muse/audio-engine';
import { ProviderResultFiles } from '@muse/platform';
import type { MusicRequest } from './music-provider.js';

/** The shared SSRF-safe result fetcher, plus artwork for songs: the provider's, or the local engine's. */
export class ResultFetcher extends ProviderResultFiles {
  cover(provider: string, url: string): Promise<{ body: Buffer; contentType: string }> {
    return this.image(provider, url);
  }

  /** Providers without artwork get the local engine's cover, so every version has one in our storage. */
  localCover(request: MusicRequest, variantIndex: number, title: string): { body: Buffer; contentType: string } {
    const params = deriveSongParams({ prompt: request.prompt, title, genre: request.genre ?? undefined, mood: request.mood ?? undefined, styleTags: request.styleTags, durationSeconds: request.durationSeconds, seed: request.seed ?? undefined }, variantIndex);
    return { body: renderCover(params, title), contentType: 'image/jpeg' };
  }
}

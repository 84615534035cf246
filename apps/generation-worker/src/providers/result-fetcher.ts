import { deriveSongParams, renderCover } from '@muse/audio-engine';
import { AddressAllowList, ProviderError, safeFetch, SafeFetchError, type ProviderEnv } from '@muse/providers';
import type { MusicRequest } from './music-provider.js';

const AUDIO_TYPES = ['audio/mpeg', 'audio/mp3', 'audio/wav', 'audio/x-wav', 'audio/flac', 'application/octet-stream'] as const;
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
const COVER_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Brings a provider's result files into our hands through the SSRF-safe fetcher. Policy refusals
 * (private address, wrong type, too big) fail the job for good — the provider sent something we
 * will not take; slow or broken downloads are transient and polled again.
 */
export class ResultFetcher {
  private readonly allowList: AddressAllowList;

  constructor(private readonly env: ProviderEnv) {
    this.allowList = new AddressAllowList(env.PROVIDER_ALLOW_PRIVATE_HOSTS);
  }

  async audio(provider: string, url: string): Promise<{ body: Buffer; contentType: string }> {
    return this.fetch(provider, url, AUDIO_TYPES, this.env.PROVIDER_DOWNLOAD_MAX_BYTES);
  }

  async cover(provider: string, url: string): Promise<{ body: Buffer; contentType: string }> {
    return this.fetch(provider, url, IMAGE_TYPES, COVER_MAX_BYTES);
  }

  /** Providers without artwork get the local engine's cover, so every version has one in our storage. */
  localCover(request: MusicRequest, variantIndex: number, title: string): { body: Buffer; contentType: string } {
    const params = deriveSongParams({ prompt: request.prompt, title, genre: request.genre ?? undefined, mood: request.mood ?? undefined, styleTags: request.styleTags, durationSeconds: request.durationSeconds, seed: request.seed ?? undefined }, variantIndex);
    return { body: renderCover(params, title), contentType: 'image/jpeg' };
  }

  private async fetch(provider: string, url: string, types: readonly string[], maxBytes: number) {
    try {
      const file = await safeFetch(url, { allowList: this.allowList, contentTypes: types, maxBytes, timeoutMs: this.env.PROVIDER_DOWNLOAD_TIMEOUT_MS, maxRedirects: 3 });
      const contentType = file.contentType === 'application/octet-stream' || file.contentType === 'audio/mp3' ? 'audio/mpeg' : file.contentType;
      return { body: file.body, contentType };
    } catch (error) {
      if (error instanceof SafeFetchError) throw new ProviderError(provider, error.retryable ? 'transient' : 'permanent', `result download refused: ${error.message}`, { code: `fetch-${error.code}` });
      throw error;
    }
  }
}

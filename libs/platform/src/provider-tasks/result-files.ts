import { AddressAllowList, ProviderError, safeFetch, SafeFetchError, type ProviderEnv } from '@muse/providers';

export const AUDIO_RESULT_TYPES = ['audio/mpeg', 'audio/mp3', 'audio/wav', 'audio/x-wav', 'audio/wave', 'audio/flac', 'application/octet-stream'] as const;
export const IMAGE_RESULT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/**
 * Brings a provider's result file into our hands through the SSRF-safe fetcher (public addresses
 * only unless allow-listed, redirects re-checked, size/type limits, timeouts). Policy refusals
 * (private address, wrong type, too big) are permanent — the provider sent something we will not
 * take; slow or broken downloads are transient and polled again.
 */
export class ProviderResultFiles {
  private readonly allowList: AddressAllowList;

  constructor(private readonly env: Pick<ProviderEnv, 'PROVIDER_ALLOW_PRIVATE_HOSTS' | 'PROVIDER_DOWNLOAD_MAX_BYTES' | 'PROVIDER_DOWNLOAD_TIMEOUT_MS'>) {
    this.allowList = new AddressAllowList(env.PROVIDER_ALLOW_PRIVATE_HOSTS);
  }

  audio(provider: string, url: string): Promise<{ body: Buffer; contentType: string }> {
    return this.fetch(provider, url, AUDIO_RESULT_TYPES, this.env.PROVIDER_DOWNLOAD_MAX_BYTES);
  }

  image(provider: string, url: string): Promise<{ body: Buffer; contentType: string }> {
    return this.fetch(provider, url, IMAGE_RESULT_TYPES, Math.min(this.env.PROVIDER_DOWNLOAD_MAX_BYTES, 10 * 1024 * 1024));
  }

  /** A small text report a model writes as a file (JSON or Markdown), as text. */
  async text(provider: string, url: string): Promise<string> {
    const file = await this.fetch(provider, url, ['text/', 'application/json', 'application/octet-stream'], Math.min(this.env.PROVIDER_DOWNLOAD_MAX_BYTES, 2 * 1024 * 1024));
    return file.body.toString('utf8');
  }

  private async fetch(provider: string, url: string, types: readonly string[], maxBytes: number) {
    try {
      const options = { allowList: this.allowList, contentTypes: types, maxBytes, timeoutMs: this.env.PROVIDER_DOWNLOAD_TIMEOUT_MS, maxRedirects: 3 };
      const file = await safeFetch(url, options);
      const contentType =
        file.contentType === 'application/octet-stream' || file.contentType === 'audio/mp3' ? (url.toLowerCase().split('?')[0]!.endsWith('.wav') ? 'audio/wav' : 'audio/mpeg') : file.contentType === 'audio/x-wav' || file.contentType === 'audio/wave' ? 'audio/wav' : file.contentType;
      return { body: file.body, contentType };
    } catch (error) {
      if (error instanceof SafeFetchError) throw new ProviderError(provider, error.retryable ? 'transient' : 'permanent', `result download refused: ${error.message}`, { code: `fetch-${error.code}` });
      throw error;
    }
  }
}

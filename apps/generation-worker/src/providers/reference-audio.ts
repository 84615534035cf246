import { AudioInputError, decodeAudio, probeMp3 } from '@muse/audio-analysis';
import { isWav } from '@muse/audio-engine';
import { AddressAllowList, ProviderError, safeFetch, SafeFetchError, type ProviderEnv } from '@muse/providers';

/** The longest reference taken: sunoapi.org's upload-cover limit (Mureka uses the first 30 s, the local engine all of it). */
export const MAX_REFERENCE_SECONDS = 8 * 60;
/** Shorter than this holds too few beats for a tempo. */
export const MIN_REFERENCE_SECONDS = 5;
/** Servers label audio loosely; the bytes decide what it is (MP3 or WAV). */
const REFERENCE_CONTENT_TYPES = ['audio/', 'application/octet-stream', 'binary/octet-stream'] as const;

/** A generation's reference recording (POST /v1/generations reference_audio_url), fetched and checked. */
export interface ReferenceAudio {
  /** The URL as the user gave it (Suno fetches it itself). */
  url: string;
  audio: Buffer;
  format: 'mp3' | 'wav';
  durationSeconds: number;
}

export type ReferenceAudioErrorCode = 'reference-audio-unavailable' | 'reference-audio-invalid';

/**
 * The user's reference cannot be used: the job's error code says which way. Permanent unless the far
 * side was merely slow or broken (timeouts, 5xx), so retries are spent only where they can help; as a
 * permanent ProviderError it fails the job at once, no fallback provider is tried and no breaker is blamed.
 */
export class ReferenceAudioError extends ProviderError {
  constructor(
    readonly code: ReferenceAudioErrorCode,
    message: string,
    retryable = false,
  ) {
    super('reference', retryable ? 'transient' : 'permanent', message, { code });
    this.message = message; // the user's own words, without the provider prefix
    this.name = 'ReferenceAudioError';
  }
}

/** An analysis or decoding refusal of the reference's bytes, in the job's terms. */
export function invalidReference(error: AudioInputError): ReferenceAudioError {
  return new ReferenceAudioError('reference-audio-invalid', `the reference audio cannot be used: ${error.message} (MP3 or WAV of ${MIN_REFERENCE_SECONDS} s to ${MAX_REFERENCE_SECONDS / 60} minutes is needed)`);
}

/**
 * Fetches reference_audio_url through the SSRF-guarded fetcher (public addresses only unless allow-listed,
 * redirects re-checked, size, type and time bounded) and checks it is MP3 or WAV of usable length before
 * any provider is asked: a bad reference fails as the user's, before credits are spent at a provider.
 */
export class ReferenceAudioFetcher {
  private readonly allowList: AddressAllowList;

  constructor(private readonly env: Pick<ProviderEnv, 'PROVIDER_ALLOW_PRIVATE_HOSTS' | 'PROVIDER_DOWNLOAD_MAX_BYTES' | 'PROVIDER_DOWNLOAD_TIMEOUT_MS'>) {
    this.allowList = new AddressAllowList(env.PROVIDER_ALLOW_PRIVATE_HOSTS);
  }

  async fetch(url: string): Promise<ReferenceAudio> {
    let body: Buffer;
    try {
      ({ body } = await safeFetch(url, { allowList: this.allowList, contentTypes: REFERENCE_CONTENT_TYPES, maxBytes: this.env.PROVIDER_DOWNLOAD_MAX_BYTES, timeoutMs: this.env.PROVIDER_DOWNLOAD_TIMEOUT_MS, maxRedirects: 3 }));
    } catch (error) {
      if (!(error instanceof SafeFetchError)) throw error;
      const unusable = error.code === 'content-type' || error.code === 'size';
      throw new ReferenceAudioError(unusable ? 'reference-audio-invalid' : 'reference-audio-unavailable', `the reference audio could not be fetched: ${error.message}`, error.retryable);
    }
    try {
      return { url, audio: body, ...(await inspect(body)) };
    } catch (error) {
      if (error instanceof AudioInputError) throw invalidReference(error);
      throw error;
    }
  }
}

/** MP3 by its frame headers (not decoded: providers that need samples decode it themselves); WAV read through (a copy, cheap). */
async function inspect(bytes: Buffer): Promise<{ format: 'mp3' | 'wav'; durationSeconds: number }> {
  const limits = { maxSeconds: MAX_REFERENCE_SECONDS, minSeconds: MIN_REFERENCE_SECONDS };
  if (isWav(bytes)) return { format: 'wav', durationSeconds: (await decodeAudio(bytes, limits)).durationSeconds };
  const { durationSeconds } = probeMp3(bytes, MAX_REFERENCE_SECONDS);
  if (durationSeconds < MIN_REFERENCE_SECONDS) throw new AudioInputError('audio-too-short', `the audio is ${durationSeconds.toFixed(2)} s long`);
  return { format: 'mp3', durationSeconds };
}

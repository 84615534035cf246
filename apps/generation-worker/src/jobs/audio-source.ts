import { AudioTooLongError, decodeAudioFile, DECODED_FORMATS, resampleStereo, UnsupportedAudioFormatError, type AudioFormat, type DecodedAudio } from '@muse/audio-engine';
import { ALL_BUCKETS, type BucketName, type TrackVersion } from '@muse/db';
import type { StorageService } from '@muse/storage';
import { PermanentJobError } from './job-runner.js';

/**
 * Frames of silence an MP3 gains through the platform's encoder (LAME: 576) and decoder (mpg123: 529),
 * measured with a click: without a gapless tag the decoder returns them, so every position in a
 * decoded file is late by this much. Stripping them keeps times exact and stops re-encoded versions
 * from drifting a little later each generation.
 */
export const MP3_CODEC_DELAY_FRAMES = 1105;

/**
 * Reads audio the platform stored itself: a public URL of one of our buckets maps back to its key.
 * Anything else is refused rather than fetched — workers do not download from arbitrary hosts.
 */
/** The bucket and key behind one of our public URLs; undefined for any other URL. */
export function storedObjectOf(storage: StorageService, url: string): { bucket: BucketName; key: string } | undefined {
  for (const bucket of ALL_BUCKETS) {
    const prefix = storage.publicUrl(bucket as BucketName, '');
    if (url.startsWith(prefix)) return { bucket: bucket as BucketName, key: url.slice(prefix.length).split('/').map(decodeURIComponent).join('/') };
  }
  return undefined;
}

/** A short-lived signed URL a provider can read one of our stored files through (buckets need not be public). */
export async function presignStored(storage: StorageService, url: string, seconds = 3600): Promise<string> {
  const object = storedObjectOf(storage, url);
  if (!object) throw new PermanentJobError('the input audio is not stored on this platform');
  return storage.presignGet(object.bucket, object.key, seconds);
}

export async function loadStoredAudio(storage: StorageService, url: string): Promise<Buffer> {
  for (const bucket of ALL_BUCKETS) {
    const prefix = storage.publicUrl(bucket as BucketName, '');
    if (url.startsWith(prefix)) {
      const key = url.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
      return storage.get(bucket as BucketName, key);
    }
  }
  throw new PermanentJobError('the audio is not stored on this platform');
}

/**
 * The longest input audio decoded: uploads are checked by size only (200 MB), and compressed audio can
 * hold hours in that (8 kbps MP3 silence is ~1 kB a second) — decoded and resampled, gigabytes.
 */
export const MAX_INPUT_SECONDS = 15 * 60;
/** Rates the polyphase resampler converts to and from 44.1/48 kHz in few phases: every common one. */
const SUPPORTED_RATES = new Set([8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000, 176400, 192000]);

/**
 * Decodes WAV (bit-exact), FLAC, Ogg Vorbis/Opus or MP3 (mpg123) by looking at the bytes, not the name.
 * For MP3 the codec delay is removed and, when the exact length is known, the encoder's padding of the
 * last frame too (the FLAC and Ogg decoders trim their own from the stream's headers). Input that cannot
 * be used — a damaged or lying header, an unusual rate, too long, a format not decoded here — fails the
 * job at once with the reason (a retry would read the same bytes), never with a decoder's internals.
 */
export async function decodeAudio(bytes: Uint8Array, exactSeconds?: number | null): Promise<DecodedAudio> {
  if (bytes.length === 0) throw new PermanentJobError('the audio file is empty (0 bytes)');
  let audio: DecodedAudio & { format: AudioFormat };
  try {
    audio = await decodeAudioFile(bytes, { maxSeconds: MAX_INPUT_SECONDS });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    if (error instanceof AudioTooLongError) throw new PermanentJobError(`the audio is longer than the ${MAX_INPUT_SECONDS / 60} minutes accepted`);
    throw new PermanentJobError(error instanceof UnsupportedAudioFormatError ? error.message : `the audio file cannot be read: ${error.message}`);
  }
  if (!SUPPORTED_RATES.has(audio.sampleRate) && audio.left.length > 0) throw new PermanentJobError(`the audio's sample rate of ${audio.sampleRate} Hz is not supported (use 8 to 192 kHz at a common rate such as 44100 or 48000)`);
  if (audio.format !== 'mp3') return { left: audio.left, right: audio.right, sampleRate: audio.sampleRate, durationSeconds: audio.durationSeconds };
  if (audio.left.length <= MP3_CODEC_DELAY_FRAMES) throw new PermanentJobError(`the audio could not be decoded (it is none of ${DECODED_FORMATS})`);
  const exact = exactSeconds ? Math.round(exactSeconds * audio.sampleRate) : Infinity;
  const end = Math.min(audio.left.length, MP3_CODEC_DELAY_FRAMES + exact);
  // Views, not copies: the decoder's arrays are fresh and owned by nobody else (a 3-minute song is two
  // 32 MB copies saved, ~5 % of an effects job), and every consumer copies before writing.
  const left = audio.left.subarray(MP3_CODEC_DELAY_FRAMES, end);
  const right = audio.right.subarray(MP3_CODEC_DELAY_FRAMES, end);
  return { left, right, sampleRate: audio.sampleRate, durationSeconds: left.length / audio.sampleRate };
}

/** The exact duration a version's metadata records (the engine's render, or a spliced version's), if any. */
export function exactDurationOf(version: Pick<TrackVersion, 'metadata'>): number | null {
  const m = version.metadata as { params?: { durationSeconds?: number }; exact_duration_seconds?: number } | null;
  return m?.exact_duration_seconds ?? m?.params?.durationSeconds ?? null;
}

/**
 * A stored track version's audio, decoded to its exact length and, when asked, resampled to
 * `sampleRate`; `sourceRate` is the rate it was stored at.
 */
export async function versionAudio(storage: StorageService, version: Pick<TrackVersion, 'metadata'> & { audio_url: string }, sampleRate?: number): Promise<DecodedAudio & { sourceRate: number }> {
  const decoded = await decodeAudio(await loadStoredAudio(storage, version.audio_url), exactDurationOf(version));
  if (!sampleRate || decoded.sampleRate === sampleRate) return { ...decoded, sourceRate: decoded.sampleRate };
  const resampled = resampleStereo(decoded, decoded.sampleRate, sampleRate);
  return { ...resampled, sampleRate, durationSeconds: resampled.left.length / sampleRate, sourceRate: decoded.sampleRate };
}

import { decodeMp3, decodeWav, encodeWav, isWav, type StereoBuffer } from '@muse/audio-engine';
import { ProviderError } from '@muse/providers';

/** Longest stem accepted from a provider (decoded in this process): bounds memory per job. */
const MAX_STEM_SECONDS = 15 * 60;

interface Pcm extends StereoBuffer {
  sampleRate: number;
}

/** A provider's stem file (MP3 or WAV — Demucs answers in the format asked for, others in WAV) as PCM. */
async function decodeStem(provider: string, file: Buffer): Promise<Pcm> {
  const decoded = isWav(file) ? decodeWav(file) : await decodeMp3(file);
  if (decoded.sampleRate <= 0 || decoded.left.length === 0) throw new ProviderError(provider, 'permanent', 'a stem file could not be decoded');
  if (decoded.left.length / decoded.sampleRate > MAX_STEM_SECONDS) throw new ProviderError(provider, 'permanent', 'a stem file is longer than any track');
  return decoded;
}

export interface StemFile {
  body: Buffer;
  extension: 'mp3' | 'wav';
  contentType: 'audio/mpeg' | 'audio/wav';
}

/**
 * A provider stem as we store it: in the format the provider sent (MP3 as MP3, WAV as WAV — no
 * lossy re-encoding, and no seconds of MP3 encoding per stem), after checking that it decodes.
 */
export async function checkedStem(provider: string, file: Buffer): Promise<StemFile> {
  await decodeStem(provider, file);
  return isWav(file) ? { body: file, extension: 'wav', contentType: 'audio/wav' } : { body: file, extension: 'mp3', contentType: 'audio/mpeg' };
}

/**
 * Sums provider stems into one (e.g. Demucs' drums + bass + other → instrumental, Suno's guitar +
 * piano + … → other), sample by sample, padded to the longest. The stems of one separation share a
 * sample rate; anything else is refused rather than resampled silently. The sum is written as WAV.
 */
export async function mixStems(provider: string, files: Buffer[]): Promise<StemFile> {
  const decoded: Pcm[] = [];
  for (const f of files) decoded.push(await decodeStem(provider, f)); // one at a time: one decoder busy
  const rate = decoded[0]!.sampleRate;
  if (decoded.some((d) => d.sampleRate !== rate)) throw new ProviderError(provider, 'permanent', 'the stems to mix have different sample rates');
  const length = Math.max(...decoded.map((d) => d.left.length));
  const left = new Float32Array(length);
  const right = new Float32Array(length);
  for (const d of decoded) {
    for (let i = 0; i < d.left.length; i++) {
      left[i] += d.left[i]!;
      right[i] += d.right[i]!;
    }
  }
  // 16-bit PCM: exact and cheap to write (MP3-encoding in this process would take seconds per stem).
  return { body: encodeWav({ left, right }, rate, 16), extension: 'wav', contentType: 'audio/wav' };
}

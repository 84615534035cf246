// The five stems the platform stores, from either the DSP separator or the engine's own layers.
import { encodeMp3, renderSong, type RenderedSong, type SongRequest } from '@muse/audio-engine';
import type { Audio } from './audio-input.js';
import { SEPARATED_STEMS, StreamingSeparator, type SeparatorOptions, type StereoChunk } from './separator.js';
import { StreamingMp3Encoder } from './stream-encoder.js';

export const STEM_TYPES = ['vocals', 'drums', 'bass', 'other', 'instrumental'] as const;
export type StemType = (typeof STEM_TYPES)[number];

export interface StemFiles {
  method: 'dsp-masking' | 'engine-render';
  sampleRate: number;
  durationSeconds: number;
  files: Record<StemType, Buffer>;
}

/** DSP separation of any audio, encoded to MP3 as it streams out of the separator. */
export function separateToMp3(audio: Audio, options: SeparatorOptions = {}, kbps = 192): StemFiles {
  const separator = new StreamingSeparator(audio.sampleRate, options);
  const encoders = Object.fromEntries(STEM_TYPES.map((s) => [s, new StreamingMp3Encoder(audio.sampleRate, kbps)])) as Record<StemType, StreamingMp3Encoder>;
  const instL = new Float32Array(4096);
  const instR = new Float32Array(4096);
  let files: Record<StemType, Buffer>;
  try {
    separator.run(audio, (block, length) => {
      for (const s of SEPARATED_STEMS) encoders[s].write(block[s].left, block[s].right, length);
      // Instrumental = everything but the voice (the masks sum to one, so this is mix − vocals).
      for (let i = 0; i < length; i++) {
        instL[i] = block.drums.left[i]! + block.bass.left[i]! + block.other.left[i]!;
        instR[i] = block.drums.right[i]! + block.bass.right[i]! + block.other.right[i]!;
      }
      encoders.instrumental.write(instL, instR, length);
    });
    files = Object.fromEntries(STEM_TYPES.map((s) => [s, encoders[s].finish()])) as Record<StemType, Buffer>;
  } finally {
    // The encoders' state lives in the thread's wasm memory, not the JS heap: free it on failure too.
    for (const s of STEM_TYPES) encoders[s].dispose();
  }
  return { method: 'dsp-masking', sampleRate: audio.sampleRate, durationSeconds: audio.left.length / audio.sampleRate, files };
}

/** DSP separation into PCM (benchmarks and tests compare it with the true stems). */
export function separateToPcm(audio: { left: Float32Array; right: Float32Array; sampleRate: number }, options: SeparatorOptions = {}): Record<(typeof SEPARATED_STEMS)[number], StereoChunk> {
  const n = audio.left.length;
  const out = Object.fromEntries(SEPARATED_STEMS.map((s) => [s, { left: new Float32Array(n), right: new Float32Array(n) }])) as Record<(typeof SEPARATED_STEMS)[number], StereoChunk>;
  let at = 0;
  new StreamingSeparator(audio.sampleRate, options).run(audio, (block, length) => {
    for (const s of SEPARATED_STEMS) { out[s].left.set(block[s].left.subarray(0, length), at); out[s].right.set(block[s].right.subarray(0, length), at); }
    at += length;
  });
  return out;
}

function sum(parts: StereoChunk[]): StereoChunk {
  const n = parts[0]!.left.length;
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  for (const p of parts) for (let i = 0; i < n; i++) { left[i] = left[i]! + p.left[i]!; right[i] = right[i]! + p.right[i]!; }
  return { left, right };
}

/** The platform's stem layout from the engine's exact layers (other = chords + melody). */
export function engineStemPcm(song: RenderedSong): Record<StemType, StereoChunk> {
  const { drums, bass, chords, melody, vocals } = song.layers;
  const other = sum([chords, melody]);
  return { vocals, drums, bass, other, instrumental: sum([drums, bass, other]) };
}

/** Pearson correlation of two mono-summed signals over their common length (identity check of a re-render). */
export function correlation(a: StereoChunk, b: StereoChunk): number {
  const n = Math.min(a.left.length, b.left.length);
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < n; i++) {
    const x = a.left[i]! + a.right[i]!;
    const y = b.left[i]! + b.right[i]!;
    ab += x * y; aa += x * x; bb += y * y;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/**
 * Re-renders a local-engine track and returns its exact stems — but only if the re-rendered mix
 * is the audio that was actually stored (correlation ≥ 0.98 against the decoded file): a title
 * edited after generation or another engine version changes the song, and then DSP is the honest answer.
 */
export function engineStemsIfIdentical(request: SongRequest, variantIndex: number, stored: Audio, kbps = 192): StemFiles | undefined {
  const song = renderSong(request, variantIndex);
  // MP3 encoder delay shifts the decoded file by up to ~2 frames: find the lag on a short window,
  // then confirm it on a longer one.
  let bestLag = 0;
  let bestShort = -1;
  for (let lag = 0; lag <= 2304; lag++) {
    const c = correlationAt(song.mix, stored, lag, 8192);
    if (c > bestShort) { bestShort = c; bestLag = lag; }
  }
  const best = correlationAt(song.mix, stored, bestLag, 3 * song.sampleRate);
  if (best < 0.98) return undefined;
  const pcm = engineStemPcm(song);
  const files = Object.fromEntries(STEM_TYPES.map((s) => [s, encodeMp3(pcm[s], song.sampleRate, kbps)])) as Record<StemType, Buffer>;
  return { method: 'engine-render', sampleRate: song.sampleRate, durationSeconds: song.durationSeconds, files };
}

function correlationAt(a: StereoChunk, b: StereoChunk, lag: number, window: number): number {
  // A window from the loud middle is enough to tell the same song from another.
  const start = Math.floor(a.left.length / 3);
  const n = Math.min(window, a.left.length - start, b.left.length - start - lag);
  if (n <= 0) return 0;
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < n; i++) {
    const x = a.left[start + i]! + a.right[start + i]!;
    const y = b.left[start + lag + i]! + b.right[start + lag + i]!;
    ab += x * y; aa += x * x; bb += y * y;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

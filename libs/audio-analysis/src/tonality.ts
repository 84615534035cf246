// Key and mode from the per-frame chroma and bass chroma of the listening pass.
//
// Four 12-bin summaries — the whole track's chroma, its bass chroma (the tonic is where the bass
// returns), and the chroma and bass chroma of the last sounding bar before the fade (songs end on the tonic) —
// are each correlated with a key template rotated to every tonic, in both modes. The templates are the
// average tonic-aligned summaries of the tuning seed range (scripts/bench/audio-fit.js writes model.ts),
// which also learns the modal colours (dorian, mixolydian, pentatonic) that textbook profiles lack.
import { CHROMA_EVERY, type Listening } from './listen.js';
import { KEY_MODEL } from './model.js';

export const PITCH_CLASSES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'] as const;
export type Chromas = Pick<Listening, 'chroma' | 'bassChroma' | 'chromaEnergy' | 'fps'>;
export interface Key { key: string; mode: 'major' | 'minor'; confidence: number }

// Krumhansl–Kessler key profiles.
const KK_MAJOR = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const KK_MINOR = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ma = 0, mb = 0;
  for (let i = 0; i < a.length; i++) { ma += a[i]!; mb += b[i]!; }
  ma /= a.length; mb /= b.length;
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { const x = a[i]! - ma, y = b[i]! - mb; ab += x * y; aa += x * x; bb += y * y; }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** Krumhansl–Kessler profile correlation of a 12-bin chroma over all 24 keys (analyzer@1's method; kept for callers with a bare chroma). */
export function estimateKey(chroma: ArrayLike<number>, major = KK_MAJOR, minor = KK_MINOR): Key {
  let best = { key: 'C', mode: 'major' as 'major' | 'minor', r: -Infinity };
  let second = -Infinity;
  for (let tonic = 0; tonic < 12; tonic++) {
    for (const [mode, profile] of [['major', major], ['minor', minor]] as const) {
      const rotated = Array.from({ length: 12 }, (_, i) => profile[(i - tonic + 12) % 12]!);
      const r = pearson(chroma, rotated);
      if (r > best.r) { second = best.r; best = { key: PITCH_CLASSES[tonic]!, mode, r }; } else if (r > second) second = r;
    }
  }
  return { key: best.key, mode: best.mode, confidence: clamp01(best.r - Math.max(0, second) + 0.5) };
}

export function sumChroma(frames: Float32Array): Float64Array {
  const out = new Float64Array(12);
  for (let i = 0; i < frames.length; i++) out[i % 12] = out[i % 12]! + frames[i]!;
  return out;
}

export interface KeySummaries { chroma: number[]; bass: number[]; ending: number[]; endingBass: number[] }
export interface KeyModel {
  /** Weight of each summary's correlation. */
  weights: Record<keyof KeySummaries, number>;
  /** Tonic-aligned templates (index 0 = tonic) per summary: [major, minor]. */
  templates: { [K in keyof KeySummaries]: [number[], number[]] };
}

function normalised(v: ArrayLike<number>): number[] {
  let t = 0;
  for (let i = 0; i < v.length; i++) t += v[i]!;
  return Array.from(v, (x) => (t > 0 ? x / t : 0));
}

/** The three summaries of a track (each sums to one). */
export function keySummaries(c: Chromas): KeySummaries {
  const n = c.chromaEnergy.length;
  const chromaFps = c.fps / CHROMA_EVERY;
  const energies = Array.from(c.chromaEnergy).sort((a, b) => a - b);
  const median = energies[Math.floor(n / 2)] ?? 0;
  // The last sounding bar: back from the last frame above a tenth of the median energy (fade and reverb tail excluded).
  let last = n - 1;
  while (last > 0 && c.chromaEnergy[last]! < 0.1 * median) last--;
  const endTo = Math.max(1, last - Math.round(0.2 * chromaFps)), endFrom = Math.max(0, endTo - Math.round(1.5 * chromaFps));
  const chroma = new Float64Array(12), bass = new Float64Array(12), ending = new Float64Array(12), endingBass = new Float64Array(12);
  for (let f = 0; f < n; f++) {
    for (let k = 0; k < 12; k++) {
      chroma[k] = chroma[k]! + c.chroma[f * 12 + k]!;
      bass[k] = bass[k]! + c.bassChroma[f * 12 + k]!;
      if (f >= endFrom && f <= endTo) {
        ending[k] = ending[k]! + c.chroma[f * 12 + k]!;
        endingBass[k] = endingBass[k]! + c.bassChroma[f * 12 + k]!;
      }
    }
  }
  return { chroma: normalised(chroma), bass: normalised(bass), ending: normalised(ending), endingBass: normalised(endingBass) };
}

export function keyFromSummaries(s: KeySummaries, model: KeyModel = KEY_MODEL): Key {
  const scores: { tonic: number; mode: 'major' | 'minor'; r: number }[] = [];
  for (let tonic = 0; tonic < 12; tonic++) {
    for (const [m, mode] of [[0, 'major'], [1, 'minor']] as const) {
      let r = 0;
      for (const name of ['chroma', 'bass', 'ending', 'endingBass'] as const) {
        const w = model.weights[name];
        if (!w) continue;
        const t = model.templates[name][m];
        r += w * pearson(s[name], Array.from({ length: 12 }, (_, i) => t[(i - tonic + 12) % 12]!));
      }
      scores.push({ tonic, mode, r });
    }
  }
  scores.sort((a, b) => b.r - a.r);
  const best = scores[0]!, second = scores[1]!;
  const total = model.weights.chroma + model.weights.bass + model.weights.ending + model.weights.endingBass || 1;
  return { key: PITCH_CLASSES[best.tonic]!, mode: best.mode, confidence: clamp01(0.5 + (best.r - second.r) / total) };
}

/** The key estimator analyze() uses. */
export function estimateKeyOf(c: Chromas): Key {
  return keyFromSummaries(keySummaries(c));
}

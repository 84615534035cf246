// Tempo and key of a piece of audio: the inputs a style transformation keeps while it changes the
// instrumentation. Tempo from the autocorrelation of an onset-strength envelope; key from a chromagram
// (Goertzel per semitone) correlated with the Krumhansl–Kessler key profiles.
import type { StereoBuffer } from './types.js';

export interface MusicAnalysis {
  tempoBpm: number;
  /** Pitch-class name of the tonic, sharps (C, C#, D, …). */
  key: string;
  mode: 'major' | 'minor';
  /** Correlation of the chroma with the chosen key profile (−1…1): how clearly tonal the piece is. */
  keyConfidence: number;
  chroma: number[];
}

export const PITCH_CLASSES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'] as const;
const MAJOR = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

function mono(audio: StereoBuffer, decimate: number): Float32Array {
  // A 2-pole average before decimation is enough against aliasing for envelope and pitch work below 2 kHz.
  const n = Math.floor(audio.left.length / decimate);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < decimate; k++) s += audio.left[i * decimate + k]! + audio.right[i * decimate + k]!;
    out[i] = s / (2 * decimate);
  }
  return out;
}

/** Beats per minute in 60–200, from the periodicity of the rises in short-time energy. */
export function estimateTempo(audio: StereoBuffer, sampleRate: number): number {
  const hop = 512;
  const frames = Math.floor(audio.left.length / hop);
  if (frames < 64) throw new RangeError('the audio is too short to find a tempo');
  const env = new Float64Array(frames);
  let prev = 0;
  for (let f = 0; f < frames; f++) {
    let e = 0;
    for (let i = f * hop + 1; i < (f + 1) * hop; i++) {
      const d = audio.left[i]! + audio.right[i]! - audio.left[i - 1]! - audio.right[i - 1]!; // first difference: favours attacks
      e += d * d;
    }
    const l = Math.log1p(1000 * e);
    env[f] = Math.max(0, l - prev); // half-wave rectified rise
    prev = l;
  }
  let mean = 0;
  for (const v of env) mean += v;
  mean /= frames;
  for (let f = 0; f < frames; f++) env[f]! -= mean;
  const fps = sampleRate / hop;
  const minLag = Math.floor((fps * 60) / 200);
  const maxLag = Math.ceil((fps * 60) / 60);
  const ac = new Float64Array(maxLag + 2);
  for (let lag = minLag - 1; lag <= maxLag + 1; lag++) {
    let s = 0;
    for (let f = lag; f < frames; f++) s += env[f]! * env[f - lag]!;
    ac[lag] = s / (frames - lag);
  }
  // A beat at lag L also correlates at 2L and 3L: sum them so the beat level wins over its subdivisions,
  // with a broad preference for the common 80–160 BPM range.
  let best = minLag;
  let bestScore = -Infinity;
  for (let lag = minLag; lag <= maxLag; lag++) {
    const harmonics = ac[lag]! + (2 * lag <= maxLag + 1 ? 0.5 * ac[2 * lag]! : 0);
    const bpm = (60 * fps) / lag;
    const weight = Math.exp(-0.5 * Math.log2(bpm / 115) ** 2 / 0.6 ** 2);
    const score = harmonics * weight;
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  // Parabolic interpolation of the peak for sub-frame precision.
  const a = ac[best - 1]!, b = ac[best]!, c = ac[best + 1]!;
  const shift = a - 2 * b + c === 0 ? 0 : (0.5 * (a - c)) / (a - 2 * b + c);
  return (60 * fps) / (best + Math.max(-0.5, Math.min(0.5, shift)));
}

/** Energy per pitch class over MIDI 36–95 (C2–B6), Goertzel on 4096-sample blocks of a 4× decimated mono mix. */
export function chromagram(audio: StereoBuffer, sampleRate: number): number[] {
  const x = mono(audio, 4);
  const sr = sampleRate / 4;
  const block = 4096;
  const chroma = new Array<number>(12).fill(0);
  const coeff = (midi: number) => {
    const f = 440 * 2 ** ((midi - 69) / 12);
    return 2 * Math.cos((2 * Math.PI * f) / sr);
  };
  // Four pitches per pass over a block: one Goertzel recursion waits on its previous step, four
  // independent ones run side by side in about the same time. Each pitch's arithmetic is unchanged.
  for (let midi = 36; midi < 96; midi += 4) {
    const c0 = coeff(midi), c1 = coeff(midi + 1), c2 = coeff(midi + 2), c3 = coeff(midi + 3);
    let e0 = 0, e1 = 0, e2 = 0, e3 = 0;
    for (let start = 0; start + block <= x.length; start += block) {
      let p1 = 0, p2 = 0, q1 = 0, q2 = 0, r1 = 0, r2 = 0, s1 = 0, s2 = 0;
      for (let i = start; i < start + block; i++) {
        const v = x[i]!;
        const p0 = v + c0 * p1 - p2; p2 = p1; p1 = p0;
        const q0 = v + c1 * q1 - q2; q2 = q1; q1 = q0;
        const r0 = v + c2 * r1 - r2; r2 = r1; r1 = r0;
        const s0 = v + c3 * s1 - s2; s2 = s1; s1 = s0;
      }
      e0 += p1 * p1 + p2 * p2 - c0 * p1 * p2;
      e1 += q1 * q1 + q2 * q2 - c1 * q1 * q2;
      e2 += r1 * r1 + r2 * r2 - c2 * r1 * r2;
      e3 += s1 * s1 + s2 * s2 - c3 * s1 * s2;
    }
    chroma[midi % 12]! += Math.sqrt(e0);
    chroma[(midi + 1) % 12]! += Math.sqrt(e1);
    chroma[(midi + 2) % 12]! += Math.sqrt(e2);
    chroma[(midi + 3) % 12]! += Math.sqrt(e3);
  }
  const max = Math.max(...chroma) || 1;
  return chroma.map((v) => v / max);
}

function correlate(a: number[], b: number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db || 1);
}

export function estimateKey(chroma: number[]): { key: string; mode: 'major' | 'minor'; confidence: number } {
  let best = { key: 'C', mode: 'major' as 'major' | 'minor', confidence: -Infinity };
  for (let tonic = 0; tonic < 12; tonic++) {
    const rotated = chroma.map((_, i) => chroma[(i + tonic) % 12]!);
    for (const [mode, profile] of [['major', MAJOR], ['minor', MINOR]] as const) {
      const r = correlate(rotated, profile);
      if (r > best.confidence) best = { key: PITCH_CLASSES[tonic]!, mode, confidence: r };
    }
  }
  return best;
}

export function analyseMusic(audio: StereoBuffer, sampleRate: number): MusicAnalysis {
  const chroma = chromagram(audio, sampleRate);
  const { key, mode, confidence } = estimateKey(chroma);
  return { tempoBpm: estimateTempo(audio, sampleRate), key, mode, keyConfidence: confidence, chroma };
}

// Low-level DSP helpers shared by instruments: band-limited wavetables, filters, envelopes, panning.
import { SAMPLE_RATE } from './types.js';

// Module-local alias: global lookups are slow inside vm sandboxes (e.g. Jest), and these loops are hot.
const M = Math;

export const SR = SAMPLE_RATE;
export const TABLE_SIZE = 2048;
const TABLE_MASK = TABLE_SIZE - 1;

const SINE = new Float32Array(TABLE_SIZE + 1);
for (let i = 0; i <= TABLE_SIZE; i++) SINE[i] = M.sin((2 * M.PI * i) / TABLE_SIZE);
/** One-cycle sine with a guard point, indexed by phase * TABLE_SIZE. */
export const SINE_TABLE: Float32Array = SINE;

export type WaveName = 'sine' | 'saw' | 'square' | 'triangle' | 'organ' | 'piano' | 'glottal' | 'brass';

/** Harmonic amplitude per waveform (h starts at 1); returning 0 skips the partial. */
const HARMONICS: Record<WaveName, (h: number) => number> = {
  sine: (h) => (h === 1 ? 1 : 0),
  saw: (h) => 1 / h,
  square: (h) => (h % 2 === 1 ? 1 / h : 0),
  triangle: (h) => (h % 2 === 1 ? (((h - 1) / 2) % 2 === 0 ? 1 : -1) / (h * h) : 0),
  organ: (h) => ({ 1: 1, 2: 0.75, 3: 0.55, 4: 0.4, 6: 0.28, 8: 0.22, 10: 0.08, 12: 0.06 } as Record<number, number>)[h] ?? 0,
  // A hammered string: strong low partials, a dip at the 7th (hammer position) and a steep roll-off.
  piano: (h) => (h === 7 ? 0.02 : 1 / M.pow(h, 1.45)) * (h > 12 ? 0.5 : 1),
  // Glottal flow derivative falls roughly 6 dB per octave.
  glottal: (h) => 1 / M.pow(h, 1.0),
  brass: (h) => (h <= 8 ? 1 / M.pow(h, 0.6) : 1 / M.pow(h, 2)),
};

/** Band k serves fundamentals up to BAND_TOP[k] Hz; higher bands keep fewer partials so nothing aliases. */
const BAND_COUNT = 10;
const BAND_TOP = Array.from({ length: BAND_COUNT }, (_, k) => 40 * M.pow(2, k));
const tableCache = new Map<WaveName, Float32Array[]>();

function buildTables(name: WaveName): Float32Array[] {
  const amp = HARMONICS[name];
  const bands: Float32Array[] = [];
  for (let k = 0; k < BAND_COUNT; k++) {
    const maxH = M.max(1, M.min(TABLE_SIZE / 2 - 1, M.floor(19000 / BAND_TOP[k]!)));
    const t = new Float32Array(TABLE_SIZE + 1);
    const acc = new Float64Array(TABLE_SIZE);
    for (let h = 1; h <= maxH; h++) {
      const a = amp(h);
      if (a === 0) continue;
      for (let i = 0; i < TABLE_SIZE; i++) acc[i] += a * SINE[(h * i) & TABLE_MASK]!;
    }
    let peak = 1e-9;
    for (let i = 0; i < TABLE_SIZE; i++) peak = M.max(peak, M.abs(acc[i]!));
    for (let i = 0; i < TABLE_SIZE; i++) t[i] = acc[i]! / peak;
    t[TABLE_SIZE] = t[0]!;
    bands.push(t);
  }
  return bands;
}

/** Band-limited single-cycle table suitable for a fundamental of `freq` Hz. */
export function wavetable(name: WaveName, freq: number): Float32Array {
  let bands = tableCache.get(name);
  if (!bands) {
    bands = buildTables(name);
    tableCache.set(name, bands);
  }
  let k = 0;
  while (k < BAND_COUNT - 1 && freq > BAND_TOP[k]!) k++;
  return bands[k]!;
}

/** Cheap tanh-like saturator (rational), exact 0 at 0 and bounded by 1. */
export function softClip(x: number): number {
  const ax = x < 0 ? -x : x;
  return x / (1 + ax);
}

/** Constant-power pan law; pan in [-1, 1]. */
export function panGains(pan: number): [number, number] {
  const p = M.min(1, M.max(-1, pan));
  const angle = ((p + 1) * M.PI) / 4;
  return [M.cos(angle), M.sin(angle)];
}

/** Per-sample multiplier for an exponential decay with time constant `tau` seconds. */
export function decayCoef(tau: number): number {
  return tau <= 0 ? 0 : M.exp(-1 / (tau * SR));
}

export type BiquadType = 'lowpass' | 'highpass' | 'bandpass' | 'peak';

/** RBJ biquad applied in place with fixed coefficients (used for one-shot sample design). */
export function biquadInPlace(buf: Float32Array, type: BiquadType, freq: number, q: number, gainDb = 0): void {
  const w0 = (2 * M.PI * M.min(freq, SR * 0.45)) / SR;
  const cos = M.cos(w0);
  const alpha = M.sin(w0) / (2 * q);
  let b0: number, b1: number, b2: number, a0: number, a1: number, a2: number;
  if (type === 'lowpass') {
    b0 = (1 - cos) / 2; b1 = 1 - cos; b2 = b0; a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
  } else if (type === 'highpass') {
    b0 = (1 + cos) / 2; b1 = -(1 + cos); b2 = b0; a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
  } else if (type === 'bandpass') {
    b0 = alpha; b1 = 0; b2 = -alpha; a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
  } else {
    const A = M.pow(10, gainDb / 40);
    b0 = 1 + alpha * A; b1 = -2 * cos; b2 = 1 - alpha * A; a0 = 1 + alpha / A; a1 = -2 * cos; a2 = 1 - alpha / A;
  }
  b0 /= a0; b1 /= a0; b2 /= a0; a1 /= a0; a2 /= a0;
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < buf.length; i++) {
    const x = buf[i]!;
    const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1; x1 = x; y2 = y1; y1 = y;
    buf[i] = y;
  }
}

/** One-pole lowpass in place; cheap tone control. */
export function onePoleLowpass(buf: Float32Array, cutoff: number, start = 0, end = buf.length): void {
  const a = 1 - M.exp((-2 * M.PI * cutoff) / SR);
  let y = 0;
  for (let i = start; i < end; i++) {
    y += a * (buf[i]! - y);
    buf[i] = y;
  }
}

/** One-pole highpass in place (removes DC and rumble). */
export function onePoleHighpass(buf: Float32Array, cutoff: number): void {
  const a = M.exp((-2 * M.PI * cutoff) / SR);
  let x1 = 0, y = 0;
  for (let i = 0; i < buf.length; i++) {
    const x = buf[i]!;
    y = a * (y + x - x1);
    x1 = x;
    buf[i] = y;
  }
}

/**
 * The same highpass on both channels of a buffer in one loop (each channel's recursion waits on its last
 * output, so two side by side cost about one), and nothing at all on an all-silent buffer (its output is
 * silence): per channel, the same samples as two onePoleHighpass calls.
 */
export function onePoleHighpassStereo(left: Float32Array, right: Float32Array, cutoff: number): void {
  const n = left.length;
  let first = 0;
  while (first < n && left[first] === 0 && right[first] === 0) first++;
  if (first === n) return;
  // Leading silence stays silence (y = a·(0 + 0 − 0)); the filter starts at rest where the sound does.
  const a = M.exp((-2 * M.PI * cutoff) / SR);
  let lx1 = 0, ly = 0, rx1 = 0, ry = 0;
  for (let i = first; i < n; i++) {
    const xl = left[i]!;
    const xr = right[i]!;
    ly = a * (ly + xl - lx1);
    ry = a * (ry + xr - rx1);
    lx1 = xl;
    rx1 = xr;
    left[i] = ly;
    right[i] = ry;
  }
}

/** Coefficients of the Simper/Cytomic state-variable filter for cutoff `fc` and resonance 0..1. */
export function svfCoefs(fc: number, resonance: number, out: Float64Array): void {
  const g = M.tan((M.PI * M.min(M.max(fc, 20), SR * 0.45)) / SR);
  const k = 2 - 1.9 * M.min(M.max(resonance, 0), 1);
  const a1 = 1 / (1 + g * (g + k));
  out[0] = a1;
  out[1] = g * a1;
  out[2] = g * g * a1;
}

// An effects chain as the design's effects_presets describe it ([{type, settings}]), applied with real DSP
// to a finished stereo mix: equalizer (RBJ low shelf / peak / high shelf), compressor (feed-forward,
// stereo-linked, soft knee), reverb (the engine's FDN), delay (stereo ping-pong with damped feedback).
import { addPingPong, addReverb } from './effects.js';
import { SR } from './dsp.js';
import type { StereoBuffer } from './types.js';

// Module-local alias: global lookups are slow inside vm sandboxes (e.g. Jest), and these loops are hot.
const M = Math;

export type EffectSpec =
  /** Linear band gains (1 = unchanged), as in the system presets: low shelf 200 Hz, peak 1 kHz, high shelf 4 kHz. */
  | { type: 'equalizer'; settings: { low?: number; mid?: number; high?: number } }
  | { type: 'compressor'; settings: { threshold_db?: number; ratio?: number; attack_ms?: number; release_ms?: number; makeup_db?: number } }
  /** room_size 0–1 → decay 0.3–3.3 s; damping 0–1; mix = wet level. */
  | { type: 'reverb'; settings: { room_size?: number; damping?: number; mix?: number } }
  /** time in seconds, feedback 0–0.95, mix = wet level. */
  | { type: 'delay'; settings: { time?: number; feedback?: number; mix?: number } };

export const EFFECT_TYPES = ['equalizer', 'compressor', 'reverb', 'delay'] as const;

type Coefs = [number, number, number, number, number];

/** RBJ cookbook coefficients (normalised: b0, b1, b2, a1, a2). */
function rbj(type: 'lowshelf' | 'highshelf' | 'peak', freq: number, gainDb: number, q: number, sampleRate: number): Coefs {
  const A = Math.pow(10, gainDb / 40);
  const w0 = (2 * Math.PI * freq) / sampleRate;
  const cos = Math.cos(w0);
  const sin = Math.sin(w0);
  const alpha = sin / (2 * q);
  let b0: number, b1: number, b2: number, a0: number, a1: number, a2: number;
  if (type === 'peak') {
    b0 = 1 + alpha * A; b1 = -2 * cos; b2 = 1 - alpha * A; a0 = 1 + alpha / A; a1 = -2 * cos; a2 = 1 - alpha / A;
  } else {
    const s = 2 * Math.sqrt(A) * alpha;
    if (type === 'lowshelf') {
      b0 = A * (A + 1 - (A - 1) * cos + s); b1 = 2 * A * (A - 1 - (A + 1) * cos); b2 = A * (A + 1 - (A - 1) * cos - s);
      a0 = A + 1 + (A - 1) * cos + s; a1 = -2 * (A - 1 + (A + 1) * cos); a2 = A + 1 + (A - 1) * cos - s;
    } else {
      b0 = A * (A + 1 + (A - 1) * cos + s); b1 = -2 * A * (A - 1 + (A + 1) * cos); b2 = A * (A + 1 + (A - 1) * cos - s);
      a0 = A + 1 - (A - 1) * cos + s; a1 = 2 * (A - 1 - (A + 1) * cos); a2 = A + 1 - (A - 1) * cos - s;
    }
  }
  return [b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0];
}

/**
 * One biquad on both channels in the same loop. Each channel's recursion waits on its previous output, so
 * one channel per loop leaves the CPU idle between samples; two independent recursions side by side run
 * in about the time of one. Per channel the arithmetic is the same as a single-channel pass, bit for bit.
 */
function biquadStereo(left: Float32Array, right: Float32Array, [b0, b1, b2, a1, a2]: Coefs): void {
  let lx1 = 0, lx2 = 0, ly1 = 0, ly2 = 0;
  let rx1 = 0, rx2 = 0, ry1 = 0, ry2 = 0;
  const n = left.length;
  for (let i = 0; i < n; i++) {
    const xl = left[i]!;
    const xr = right[i]!;
    const yl = b0 * xl + b1 * lx1 + b2 * lx2 - a1 * ly1 - a2 * ly2;
    const yr = b0 * xr + b1 * rx1 + b2 * rx2 - a1 * ry1 - a2 * ry2;
    lx2 = lx1; lx1 = xl; ly2 = ly1; ly1 = yl;
    rx2 = rx1; rx1 = xr; ry2 = ry1; ry1 = yr;
    left[i] = yl;
    right[i] = yr;
  }
}

/**
 * Two biquads in series on both channels, in one pass: four independent recursions per sample instead of
 * two, and half the memory traffic. The first stage's output is rounded to float32 (M.fround) exactly
 * where two separate passes would have stored it, so the result is the same bit for bit.
 */
function biquadStereo2(left: Float32Array, right: Float32Array, [b0, b1, b2, a1, a2]: Coefs, [c0, c1, c2, d1, d2]: Coefs): void {
  // Per channel: x = input, y = first stage (unrounded, as its own recursion keeps it), u = y as stored, z = output.
  let lx1 = 0, lx2 = 0, ly1 = 0, ly2 = 0, lu1 = 0, lu2 = 0, lz1 = 0, lz2 = 0;
  let rx1 = 0, rx2 = 0, ry1 = 0, ry2 = 0, ru1 = 0, ru2 = 0, rz1 = 0, rz2 = 0;
  const n = left.length;
  for (let i = 0; i < n; i++) {
    const xl = left[i]!;
    const xr = right[i]!;
    const yl = b0 * xl + b1 * lx1 + b2 * lx2 - a1 * ly1 - a2 * ly2;
    const yr = b0 * xr + b1 * rx1 + b2 * rx2 - a1 * ry1 - a2 * ry2;
    const ul = M.fround(yl);
    const ur = M.fround(yr);
    const zl = c0 * ul + c1 * lu1 + c2 * lu2 - d1 * lz1 - d2 * lz2;
    const zr = c0 * ur + c1 * ru1 + c2 * ru2 - d1 * rz1 - d2 * rz2;
    lx2 = lx1; lx1 = xl; ly2 = ly1; ly1 = yl; lu2 = lu1; lu1 = ul; lz2 = lz1; lz1 = zl;
    rx2 = rx1; rx1 = xr; ry2 = ry1; ry1 = yr; ru2 = ru1; ru1 = ur; rz2 = rz1; rz1 = zr;
    left[i] = zl;
    right[i] = zr;
  }
}

/** A high shelf (Q 0.707) on both channels, in place: the tonal-balance tilt of a persona render. */
export function highShelf(buf: StereoBuffer, freq: number, gainDb: number, sampleRate: number): void {
  if (gainDb === 0) return;
  const c = rbj('highshelf', freq, gainDb, M.SQRT1_2, sampleRate);
  biquadStereo(buf.left, buf.right, c);
}

const gainDb = (linear: number | undefined) => 20 * M.log10(M.max(1e-3, linear ?? 1));

export const EQ_BANDS = { low: 200, mid: 1000, high: 4000 } as const;

function equalizer(buf: StereoBuffer, s: { low?: number; mid?: number; high?: number }, sampleRate: number): void {
  const stages: Coefs[] = [];
  if ((s.low ?? 1) !== 1) stages.push(rbj('lowshelf', EQ_BANDS.low, gainDb(s.low), M.SQRT1_2, sampleRate));
  if ((s.mid ?? 1) !== 1) stages.push(rbj('peak', EQ_BANDS.mid, gainDb(s.mid), 0.9, sampleRate));
  if ((s.high ?? 1) !== 1) stages.push(rbj('highshelf', EQ_BANDS.high, gainDb(s.high), M.SQRT1_2, sampleRate));
  for (let k = 0; k < stages.length; k += 2) {
    if (k + 1 < stages.length) biquadStereo2(buf.left, buf.right, stages[k]!, stages[k + 1]!);
    else biquadStereo(buf.left, buf.right, stages[k]!);
  }
}

/**
 * Feed-forward compressor on the louder channel's level (stereo-linked so the image does not shift), 6 dB soft knee.
 *
 * The gain curve is 10^(−reduction/20) with reduction computed from the envelope in dB. Evaluated literally
 * that is a log10 and a pow per sample, most of the chain's time (V8's M.pow with a fractional exponent
 * costs about two exp + log). Below the knee the gain is exactly the makeup gain, and above it the same
 * curve is one power of the envelope, taken as exp(−s·ln env):
 *   10^(−(20·log10(env) − T)·s/20) = env^(−s) · 10^(T·s/20),  s = 1 − 1/ratio.
 * Only the knee itself (6 dB of envelope) still goes through dB. effects-chain.spec.ts holds the literal
 * formula and checks that the two agree to float precision.
 */
function compressor(buf: StereoBuffer, s: { threshold_db?: number; ratio?: number; attack_ms?: number; release_ms?: number; makeup_db?: number }, sampleRate: number): void {
  const threshold = s.threshold_db ?? -18;
  const ratio = M.max(1, s.ratio ?? 4);
  const attack = M.exp(-1 / (((s.attack_ms ?? 10) / 1000) * sampleRate));
  const release = M.exp(-1 / (((s.release_ms ?? 120) / 1000) * sampleRate));
  const makeup = M.pow(10, (s.makeup_db ?? 0) / 20);
  const knee = 6;
  const slope = 1 - 1 / ratio;
  // Envelope levels (linear) at the knee's lower and upper edges, and the constant factor above the knee.
  const kneeLow = M.pow(10, (threshold - knee / 2) / 20);
  const kneeHigh = M.pow(10, (threshold + knee / 2) / 20);
  const above = M.pow(10, (threshold * slope) / 20) * makeup;
  const L = buf.left;
  const R = buf.right;
  const n = L.length;
  let env = 0;
  for (let i = 0; i < n; i++) {
    const l = L[i]!;
    const r = R[i]!;
    const al = l < 0 ? -l : l;
    const ar = r < 0 ? -r : r;
    const level = al > ar ? al : ar;
    env = level > env ? attack * env + (1 - attack) * level : release * env + (1 - release) * level;
    let g: number;
    if (env <= kneeLow) g = makeup;
    else if (env >= kneeHigh) g = M.exp(-slope * M.log(env)) * above;
    else {
      const over = 20 * M.log10(env) - threshold;
      g = M.pow(10, -((slope * (over + knee / 2) ** 2) / (2 * knee)) / 20) * makeup;
    }
    L[i] = l * g;
    R[i] = r * g;
  }
}

/** Applies the chain in order to a copy of the audio (44.1 kHz: the engine's reverb and delay run at its rate). */
export function applyEffectsChain(audio: StereoBuffer, sampleRate: number, chain: readonly EffectSpec[]): StereoBuffer {
  if (sampleRate !== SR) throw new RangeError(`effects run at ${SR} Hz, got ${sampleRate}`);
  const out: StereoBuffer = { left: audio.left.slice(), right: audio.right.slice() };
  for (const fx of chain) {
    switch (fx.type) {
      case 'equalizer':
        equalizer(out, fx.settings, sampleRate);
        break;
      case 'compressor':
        compressor(out, fx.settings, sampleRate);
        break;
      case 'reverb':
        addReverb(out, fx.settings.mix ?? 0.35, 0.3 + 3 * (fx.settings.room_size ?? 0.5), fx.settings.damping ?? 0.35);
        break;
      case 'delay':
        addPingPong(out, fx.settings.time ?? 0.35, Math.min(0.95, fx.settings.feedback ?? 0.3), fx.settings.mix ?? 0.3);
        break;
      default:
        throw new RangeError(`unknown effect ${(fx as { type: string }).type}`);
    }
  }
  return out;
}

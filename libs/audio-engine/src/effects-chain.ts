// An effects chain as the design's effects_presets describe it ([{type, settings}]), applied with real DSP
// to a finished stereo mix: equalizer (RBJ low shelf / peak / high shelf), compressor (feed-forward,
// stereo-linked, soft knee), reverb (the engine's FDN), delay (stereo ping-pong with damped feedback).
import { addPingPong, addReverb } from './effects.js';
import { SR } from './dsp.js';
import type { StereoBuffer } from './types.js';

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

function biquad(buf: Float32Array, [b0, b1, b2, a1, a2]: Coefs): void {
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < buf.length; i++) {
    const x = buf[i]!;
    const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1; x1 = x; y2 = y1; y1 = y;
    buf[i] = y;
  }
}

/** A high shelf (Q 0.707) on both channels, in place: the tonal-balance tilt of a persona render. */
export function highShelf(buf: StereoBuffer, freq: number, gainDb: number, sampleRate: number): void {
  if (gainDb === 0) return;
  const c = rbj('highshelf', freq, gainDb, Math.SQRT1_2, sampleRate);
  biquad(buf.left, c);
  biquad(buf.right, c);
}

const gainDb = (linear: number | undefined) => 20 * Math.log10(Math.max(1e-3, linear ?? 1));

export const EQ_BANDS = { low: 200, mid: 1000, high: 4000 } as const;

function equalizer(buf: StereoBuffer, s: { low?: number; mid?: number; high?: number }, sampleRate: number): void {
  const stages: Coefs[] = [];
  if ((s.low ?? 1) !== 1) stages.push(rbj('lowshelf', EQ_BANDS.low, gainDb(s.low), Math.SQRT1_2, sampleRate));
  if ((s.mid ?? 1) !== 1) stages.push(rbj('peak', EQ_BANDS.mid, gainDb(s.mid), 0.9, sampleRate));
  if ((s.high ?? 1) !== 1) stages.push(rbj('highshelf', EQ_BANDS.high, gainDb(s.high), Math.SQRT1_2, sampleRate));
  for (const c of stages) for (const ch of [buf.left, buf.right]) biquad(ch, c);
}

/** Feed-forward compressor on the louder channel's level (stereo-linked so the image does not shift), 6 dB soft knee. */
function compressor(buf: StereoBuffer, s: { threshold_db?: number; ratio?: number; attack_ms?: number; release_ms?: number; makeup_db?: number }, sampleRate: number): void {
  const threshold = s.threshold_db ?? -18;
  const ratio = Math.max(1, s.ratio ?? 4);
  const attack = Math.exp(-1 / (((s.attack_ms ?? 10) / 1000) * sampleRate));
  const release = Math.exp(-1 / (((s.release_ms ?? 120) / 1000) * sampleRate));
  const makeup = Math.pow(10, (s.makeup_db ?? 0) / 20);
  const knee = 6;
  let env = 0;
  for (let i = 0; i < buf.left.length; i++) {
    const level = Math.max(Math.abs(buf.left[i]!), Math.abs(buf.right[i]!));
    env = level > env ? attack * env + (1 - attack) * level : release * env + (1 - release) * level;
    const db = 20 * Math.log10(Math.max(env, 1e-9));
    const over = db - threshold;
    let reduction = 0;
    if (over >= knee / 2) reduction = over * (1 - 1 / ratio);
    else if (over > -knee / 2) reduction = ((1 - 1 / ratio) * (over + knee / 2) ** 2) / (2 * knee);
    const g = Math.pow(10, -reduction / 20) * makeup;
    buf.left[i] = buf.left[i]! * g;
    buf.right[i] = buf.right[i]! * g;
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

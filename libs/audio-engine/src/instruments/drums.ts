// Drum kits synthesised once per process as one-shot samples, then mixed at each hit (mixing is just adds).
import { biquadInPlace, onePoleLowpass, panGains, SR } from '../dsp.js';
import { fillNoise, hashString, mix32 } from '../rng.js';
import type { StereoBuffer } from '../types.js';

// Module-local alias: global lookups are slow inside vm sandboxes (e.g. Jest), and these loops are hot.
const M = Math;

export type DrumKind =
  | 'kick' | 'snare' | 'clap' | 'rim' | 'hat' | 'openhat' | 'ride' | 'crash' | 'tomHi' | 'tomMid' | 'tomLow';

export interface DrumHit {
  time: number;
  kind: DrumKind;
  velocity: number;
}

interface KitSpec {
  kick: { f0: number; f1: number; pitchTau: number; ampTau: number; click: number; drive: number; length: number };
  snare: { tone: number; toneTau: number; noiseTau: number; noise: number; bright: number; brush?: boolean };
  hat: { tau: number; openTau: number; metallic: number; cutoff: number };
  tomBase: number;
  /** Overall lowpass for dusty kits (0 = off). */
  lowpass: number;
  crackle: number;
}

const ACOUSTIC: KitSpec = {
  kick: { f0: 145, f1: 56, pitchTau: 0.025, ampTau: 0.17, click: 0.4, drive: 1.4, length: 0.45 },
  snare: { tone: 185, toneTau: 0.05, noiseTau: 0.13, noise: 0.8, bright: 5000 },
  hat: { tau: 0.035, openTau: 0.28, metallic: 0.5, cutoff: 7000 },
  tomBase: 95, lowpass: 0, crackle: 0,
};

const KITS: Record<string, KitSpec> = {
  'acoustic drums': ACOUSTIC,
  'rock drums': { ...ACOUSTIC, kick: { ...ACOUSTIC.kick, click: 0.5, drive: 1.8 }, snare: { ...ACOUSTIC.snare, noise: 1, noiseTau: 0.18 } },
  'heavy drums': { ...ACOUSTIC, kick: { f0: 190, f1: 60, pitchTau: 0.012, ampTau: 0.14, click: 0.9, drive: 2.2, length: 0.3 }, snare: { tone: 210, toneTau: 0.06, noiseTau: 0.16, noise: 1, bright: 6000 } },
  '808 drum machine': {
    kick: { f0: 130, f1: 48, pitchTau: 0.05, ampTau: 0.45, click: 0.15, drive: 1.4, length: 0.9 },
    snare: { tone: 220, toneTau: 0.07, noiseTau: 0.12, noise: 0.7, bright: 6500 },
    hat: { tau: 0.03, openTau: 0.3, metallic: 0.9, cutoff: 8000 }, tomBase: 110, lowpass: 0, crackle: 0,
  },
  '909 drum machine': {
    kick: { f0: 220, f1: 50, pitchTau: 0.022, ampTau: 0.3, click: 0.55, drive: 1.9, length: 0.55 },
    snare: { tone: 200, toneTau: 0.05, noiseTau: 0.15, noise: 0.9, bright: 7000 },
    hat: { tau: 0.04, openTau: 0.32, metallic: 0.7, cutoff: 8500 }, tomBase: 105, lowpass: 0, crackle: 0,
  },
  'boom bap drums': { ...ACOUSTIC, kick: { f0: 120, f1: 50, pitchTau: 0.04, ampTau: 0.3, click: 0.4, drive: 2, length: 0.55 }, lowpass: 9000 },
  'lofi drums': { ...ACOUSTIC, kick: { f0: 110, f1: 50, pitchTau: 0.04, ampTau: 0.28, click: 0.2, drive: 1.5, length: 0.5 }, lowpass: 4200, crackle: 0.012 },
  'jazz brushes': { ...ACOUSTIC, kick: { f0: 100, f1: 58, pitchTau: 0.03, ampTau: 0.2, click: 0.1, drive: 1, length: 0.4 }, snare: { tone: 180, toneTau: 0.02, noiseTau: 0.16, noise: 0.6, bright: 3500, brush: true }, hat: { tau: 0.05, openTau: 0.25, metallic: 0.4, cutoff: 6000 } },
  'breakbeat drums': { ...ACOUSTIC, kick: { f0: 170, f1: 55, pitchTau: 0.02, ampTau: 0.18, click: 0.6, drive: 1.8, length: 0.35 }, snare: { tone: 230, toneTau: 0.05, noiseTau: 0.12, noise: 1, bright: 7000 } },
  'orchestral percussion': { ...ACOUSTIC, kick: { f0: 75, f1: 45, pitchTau: 0.08, ampTau: 0.7, click: 0.05, drive: 1, length: 1.4 }, tomBase: 70 },
  'soft percussion': { ...ACOUSTIC, kick: { f0: 90, f1: 50, pitchTau: 0.05, ampTau: 0.3, click: 0.05, drive: 1, length: 0.5 }, hat: { tau: 0.03, openTau: 0.2, metallic: 0.2, cutoff: 9000 }, lowpass: 6000 },
};

interface DrumSample {
  data: Float32Array;
  pan: number;
  gain: number;
}

export type DrumKit = Record<DrumKind, DrumSample>;

function secs(s: number): number {
  return M.max(1, M.round(s * SR));
}

function makeKick(k: KitSpec['kick'], seed: number): Float32Array {
  const n = secs(k.length);
  const out = new Float32Array(n);
  const click = new Float32Array(secs(0.006));
  fillNoise(click, seed);
  onePoleLowpass(click, 3000);
  let ph = 0;
  const norm = k.drive > 1 ? 1 / M.tanh(k.drive) : 1;
  for (let i = 0; i < n; i++) {
    const t = i / SR;
    ph += (k.f1 + (k.f0 - k.f1) * M.exp(-t / k.pitchTau)) / SR;
    const env = M.exp(-t / k.ampTau) * M.min(1, i / 30);
    let s = M.sin(2 * M.PI * ph) * env;
    if (k.drive > 1) s = M.tanh(s * k.drive) * norm;
    if (i < click.length) s += click[i]! * k.click * (1 - i / click.length);
    out[i] = s;
  }
  return out;
}

function makeSnare(s: KitSpec['snare'], seed: number): Float32Array {
  const n = secs(s.noiseTau * 5 + (s.brush ? 0.05 : 0));
  const noise = new Float32Array(n);
  fillNoise(noise, seed);
  biquadInPlace(noise, 'highpass', 900, 0.7);
  biquadInPlace(noise, 'lowpass', s.bright, 0.7);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / SR;
    const tone = (M.sin(2 * M.PI * s.tone * t) + 0.5 * M.sin(2 * M.PI * s.tone * 1.78 * t)) * M.exp(-t / s.toneTau);
    // Brushes swell in over ~30 ms instead of cracking.
    const nEnv = s.brush ? M.min(1, t / 0.03) * M.exp(-t / s.noiseTau) : M.exp(-t / s.noiseTau);
    out[i] = 0.55 * tone * (s.brush ? 0.3 : 1) + s.noise * 1.6 * noise[i]! * nEnv;
  }
  return out;
}

function makeClap(seed: number): Float32Array {
  const n = secs(0.25);
  const noise = new Float32Array(n);
  fillNoise(noise, seed);
  biquadInPlace(noise, 'bandpass', 1300, 1.2);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / SR;
    // Three quick bursts then a tail: the flam of several hands.
    const burst = t < 0.03 ? M.exp(-((t % 0.01) / 0.0025)) : 0;
    out[i] = 3 * noise[i]! * (burst + M.exp(-M.max(0, t - 0.02) / 0.06) * (t >= 0.02 ? 1 : 0));
  }
  return out;
}

function makeMetal(tau: number, metallic: number, cutoff: number, seed: number, length: number): Float32Array {
  const n = secs(length);
  const out = new Float32Array(n);
  fillNoise(out, seed);
  // Six detuned square waves (the classic 808 cymbal recipe) blended with noise.
  const freqs = [205.3, 304.4, 369.6, 522.7, 540, 800];
  const ph = new Float64Array(6);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let k = 0; k < 6; k++) {
      ph[k] = ph[k]! + (freqs[k]! * 2.1) / SR;
      if (ph[k]! >= 1) ph[k] = ph[k]! - 1;
      m += ph[k]! < 0.5 ? 1 : -1;
    }
    out[i] = (1 - metallic) * out[i]! + (metallic * m) / 6;
  }
  biquadInPlace(out, 'highpass', cutoff, 0.8);
  biquadInPlace(out, 'peak', 10000, 1, 4);
  for (let i = 0; i < n; i++) out[i] = out[i]! * M.exp(-i / SR / tau) * M.min(1, i / 20) * 2.2;
  return out;
}

function makeRim(seed: number): Float32Array {
  const n = secs(0.05);
  const out = new Float32Array(n);
  fillNoise(out, seed);
  biquadInPlace(out, 'bandpass', 2000, 2);
  for (let i = 0; i < n; i++) {
    const t = i / SR;
    out[i] = (out[i]! * 1.5 + M.sin(2 * M.PI * 820 * t) + 0.6 * M.sin(2 * M.PI * 1650 * t)) * M.exp(-t / 0.012);
  }
  return out;
}

function makeTom(freq: number, seed: number): Float32Array {
  const n = secs(0.6);
  const out = new Float32Array(n);
  const noise = new Float32Array(n);
  fillNoise(noise, seed);
  onePoleLowpass(noise, 2500);
  let ph = 0;
  for (let i = 0; i < n; i++) {
    const t = i / SR;
    ph += (freq * (1 + 0.5 * M.exp(-t / 0.04))) / SR;
    out[i] = (M.sin(2 * M.PI * ph) + noise[i]! * 0.4 * M.exp(-t / 0.03)) * M.exp(-t / 0.22);
  }
  return out;
}

function makeRide(seed: number): Float32Array {
  const body = makeMetal(0.9, 0.6, 5000, seed, 2);
  for (let i = 0; i < body.length; i++) {
    const t = i / SR;
    body[i] = body[i]! * 0.6 + 0.25 * M.sin(2 * M.PI * 3300 * t) * M.exp(-t / 0.35);
  }
  return body;
}

const kitCache = new Map<string, DrumKit>();

/**
 * Kits depend only on their name (seeded from it), so they are synthesised once per process and reused;
 * hits never modify the samples.
 */
export function buildKit(kitName: string): DrumKit {
  const cached = kitCache.get(kitName);
  if (cached) return cached;
  const kit = synthesizeKit(kitName, hashString(kitName));
  kitCache.set(kitName, kit);
  return kit;
}

function synthesizeKit(kitName: string, seed: number): DrumKit {
  const k = KITS[kitName] ?? ACOUSTIC;
  const s = (n: number) => mix32(seed + n);
  const kit: DrumKit = {
    kick: { data: makeKick(k.kick, s(1)), pan: 0, gain: 0.85 },
    snare: { data: makeSnare(k.snare, s(2)), pan: 0.04, gain: 0.8 },
    clap: { data: makeClap(s(3)), pan: -0.04, gain: 0.5 },
    rim: { data: makeRim(s(4)), pan: 0.1, gain: 0.35 },
    hat: { data: makeMetal(k.hat.tau, k.hat.metallic, k.hat.cutoff, s(5), k.hat.tau * 6), pan: 0.3, gain: 0.34 },
    openhat: { data: makeMetal(k.hat.openTau, k.hat.metallic, k.hat.cutoff, s(6), k.hat.openTau * 5), pan: 0.3, gain: 0.22 },
    ride: { data: makeRide(s(7)), pan: -0.35, gain: 0.22 },
    crash: { data: makeMetal(0.85, 0.35, 3500, s(8), 2.6), pan: -0.2, gain: 0.28 },
    tomHi: { data: makeTom(k.tomBase * 2, s(9)), pan: 0.35, gain: 0.6 },
    tomMid: { data: makeTom(k.tomBase * 1.5, s(10)), pan: 0, gain: 0.6 },
    tomLow: { data: makeTom(k.tomBase, s(11)), pan: -0.35, gain: 0.7 },
  };
  if (k.lowpass > 0) for (const v of Object.values(kit)) onePoleLowpass(v.data, k.lowpass);
  return kit;
}

export function kitCrackle(kitName: string): number {
  return KITS[kitName]?.crackle ?? 0;
}

/** Adds every hit into the drum stem. */
export function renderDrumHits(out: StereoBuffer, kit: DrumKit, hits: readonly DrumHit[]): void {
  const L = out.left;
  const R = out.right;
  const n = L.length;
  for (const hit of hits) {
    const sample = kit[hit.kind];
    const start = M.round(hit.time * SR);
    if (start >= n || start < 0) continue;
    const [gl, gr] = panGains(sample.pan);
    const g = sample.gain * hit.velocity;
    const a = sample.data;
    const end = M.min(a.length, n - start);
    const l = g * gl;
    const r = g * gr;
    for (let i = 0; i < end; i++) {
      const v = a[i]!;
      L[start + i] += v * l;
      R[start + i] += v * r;
    }
  }
}

/** Vinyl crackle and hiss for lo-fi kits, spread as sparse random clicks. */
export function addCrackle(out: StereoBuffer, amount: number, seed: number): void {
  if (amount <= 0) return;
  let x = mix32(seed) | 1;
  let lp = 0;
  for (let i = 0; i < out.left.length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    const u = (x >>> 0) / 4294967296;
    lp += 0.05 * ((x | 0) / 2147483648 - lp);
    let v = lp * amount * 0.8;
    if (u < 0.0004) v += (u * 2500 - 0.5) * amount * 12;
    out.left[i] += v;
    out.right[i] += v * 0.9;
  }
}

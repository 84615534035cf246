// Stem balancing and the master stage. The master gain is one per-sample curve (normalisation x fades x
// look-ahead peak limiting) multiplied into every stem, so the stems still sum exactly to the mix.
import { SR } from './dsp.js';
import { LAYER_NAMES } from './types.js';
import type { LayerName, StereoBuffer } from './types.js';

// Module-local alias: global lookups are slow inside vm sandboxes (e.g. Jest), and these loops are hot.
const M = Math;

const RMS_BLOCK = 4096;
const LIMIT_BLOCK = 256;

/** RMS over blocks that actually contain sound, so a part that only plays in the chorus is not under-rated. */
export function activeRms(buf: StereoBuffer): number {
  const n = buf.left.length;
  let sum = 0;
  let count = 0;
  for (let b = 0; b < n; b += RMS_BLOCK) {
    const end = M.min(n, b + RMS_BLOCK);
    let ms = 0;
    for (let i = b; i < end; i++) {
      const l = buf.left[i]!;
      const r = buf.right[i]!;
      ms += l * l + r * r;
    }
    ms /= 2 * (end - b);
    if (ms > 1e-8) {
      sum += ms;
      count++;
    }
  }
  return count === 0 ? 0 : M.sqrt(sum / count);
}

/** Gain that brings each stem to its target loudness relative to the others (silent stems keep gain 1). */
export function stemGains(layers: Record<LayerName, StereoBuffer>, targets: Record<LayerName, number>): Record<LayerName, number> {
  const out = {} as Record<LayerName, number>;
  for (const name of LAYER_NAMES) {
    const rms = activeRms(layers[name]);
    out[name] = rms > 1e-6 ? M.min(50, targets[name] / rms) : 1;
  }
  return out;
}

/**
 * Told, during the last pass, that the mix is final up to sample `end` (the mix buffers are the ones
 * returned), about every MIX_PROGRESS_SAMPLES: lets the caller encode it while the rest is mastered.
 */
export type MixProgress = (mix: StereoBuffer, end: number) => void;
/** 64 MP3 frames: progress calls are few, and each hands the encoder a useful amount of work. */
export const MIX_PROGRESS_SAMPLES = 1152 * 64;

export interface MasterOptions {
  targetRms: number;
  ceiling: number;
  fadeInSec: number;
  fadeOutSec: number;
  releaseSec: number;
}

/**
 * Applies stem gains, loudness normalisation, fades and limiting as one per-sample gain per stem, writes the
 * processed stems back in place and returns their sum. The five stems are unrolled on purpose: iterating
 * over an array of stems per sample is several times slower in V8.
 */
export function masterAndMix(layers: Record<LayerName, StereoBuffer>, gains: Record<LayerName, number>, opts: MasterOptions, onMixed?: MixProgress): StereoBuffer {
  const { drums: d, bass: b, chords: c, melody: m, vocals: v } = layers;
  const dL = d.left, dR = d.right, bL = b.left, bR = b.right, cL = c.left, cR = c.right;
  const mL = m.left, mR = m.right, vL = v.left, vR = v.right;
  const gd = gains.drums, gb = gains.bass, gc = gains.chords, gm = gains.melody, gv = gains.vocals;
  const n = dL.length;
  const nb = M.ceil(n / LIMIT_BLOCK);

  // Pass 1: loudness and per-block peaks of the gained sum, computed on the fly to avoid another full buffer.
  const peaks = new Float64Array(nb);
  let ms = 0;
  let active = 0;
  let blockMs = 0;
  let blockCount = 0;
  for (let k = 0; k < nb; k++) {
    const start = k * LIMIT_BLOCK;
    const end = M.min(n, start + LIMIT_BLOCK);
    let peak = 0;
    for (let i = start; i < end; i++) {
      const l = dL[i]! * gd + bL[i]! * gb + cL[i]! * gc + mL[i]! * gm + vL[i]! * gv;
      const r = dR[i]! * gd + bR[i]! * gb + cR[i]! * gc + mR[i]! * gm + vR[i]! * gv;
      const al = l < 0 ? -l : l;
      const ar = r < 0 ? -r : r;
      if (al > peak) peak = al;
      if (ar > peak) peak = ar;
      blockMs += l * l + r * r;
    }
    peaks[k] = peak;
    blockCount += end - start;
    if (blockCount >= RMS_BLOCK || k === nb - 1) {
      const mean = blockMs / (2 * blockCount);
      if (mean > 1e-8) {
        ms += mean;
        active++;
      }
      blockMs = 0;
      blockCount = 0;
    }
  }
  const rms = active > 0 ? M.sqrt(ms / active) : 0;
  const g0 = rms > 1e-9 ? M.min(20, opts.targetRms / rms) : 1;

  const fadeIn = M.max(1, M.round(opts.fadeInSec * SR));
  const fadeOut = M.max(1, M.round(opts.fadeOutSec * SR));
  const fade = (i: number): number => {
    let f = 1;
    if (i < fadeIn) f = i / fadeIn;
    const fromEnd = n - 1 - i;
    if (fromEnd < fadeOut) f *= 0.5 - 0.5 * M.cos((M.PI * M.max(0, fromEnd)) / fadeOut);
    return f;
  };

  // Required gain per block, then boundary gains that respect both neighbouring blocks, so the linear
  // interpolation inside a block never exceeds what that block allows.
  const req = new Float64Array(nb);
  for (let k = 0; k < nb; k++) {
    const start = k * LIMIT_BLOCK;
    const end = M.min(n, start + LIMIT_BLOCK) - 1;
    const f = M.max(fade(start), fade(end));
    const p = peaks[k]! * g0 * f;
    req[k] = p > opts.ceiling ? opts.ceiling / p : 1;
  }
  const bound = new Float64Array(nb + 1);
  for (let k = 0; k <= nb; k++) bound[k] = M.min(k > 0 ? req[k - 1]! : 1, k < nb ? req[k]! : 1);
  const rel = 1 - M.exp(-LIMIT_BLOCK / (opts.releaseSec * SR));
  const att = 1 - M.exp(-LIMIT_BLOCK / (0.004 * SR));
  for (let k = 1; k <= nb; k++) bound[k] = M.min(bound[k]!, bound[k - 1]! + (1 - bound[k - 1]!) * rel);
  for (let k = nb - 1; k >= 0; k--) bound[k] = M.min(bound[k]!, bound[k + 1]! + (1 - bound[k + 1]!) * att);

  // Pass 2: one gain curve for every stem; the mix is the float32 sum of the processed stems.
  const mixL = new Float32Array(n);
  const mixR = new Float32Array(n);
  const mix = { left: mixL, right: mixR };
  for (let k = 0; k < nb; k++) {
    const start = k * LIMIT_BLOCK;
    const end = M.min(n, start + LIMIT_BLOCK);
    const ga = bound[k]!;
    const gbnd = bound[k + 1]!;
    const inFade = start < fadeIn || end >= n - fadeOut;
    for (let i = start; i < end; i++) {
      const gain = g0 * (ga + ((gbnd - ga) * (i - start)) / LIMIT_BLOCK) * (inFade ? fade(i) : 1);
      // fround gives exactly the float32 values stored in the stems, so the mix is their exact sum.
      const l0 = M.fround(dL[i]! * gd * gain), l1 = M.fround(bL[i]! * gb * gain), l2 = M.fround(cL[i]! * gc * gain);
      const l3 = M.fround(mL[i]! * gm * gain), l4 = M.fround(vL[i]! * gv * gain);
      const r0 = M.fround(dR[i]! * gd * gain), r1 = M.fround(bR[i]! * gb * gain), r2 = M.fround(cR[i]! * gc * gain);
      const r3 = M.fround(mR[i]! * gm * gain), r4 = M.fround(vR[i]! * gv * gain);
      dL[i] = l0; bL[i] = l1; cL[i] = l2; mL[i] = l3; vL[i] = l4;
      dR[i] = r0; bR[i] = r1; cR[i] = r2; mR[i] = r3; vR[i] = r4;
      mixL[i] = l0 + l1 + l2 + l3 + l4;
      mixR[i] = r0 + r1 + r2 + r3 + r4;
    }
    if (onMixed && (end % MIX_PROGRESS_SAMPLES < LIMIT_BLOCK || end === n)) onMixed(mix, end);
  }
  return mix;
}

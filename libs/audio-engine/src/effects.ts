// Stem effects. Each stem gets its own (linear) effects so stems still add up to the mix exactly.
import { SR } from './dsp.js';
import type { StereoBuffer } from './types.js';

// Module-local alias: global lookups are slow inside vm sandboxes (e.g. Jest), and these loops are hot.
const M = Math;

const FDN_LENGTHS = [1116, 1356, 1491, 1617, 1188, 1277, 1422, 1557];

/**
 * 8-line feedback delay network reverb (Walsh-Hadamard mixing, damped loops), run at half the sample rate:
 * the damped tail has little content above 11 kHz, and this halves the cost. The wet signal is added in
 * place; `amount` is the wet level and `rt60` the decay time in seconds.
 */
export function addReverb(buf: StereoBuffer, amount: number, rt60: number, damping = 0.35): void {
  if (amount <= 0) return;
  const L = buf.left;
  const R = buf.right;
  const n = L.length;
  const rate = SR / 2;
  const len = FDN_LENGTHS.map((l) => M.round(l / 2));
  const [n0, n1, n2, n3, n4, n5, n6, n7] = len as [number, number, number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4, b5, b6, b7] = len.map((l) => new Float32Array(l)) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const [g0, g1, g2, g3, g4, g5, g6, g7] = len.map((l) => M.pow(10, (-3 * l) / (rt60 * rate))) as [number, number, number, number, number, number, number, number];
  const d = 1 - damping;
  // A short pre-delay keeps the dry attack clear of the tail.
  const pre = new Float32Array(M.round(0.018 * rate));
  let pi = 0;
  let i0 = 0, i1 = 0, i2 = 0, i3 = 0, i4 = 0, i5 = 0, i6 = 0, i7 = 0;
  let l0 = 0, l1 = 0, l2 = 0, l3 = 0, l4 = 0, l5 = 0, l6 = 0, l7 = 0;
  const wet = amount * 0.35;
  const k = 0.35355339059327373;
  let prevL = 0, prevR = 0;
  for (let i = 0; i + 1 < n; i += 2) {
    const input = pre[pi]!;
    pre[pi] = (L[i]! + R[i]! + L[i + 1]! + R[i + 1]!) * 0.25;
    if (++pi === pre.length) pi = 0;
    l0 += d * (b0[i0]! - l0); l1 += d * (b1[i1]! - l1); l2 += d * (b2[i2]! - l2); l3 += d * (b3[i3]! - l3);
    l4 += d * (b4[i4]! - l4); l5 += d * (b5[i5]! - l5); l6 += d * (b6[i6]! - l6); l7 += d * (b7[i7]! - l7);
    const s01 = l0 + l1, d01 = l0 - l1, s23 = l2 + l3, d23 = l2 - l3, s45 = l4 + l5, d45 = l4 - l5, s67 = l6 + l7, d67 = l6 - l7;
    const a0 = s01 + s23, a1 = d01 + d23, a2 = s01 - s23, a3 = d01 - d23, a4 = s45 + s67, a5 = d45 + d67, a6 = s45 - s67, a7 = d45 - d67;
    b0[i0] = ((a0 + a4) * k + input) * g0; b1[i1] = ((a1 + a5) * k + input) * g1;
    b2[i2] = ((a2 + a6) * k + input) * g2; b3[i3] = ((a3 + a7) * k + input) * g3;
    b4[i4] = ((a0 - a4) * k + input) * g4; b5[i5] = ((a1 - a5) * k + input) * g5;
    b6[i6] = ((a2 - a6) * k + input) * g6; b7[i7] = ((a3 - a7) * k + input) * g7;
    if (++i0 === n0) i0 = 0; if (++i1 === n1) i1 = 0; if (++i2 === n2) i2 = 0; if (++i3 === n3) i3 = 0;
    if (++i4 === n4) i4 = 0; if (++i5 === n5) i5 = 0; if (++i6 === n6) i6 = 0; if (++i7 === n7) i7 = 0;
    const outL = wet * (l0 - l2 + l4 - l6 + l1 * 0.5);
    const outR = wet * (l1 - l3 + l5 - l7 + l2 * 0.5);
    // Linear interpolation back to the full rate.
    L[i] = L[i]! + (prevL + outL) * 0.5;
    R[i] = R[i]! + (prevR + outR) * 0.5;
    L[i + 1] = L[i + 1]! + outL;
    R[i + 1] = R[i + 1]! + outR;
    prevL = outL;
    prevR = outR;
  }
}

/** Tempo-synced ping-pong echo for leads. */
export function addPingPong(buf: StereoBuffer, delaySec: number, feedback: number, mix: number): void {
  if (mix <= 0) return;
  const n = buf.left.length;
  const d = M.max(1, M.round(delaySec * SR));
  const dl = new Float32Array(d);
  const dr = new Float32Array(d);
  let p = 0;
  let lpL = 0, lpR = 0;
  for (let i = 0; i < n; i++) {
    const outL = dl[p]!;
    const outR = dr[p]!;
    const inMono = (buf.left[i]! + buf.right[i]!) * 0.5;
    lpL += 0.4 * (outR - lpL);
    lpR += 0.4 * (outL - lpR);
    dl[p] = inMono + lpL * feedback;
    dr[p] = lpR * feedback;
    if (++p === d) p = 0;
    buf.left[i] = buf.left[i]! + outL * mix;
    buf.right[i] = buf.right[i]! + outR * mix;
  }
}

/** Sidechain-style ducking envelope from kick times (the EDM "pump"), applied to a stem in place. */
export function applyDucking(buf: StereoBuffer, kickTimes: readonly number[], depth: number, releaseSec: number): void {
  if (depth <= 0 || kickTimes.length === 0) return;
  const n = buf.left.length;
  const rel = M.max(1, M.round(releaseSec * SR));
  const attack = M.round(0.004 * SR);
  for (const t of kickTimes) {
    const s = M.round(t * SR);
    const end = M.min(n, s + rel);
    for (let i = M.max(0, s - attack); i < end; i++) {
      const x = i < s ? (s - i) / attack : (i - s) / rel;
      // Smooth curve: full duck at the kick, eased recovery.
      const g = i < s ? 1 - depth * (1 - x) : 1 - depth * (1 - x) * (1 - x);
      buf.left[i] = buf.left[i]! * g;
      buf.right[i] = buf.right[i]! * g;
    }
  }
}

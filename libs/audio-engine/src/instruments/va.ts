// Virtual-analog voices: band-limited wavetable oscillators (with unison) into a state-variable lowpass.
import { SINE_TABLE, softClip, SR, svfCoefs, TABLE_SIZE, wavetable } from '../dsp.js';
import { mix32 } from '../rng.js';
import { audibleGate, BLOCK, Envelope, envBuf, fitRelease, tailSamples } from './patch.js';
import type { NoteTarget, Patch } from './patch.js';

// Module-local alias: global lookups are slow inside vm sandboxes (e.g. Jest), and these loops are hot.
const M = Math;

const coefs = new Float64Array(3);
const oscL = new Float32Array(BLOCK);
const oscR = new Float32Array(BLOCK);

/**
 * Several notes sharing one patch, gate and velocity (a chord) are rendered as one polyphonic voice: every
 * oscillator is summed into a left and a right block buffer, then filtered and enveloped once per side.
 * That costs two filters per chord instead of one per note, and the per-note pans still give width.
 */
export function renderChordVa(
  out: NoteTarget, start: number, gate0: number, freqs: readonly number[], pans: readonly (readonly [number, number])[],
  vel: number, p0: Patch, seed: number,
): void {
  if (start >= out.left.length || gate0 <= 0 || freqs.length === 0) return;
  renderVa(out, start, gate0, freqs, pans, vel, fitRelease(p0, gate0), seed);
}

export function renderVa(
  out: NoteTarget, start: number, gate0: number, freqs: readonly number[], pans: readonly (readonly [number, number])[],
  vel: number, p: Patch, seed: number,
): void {
  const L = out.left;
  const R = out.right;
  const gate = audibleGate(p, gate0);
  const total = M.min(gate + tailSamples(p), L.length - start);
  const unison = M.max(1, p.unison ?? 1);
  const detune = p.detuneCents ?? 0;
  const mix2 = p.wave2 ? (p.wave2Mix ?? 0.5) : 0;
  const perNote = unison + (p.wave2 ? 1 : 0);
  const voices = perNote * freqs.length;
  const incs = new Float64Array(voices);
  const phases = new Float64Array(voices);
  const wL = new Float64Array(voices);
  const wR = new Float64Array(voices);
  const tables: Float32Array[] = [];
  let h = mix32(seed) || 1;
  const uniGain = 1 / M.sqrt(unison);
  const stereo = pans.some((g) => g[0] !== pans[0]![0]);
  let logMean = 0;
  for (let nIdx = 0; nIdx < freqs.length; nIdx++) {
    const freq = freqs[nIdx]!;
    logMean += M.log(freq) / freqs.length;
    const table = wavetable(p.wave ?? 'saw', freq * 1.05);
    const table2 = p.wave2 ? wavetable(p.wave2, freq * 1.05) : null;
    const [pl, pr] = stereo ? pans[nIdx]! : [1, 1];
    for (let u = 0; u < perNote; u++) {
      const v = nIdx * perNote + u;
      const isSecond = u === unison;
      const cents = isSecond || unison === 1 ? 0 : detune * ((2 * u) / (unison - 1) - 1);
      incs[v] = (freq * M.pow(2, cents / 1200)) / SR;
      h = mix32(h + v);
      phases[v] = h / 4294967296; // free-running phases keep unison voices from phasing identically
      const w = isSecond ? mix2 : (1 - mix2) * uniGain;
      wL[v] = w * pl;
      wR[v] = w * pr;
      tables.push(isSecond ? table2! : table);
    }
  }
  const freq = M.exp(logMean);
  const [gl, gr] = stereo ? [1, 1] : pans[0]!;
  const subAmt = p.sub ?? 0;
  const noiseAmt = p.noise ?? 0;
  let subPhase = 0;
  const hasFilter = p.cutoff !== undefined;
  const keyTrack = p.keyTrack ?? 0.5;
  const baseCut = (p.cutoff ?? 20000) * M.pow(freq / 261.6, keyTrack) * (0.6 + 0.4 * vel);
  const fEnvAmt = p.filterEnv ?? 0;
  const fDecay = p.filterDecay ?? 0.3;
  const res = p.resonance ?? 0;
  let lc1 = 0, lc2 = 0, rc1 = 0, rc2 = 0;
  const drive = p.drive ?? 0;
  const driveNorm = drive > 0 ? (1 + drive) / drive : 1;
  const vib = p.vibrato ?? 0;
  const vibRate = p.vibratoRate ?? 5.5;
  const vibDelay = p.vibratoDelay ?? 0.25;
  const trem = p.tremolo ?? 0;
  const tremRate = p.tremoloRate ?? 5;
  const env = new Envelope(p, gate);
  const amp = (vel * p.gain) / M.sqrt(freqs.length);
  let nz = (mix32(seed ^ 0x51f1) | 1) >>> 0;
  for (let b0 = 0; b0 < total; b0 += BLOCK) {
    const t = b0 / SR;
    const bEnd = M.min(total, b0 + BLOCK);
    const len = bEnd - b0;
    let pitchMul = 1;
    if (vib > 0) {
      const depth = vib * M.min(1, M.max(0, (t - vibDelay) / 0.3));
      pitchMul = M.pow(2, (depth * M.sin(2 * M.PI * vibRate * t)) / 12);
    }
    // Oscillators: one voice at a time over the block keeps phase and table in registers.
    oscL.fill(0);
    if (stereo) oscR.fill(0);
    for (let v = 0; v < voices; v++) {
      const tb = tables[v]!;
      const dInc = incs[v]! * pitchMul;
      const a = wL[v]!;
      const b = wR[v]!;
      let ph = phases[v]!;
      if (stereo) {
        for (let i = 0; i < len; i++) {
          ph += dInc;
          if (ph >= 1) ph -= 1;
          const x = ph * TABLE_SIZE;
          const xi = x | 0;
          const t0 = tb[xi]!;
          const y = t0 + (x - xi) * (tb[xi + 1]! - t0);
          oscL[i] = oscL[i]! + a * y;
          oscR[i] = oscR[i]! + b * y;
        }
      } else {
        for (let i = 0; i < len; i++) {
          ph += dInc;
          if (ph >= 1) ph -= 1;
          const x = ph * TABLE_SIZE;
          const xi = x | 0;
          const t0 = tb[xi]!;
          oscL[i] = oscL[i]! + a * (t0 + (x - xi) * (tb[xi + 1]! - t0));
        }
      }
      phases[v] = ph;
    }
    let a1 = 0, a2 = 0, a3 = 0;
    if (hasFilter) {
      svfCoefs(baseCut * (1 + fEnvAmt * M.exp(-t / fDecay)), res, coefs);
      a1 = coefs[0]!; a2 = coefs[1]!; a3 = coefs[2]!;
    }
    const tremMul = trem > 0 ? 1 - trem * (0.5 + 0.5 * M.sin(2 * M.PI * tremRate * t)) : 1;
    env.fill(envBuf, b0, bEnd);
    const g = amp * tremMul;
    const subInc = (freqs[0]! * pitchMul * 0.5) / SR;
    for (let i = 0; i < len; i++) {
      let s = oscL[i]!;
      if (subAmt > 0) {
        subPhase += subInc;
        if (subPhase >= 1) subPhase -= 1;
        s += subAmt * SINE_TABLE[(subPhase * TABLE_SIZE) | 0]!;
      }
      if (noiseAmt > 0) {
        nz ^= nz << 13; nz ^= nz >>> 17; nz ^= nz << 5;
        s += noiseAmt * ((nz | 0) / 2147483648);
      }
      if (hasFilter) {
        const v3 = s - lc2;
        const v1 = a1 * lc1 + a2 * v3;
        const v2 = lc2 + a2 * lc1 + a3 * v3;
        lc1 = 2 * v1 - lc1;
        lc2 = 2 * v2 - lc2;
        s = v2;
      }
      if (drive > 0) s = softClip(s * drive) * driveNorm;
      const e = envBuf[i]! * g;
      const o = start + b0 + i;
      if (!stereo) {
        L[o] = L[o]! + s * e * gl;
        R[o] = R[o]! + s * e * gr;
        continue;
      }
      let r = oscR[i]!;
      if (hasFilter) {
        const v3 = r - rc2;
        const v1 = a1 * rc1 + a2 * v3;
        const v2 = rc2 + a2 * rc1 + a3 * v3;
        rc1 = 2 * v1 - rc1;
        rc2 = 2 * v2 - rc2;
        r = v2;
      }
      if (drive > 0) r = softClip(r * drive) * driveNorm;
      L[o] = L[o]! + s * e;
      R[o] = R[o]! + r * e;
    }
  }
}

// Karplus-Strong plucked strings (guitars, basses), optionally through a shared drive and tone filter.
import { decayCoef, softClip, SR, svfCoefs } from '../dsp.js';
import { mix32 } from '../rng.js';
import { tailSamples } from './patch.js';
import type { NoteTarget, Patch } from './patch.js';

// Module-local alias: global lookups are slow inside vm sandboxes (e.g. Jest).
const M = Math;

const coefs = new Float64Array(3);

/**
 * Karplus-Strong strings. Several strings rendered together share one drive stage, which is what makes a
 * distorted power chord sound like one amp rather than separate clean notes.
 */
export function renderPluck(
  out: NoteTarget, start: number, gate: number, freqs: readonly number[], offsets: readonly number[], vel: number, p: Patch,
  gl: number, gr: number, seed: number,
): void {
  const L = out.left;
  const R = out.right;
  const maxOffset = M.max(0, ...offsets);
  const decayTau = p.pluckDecay ?? 1.5;
  // A string left ringing is inaudible after ~7 time constants, however long the gate.
  const stringGate = M.min(gate, M.ceil(decayTau * 7 * SR));
  const tail = tailSamples(p);
  const total = M.min(stringGate + maxOffset + tail, L.length - start);
  if (total <= 0) return;
  const drive = p.drive ?? 0;
  const driveNorm = drive > 0 ? (1 + drive) / drive : 1;
  const bright = p.pluckBright ?? 0.5;
  const relCoef = decayCoef(p.release);
  const amp = vel * p.gain / M.sqrt(freqs.length);
  const mono = drive > 0 || p.cutoff !== undefined ? new Float32Array(total) : null;
  for (let s = 0; s < freqs.length; s++) {
    const f = M.min(freqs[s]!, SR / 4);
    const delay = SR / f - 0.5; // the averaging loop filter adds half a sample
    const di = M.floor(delay);
    const frac = delay - di;
    let size = 1;
    while (size < di + 4) size <<= 1;
    const mask = size - 1;
    const buf = new Float32Array(size);
    // Excitation: lowpassed noise burst; darker for low brightness.
    let nz = (mix32(seed + s * 7919) | 1) >>> 0;
    let lp = 0;
    const lpA = 0.1 + 0.85 * bright;
    for (let i = 0; i <= di; i++) {
      nz ^= nz << 13; nz ^= nz >>> 17; nz ^= nz << 5;
      lp += lpA * ((nz | 0) / 2147483648 - lp);
      buf[i] = lp;
    }
    const loopGain = M.exp(-delay / (decayTau * SR));
    const off = offsets[s] ?? 0;
    let w = di + 1;
    let prev = 0;
    let rel = 1;
    const end = M.min(total - off, stringGate + tail);
    for (let i = 0; i < end; i++) {
      const r0 = buf[(w - di) & mask]!;
      const r1 = buf[(w - di - 1) & mask]!;
      const y = r0 + frac * (r1 - r0);
      const filtered = (y + prev) * 0.5 * loopGain;
      prev = y;
      buf[w & mask] = filtered;
      w++;
      let fade = 1;
      if (i >= stringGate) {
        rel *= relCoef;
        fade = 1 - (i - stringGate) / tail;
      }
      const v = y * amp * rel * fade;
      if (mono) mono[i + off] = mono[i + off]! + v;
      else {
        const o = start + off + i;
        L[o] = L[o]! + v * gl;
        R[o] = R[o]! + v * gr;
      }
    }
  }
  if (mono) {
    let ic1 = 0, ic2 = 0;
    let a1 = 0, a2 = 0, a3 = 0;
    const hasFilter = p.cutoff !== undefined;
    if (hasFilter) {
      svfCoefs(p.cutoff!, p.resonance ?? 0, coefs);
      a1 = coefs[0]!; a2 = coefs[1]!; a3 = coefs[2]!;
    }
    for (let i = 0; i < total; i++) {
      let s = mono[i]!;
      if (drive > 0) s = softClip(s * drive) * driveNorm * 0.5;
      if (hasFilter) {
        const v3 = s - ic2;
        const v1 = a1 * ic1 + a2 * v3;
        const v2 = ic2 + a2 * ic1 + a3 * v3;
        ic1 = 2 * v1 - ic1;
        ic2 = 2 * v2 - ic2;
        s = v2;
      }
      L[start + i] = L[start + i]! + s * gl;
      R[start + i] = R[start + i]! + s * gr;
    }
  }
}

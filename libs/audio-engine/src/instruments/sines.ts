// Sine-based voices: two-operator FM (electric piano, bells, vibraphone) and the 808-style pitched sine.
import { SINE_TABLE, softClip, SR, TABLE_SIZE } from '../dsp.js';
import { audibleGate, BLOCK, Envelope, envBuf, tailSamples } from './patch.js';
import type { NoteTarget, Patch } from './patch.js';

// Module-local alias: global lookups are slow inside vm sandboxes (e.g. Jest), and these loops are hot.
const M = Math;

export function renderFm(out: NoteTarget, start: number, gate0: number, freq: number, vel: number, p: Patch, gl: number, gr: number): void {
  const L = out.left;
  const R = out.right;
  const gate = audibleGate(p, gate0);
  const total = M.min(gate + tailSamples(p), L.length - start);
  const ratio = p.fmRatio ?? 1;
  const index0 = (p.fmIndex ?? 1) * (0.5 + 0.5 * vel);
  const indexSus = p.fmSustainIndex ?? 0;
  const idxDecay = p.fmIndexDecay ?? 0.3;
  const env = new Envelope(p, gate);
  const amp = vel * p.gain;
  const cInc = freq / SR;
  const mInc = (freq * ratio) / SR;
  const trem = p.tremolo ?? 0;
  const tremRate = p.tremoloRate ?? 5;
  let pc = 0, pm = 0;
  const N = TABLE_SIZE;
  for (let b0 = 0; b0 < total; b0 += BLOCK) {
    const t = b0 / SR;
    // Index in cycles: the modulator shifts the carrier phase by up to index/(2*pi) of a cycle.
    const index = (indexSus + (index0 - indexSus) * M.exp(-t / idxDecay)) / (2 * M.PI);
    const tremMul = trem > 0 ? 1 - trem * (0.5 + 0.5 * M.sin(2 * M.PI * tremRate * t)) : 1;
    const bEnd = M.min(total, b0 + BLOCK);
    env.fill(envBuf, b0, bEnd);
    const g = amp * tremMul;
    for (let i = b0; i < bEnd; i++) {
      pm += mInc;
      if (pm >= 1) pm -= 1;
      pc += cInc;
      if (pc >= 1) pc -= 1;
      const m = SINE_TABLE[(pm * N) | 0]!;
      let ph = pc + index * m;
      ph -= M.floor(ph);
      const y = SINE_TABLE[(ph * N) | 0]! * envBuf[i - b0]! * g;
      L[start + i] = L[start + i]! + y * gl;
      R[start + i] = R[start + i]! + y * gr;
    }
  }
}

export function renderSub(out: NoteTarget, start: number, gate0: number, freq: number, vel: number, p: Patch, gl: number, gr: number): void {
  const L = out.left;
  const R = out.right;
  const gate = audibleGate(p, gate0);
  const total = M.min(gate + tailSamples(p), L.length - start);
  const env = new Envelope(p, gate);
  const drop = M.pow(2, (p.pitchDrop ?? 0) / 12) - 1;
  const dropTime = p.pitchDropTime ?? 0.04;
  const drive = p.drive ?? 0;
  const driveNorm = drive > 0 ? (1 + drive) / drive : 1;
  const amp = vel * p.gain;
  let ph = 0;
  for (let b0 = 0; b0 < total; b0 += BLOCK) {
    const inc = (freq * (1 + drop * M.exp(-b0 / SR / dropTime))) / SR;
    const bEnd = M.min(total, b0 + BLOCK);
    env.fill(envBuf, b0, bEnd);
    for (let i = b0; i < bEnd; i++) {
      ph += inc;
      if (ph >= 1) ph -= 1;
      let s = SINE_TABLE[(ph * TABLE_SIZE) | 0]!;
      if (drive > 0) s = softClip(s * drive) * driveNorm;
      const y = s * envBuf[i - b0]! * amp;
      L[start + i] = L[start + i]! + y * gl;
      R[start + i] = R[start + i]! + y * gr;
    }
  }
}

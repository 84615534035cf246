// The patch description shared by every note renderer, and the envelope they all use.
import { decayCoef, SR } from '../dsp.js';
import type { WaveName } from '../dsp.js';

/** Control-rate block: vibrato, filter sweeps and envelopes are evaluated once per BLOCK samples. */
export const BLOCK = 32;

export interface Patch {
  kind: 'va' | 'fm' | 'pluck' | 'sub';
  gain: number;
  attack: number;
  /** Decay time constant (s) from peak towards sustain. */
  decay: number;
  sustain: number;
  /** Release time constant (s) after the gate closes. */
  release: number;
  wave?: WaveName;
  wave2?: WaveName;
  wave2Mix?: number;
  unison?: number;
  detuneCents?: number;
  sub?: number;
  noise?: number;
  /** Lowpass cutoff in Hz; omitted means unfiltered. */
  cutoff?: number;
  filterEnv?: number;
  filterDecay?: number;
  keyTrack?: number;
  resonance?: number;
  drive?: number;
  vibrato?: number;
  vibratoRate?: number;
  vibratoDelay?: number;
  tremolo?: number;
  tremoloRate?: number;
  fmRatio?: number;
  fmIndex?: number;
  fmIndexDecay?: number;
  fmSustainIndex?: number;
  pluckBright?: number;
  /** Seconds for a string to decay by 1/e. */
  pluckDecay?: number;
  pitchDrop?: number;
  pitchDropTime?: number;
}

export interface NoteTarget {
  left: Float32Array;
  right: Float32Array;
}

/** Short notes get proportionally short releases: long pad tails on arpeggios only smear (and cost CPU). */
export function fitRelease(p: Patch, gateSamples: number): Patch {
  const maxRelease = 0.15 + (0.6 * gateSamples) / SR;
  return p.release > maxRelease ? { ...p, release: maxRelease } : p;
}

/** Release tail length: ~-26 dB of exponential release, finished by a short linear fade (no click). */
export function tailSamples(p: Patch): number {
  return Math.ceil(Math.max(0.01, p.release) * 3 * SR);
}

/** Notes without sustain are inaudible long before a long gate closes; stop rendering them early. */
export function audibleGate(p: Patch, gate: number): number {
  if (p.sustain > 0) return gate;
  return Math.min(gate, Math.ceil((p.attack + p.decay * 6) * SR));
}

/**
 * Amplitude envelope rendered per block into a scratch buffer: linear attack, exponential decay towards
 * sustain, exponential release that is faded linearly to exact silence at the end of the tail.
 */
export class Envelope {
  private readonly att: number;
  private readonly dCoef: number;
  private readonly rCoef: number;
  private readonly sus: number;
  private readonly tail: number;
  private dec = 1;
  private rel = 1;
  private gateLevel = 0;

  constructor(p: Patch, private readonly gate: number) {
    this.att = Math.max(1, Math.round(p.attack * SR));
    this.dCoef = decayCoef(p.decay);
    this.rCoef = decayCoef(p.release);
    this.sus = p.sustain;
    this.tail = tailSamples(p);
  }

  /** Fills out[0..end-start) with envelope values for samples [start, end). */
  fill(out: Float32Array, start: number, end: number): void {
    const { att, gate, sus, dCoef, rCoef, tail } = this;
    let dec = this.dec;
    let rel = this.rel;
    let level = this.gateLevel;
    for (let i = start; i < end; i++) {
      let v: number;
      if (i < gate) {
        if (i < att) v = i / att;
        else {
          dec *= dCoef;
          v = sus + (1 - sus) * dec;
        }
        level = v;
      } else {
        rel *= rCoef;
        v = level * rel * (1 - (i - gate) / tail);
      }
      out[i - start] = v;
    }
    this.dec = dec;
    this.rel = rel;
    this.gateLevel = level;
  }

}

/** Scratch envelope block shared by the renderers (single-threaded, filled before each use). */
export const envBuf = new Float32Array(BLOCK);

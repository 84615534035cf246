// Formant singing voice: a band-limited glottal source plus breath noise through three parallel resonators
// whose centre frequencies follow the vowel, with scooped pitch onsets, delayed vibrato and consonant noise.
import { SR, TABLE_SIZE, wavetable } from '../dsp.js';
import type { Onset, Vowel } from '../lyrics.js';
import { mix32 } from '../rng.js';
import { midiToFreq } from '../theory.js';
import type { StereoBuffer } from '../types.js';

// Module-local alias: global lookups are slow inside vm sandboxes (e.g. Jest), and these loops are hot.
const M = Math;

const BLOCK = 32;

/** Adult male formants (Hz) and relative amplitudes; female voices scale the frequencies up. */
const FORMANTS: Record<Vowel, { f: [number, number, number]; a: [number, number, number] }> = {
  a: { f: [730, 1090, 2440], a: [1, 0.75, 0.5] },
  e: { f: [530, 1840, 2480], a: [1, 0.65, 0.55] },
  i: { f: [300, 2250, 3000], a: [1, 0.55, 0.55] },
  o: { f: [570, 840, 2410], a: [1, 0.75, 0.35] },
  u: { f: [320, 800, 2240], a: [1, 0.55, 0.3] },
};
const NASAL: [number, number, number] = [260, 1100, 2500];
const LIQUID: [number, number, number] = [360, 1300, 2700];
const BANDWIDTH: [number, number, number] = [80, 100, 140];

export interface VoiceSettings {
  formantScale: number;
  breathiness: number;
  vibratoDepth: number;
  brightness: number;
}

export function voiceSettings(voice: 'female' | 'male', timbre: Record<string, number>): VoiceSettings {
  const t = (k: string): number => {
    const v = timbre[k];
    return typeof v === 'number' && Number.isFinite(v) ? M.max(-1, M.min(1, v)) : 0;
  };
  return {
    formantScale: (voice === 'female' ? 1.17 : 1) * (1 + 0.12 * t('formantShift')),
    breathiness: M.max(0, 0.07 + 0.06 * t('breathiness')),
    vibratoDepth: M.max(0, 0.32 * (1 + 0.6 * t('vibrato'))),
    brightness: 1 + 0.4 * t('brightness'),
  };
}

export interface SungNote {
  time: number;
  dur: number;
  midi: number;
  velocity: number;
  vowel: Vowel;
  onset: Onset;
  pan: number;
}

/** Resonator coefficients (constant 0 dB peak bandpass) written into c at offset o. */
function resonator(freq: number, bw: number, c: Float64Array, o: number): void {
  const f = M.min(freq, SR * 0.45);
  const w0 = (2 * M.PI * f) / SR;
  const q = f / bw;
  const alpha = M.sin(w0) / (2 * q);
  const a0 = 1 + alpha;
  c[o] = alpha / a0;
  c[o + 1] = (-2 * M.cos(w0)) / a0;
  c[o + 2] = (1 - alpha) / a0;
}

const coef = new Float64Array(9);

export function renderVoiceNote(out: StereoBuffer, n: SungNote, vs: VoiceSettings, pitchShift: number, seed: number): void {
  const L = out.left;
  const R = out.right;
  const start = M.round(n.time * SR);
  if (start >= L.length) return;
  const gate = M.max(1, M.round(n.dur * SR));
  const release = M.round(0.09 * SR);
  const total = M.min(gate + release, L.length - start);
  const freq = midiToFreq(n.midi + pitchShift);
  const table = wavetable('glottal', freq * 1.1);
  const target = FORMANTS[n.vowel];
  const consLen = n.onset === 'fricative' ? 0.07 : n.onset === 'plosive' ? 0.035 : n.onset === 'none' ? 0 : 0.06;
  const consSamples = M.round(consLen * SR);
  const from = n.onset === 'nasal' ? NASAL : n.onset === 'liquid' ? LIQUID : target.f;
  const fs = vs.formantScale;
  const [gl, gr] = [M.cos(((n.pan + 1) * M.PI) / 4), M.sin(((n.pan + 1) * M.PI) / 4)];
  let ph = 0;
  let x1a = 0, x2a = 0, y1a = 0, y2a = 0;
  let y1b = 0, y2b = 0, y1c = 0, y2c = 0;
  let nz = (mix32(seed) | 1) >>> 0;
  let hp = 0, hpPrev = 0;
  const attack = M.round(0.035 * SR);
  const amp = n.velocity * 0.9;
  const vibRate = 5.2 + ((mix32(seed ^ 0x77) % 100) / 100) * 0.8;
  const brightA3 = target.a[2] * vs.brightness;
  for (let b0 = 0; b0 < total; b0 += BLOCK) {
    const t = b0 / SR;
    // Scoop up into the note, then let vibrato bloom once the note is held.
    const scoop = -0.45 * M.exp(-t / 0.05);
    const vib = vs.vibratoDepth * M.min(1, M.max(0, (t - 0.22) / 0.3)) * M.sin(2 * M.PI * vibRate * t);
    const inc = (freq * M.pow(2, (scoop + vib) / 12)) / SR;
    const morph = consSamples > 0 && n.onset !== 'plosive' && n.onset !== 'fricative' ? M.min(1, b0 / (consSamples + 0.06 * SR)) : 1;
    for (let k = 0; k < 3; k++) resonator((from[k]! + (target.f[k]! - from[k]!) * morph) * fs, BANDWIDTH[k]! * (1 + 0.3 * (fs - 1)), coef, k * 3);
    const bA = coef[0]!, a1A = coef[1]!, a2A = coef[2]!;
    const bB = coef[3]!, a1B = coef[4]!, a2B = coef[5]!;
    const bC = coef[6]!, a1C = coef[7]!, a2C = coef[8]!;
    const nasalDamp = n.onset === 'nasal' ? 0.45 + 0.55 * morph : 1;
    const bEnd = M.min(total, b0 + BLOCK);
    for (let i = b0; i < bEnd; i++) {
      ph += inc;
      if (ph >= 1) ph -= 1;
      const x = ph * TABLE_SIZE;
      const xi = x | 0;
      const src = table[xi]! + (x - xi) * (table[xi + 1]! - table[xi]!);
      nz ^= nz << 13; nz ^= nz >>> 17; nz ^= nz << 5;
      const noise = (nz | 0) / 2147483648;
      // Voicing starts after unvoiced consonants; breath noise rides on the open phase of the glottis.
      const voiced = i < consSamples && (n.onset === 'fricative' || n.onset === 'plosive') ? 0 : 1;
      const exc = voiced * (src + vs.breathiness * noise * (ph < 0.5 ? 1.4 : 0.6));
      // Three resonators share the same input (b1 = 0, b2 = -b0 for the bandpass form).
      const ya = bA * exc - bA * x2a - a1A * y1a - a2A * y2a;
      const yb = bB * exc - bB * x2a - a1B * y1b - a2B * y2b;
      const yc = bC * exc - bC * x2a - a1C * y1c - a2C * y2c;
      x2a = x1a; x1a = exc;
      y2a = y1a; y1a = ya;
      y2b = y1b; y1b = yb;
      y2c = y1c; y1c = yc;
      let s = (ya * target.a[0] + yb * target.a[1] + yc * brightA3) * nasalDamp;
      if (i < consSamples && voiced === 0) {
        hp = 0.6 * (hp + noise - hpPrev);
        hpPrev = noise;
        const burst = n.onset === 'plosive' ? (i > consSamples * 0.6 ? 1 : 0.05) : 0.5;
        s += hp * burst * 0.35;
      }
      let env: number;
      if (i < attack) env = i / attack;
      else if (i < gate) env = 1;
      else env = 1 - (i - gate) / release;
      const y = s * env * amp * 2.2;
      L[start + i]! += y * gl;
      R[start + i]! += y * gr;
    }
  }
}

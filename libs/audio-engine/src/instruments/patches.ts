// Instrument names (as listed in SongParams.instruments) mapped to synth patches.
import type { Patch } from './synth.js';

const PATCHES: Record<string, Patch> = {
  // Bass
  'electric bass': { kind: 'pluck', gain: 1.6, attack: 0, decay: 1, sustain: 1, release: 0.04, pluckBright: 0.25, pluckDecay: 1.2, cutoff: 900 },
  'upright bass': { kind: 'pluck', gain: 1.8, attack: 0, decay: 1, sustain: 1, release: 0.05, pluckBright: 0.12, pluckDecay: 0.7, cutoff: 700 },
  'synth bass': { kind: 'va', gain: 0.9, wave: 'saw', wave2: 'square', wave2Mix: 0.4, attack: 0.004, decay: 0.4, sustain: 0.6, release: 0.05, cutoff: 260, filterEnv: 5, filterDecay: 0.12, keyTrack: 0.3, resonance: 0.3, sub: 0.5 },
  'acid bass': { kind: 'va', gain: 0.8, wave: 'saw', attack: 0.003, decay: 0.3, sustain: 0.7, release: 0.04, cutoff: 220, filterEnv: 10, filterDecay: 0.1, keyTrack: 0.3, resonance: 0.78, drive: 1.5 },
  '808 bass': { kind: 'sub', gain: 1.1, attack: 0.003, decay: 0.9, sustain: 0.35, release: 0.12, pitchDrop: 7, pitchDropTime: 0.025, drive: 1.6 },
  'reese bass': { kind: 'va', gain: 0.8, wave: 'saw', unison: 3, detuneCents: 16, attack: 0.01, decay: 1, sustain: 0.9, release: 0.08, cutoff: 420, keyTrack: 0.2, resonance: 0.15, drive: 1.2, sub: 0.6 },
  'sub bass': { kind: 'va', gain: 1.1, wave: 'sine', wave2: 'triangle', wave2Mix: 0.25, attack: 0.01, decay: 1, sustain: 0.9, release: 0.08 },
  'cello section': { kind: 'va', gain: 0.9, wave: 'saw', unison: 3, detuneCents: 8, attack: 0.09, decay: 1, sustain: 0.9, release: 0.25, cutoff: 700, keyTrack: 0.4, vibrato: 0.08, vibratoRate: 5.2, vibratoDelay: 0.15 },
  // Chords
  'grand piano': { kind: 'va', gain: 0.55, wave: 'piano', unison: 2, detuneCents: 2, attack: 0.002, decay: 1.6, sustain: 0, release: 0.25, cutoff: 900, filterEnv: 5, filterDecay: 0.45, keyTrack: 0.8 },
  'electric piano': { kind: 'fm', gain: 0.55, fmRatio: 1, fmIndex: 1.8, fmIndexDecay: 0.35, fmSustainIndex: 0.25, attack: 0.002, decay: 1.8, sustain: 0.05, release: 0.25, tremolo: 0.12, tremoloRate: 4.5 },
  'warm pad': { kind: 'va', gain: 0.45, wave: 'saw', unison: 3, detuneCents: 11, attack: 0.35, decay: 1, sustain: 0.9, release: 0.7, cutoff: 900, keyTrack: 0.3, resonance: 0.1 },
  'string ensemble': { kind: 'va', gain: 0.45, wave: 'saw', unison: 3, detuneCents: 9, attack: 0.25, decay: 1, sustain: 0.9, release: 0.45, cutoff: 1800, keyTrack: 0.3, vibrato: 0.06, vibratoRate: 5.4 },
  supersaw: { kind: 'va', gain: 0.42, wave: 'saw', unison: 4, detuneCents: 18, attack: 0.01, decay: 0.8, sustain: 0.75, release: 0.3, cutoff: 2600, filterEnv: 1, filterDecay: 0.3, keyTrack: 0.2 },
  'pluck synth': { kind: 'va', gain: 0.55, wave: 'saw', wave2: 'square', wave2Mix: 0.3, attack: 0.002, decay: 0.28, sustain: 0, release: 0.2, cutoff: 500, filterEnv: 8, filterDecay: 0.12, keyTrack: 0.5, resonance: 0.2 },
  'clean electric guitar': { kind: 'pluck', gain: 1.1, attack: 0, decay: 1, sustain: 1, release: 0.08, pluckBright: 0.55, pluckDecay: 1.4, cutoff: 3200 },
  'acoustic guitar': { kind: 'pluck', gain: 1.1, attack: 0, decay: 1, sustain: 1, release: 0.12, pluckBright: 0.75, pluckDecay: 1.6 },
  'distorted guitar': { kind: 'pluck', gain: 1.4, attack: 0, decay: 1, sustain: 1, release: 0.03, pluckBright: 0.85, pluckDecay: 3, drive: 9, cutoff: 3000, resonance: 0.2 },
  organ: { kind: 'va', gain: 0.4, wave: 'organ', attack: 0.008, decay: 1, sustain: 1, release: 0.06, vibrato: 0.04, vibratoRate: 6.5, vibratoDelay: 0 },
  bell: { kind: 'fm', gain: 0.45, fmRatio: 3.5, fmIndex: 2.2, fmIndexDecay: 0.6, attack: 0.001, decay: 1.4, sustain: 0, release: 0.6 },
  // Leads
  'saw lead': { kind: 'va', gain: 0.5, wave: 'saw', unison: 2, detuneCents: 7, attack: 0.01, decay: 0.5, sustain: 0.8, release: 0.12, cutoff: 1800, filterEnv: 1.5, filterDecay: 0.2, keyTrack: 0.6, resonance: 0.2, vibrato: 0.15, vibratoDelay: 0.2 },
  'square lead': { kind: 'va', gain: 0.45, wave: 'square', attack: 0.008, decay: 0.5, sustain: 0.75, release: 0.1, cutoff: 2200, keyTrack: 0.5, vibrato: 0.12, vibratoDelay: 0.25 },
  flute: { kind: 'va', gain: 0.6, wave: 'triangle', wave2: 'sine', wave2Mix: 0.5, noise: 0.06, attack: 0.06, decay: 1, sustain: 0.9, release: 0.12, cutoff: 2600, keyTrack: 0.3, vibrato: 0.18, vibratoRate: 5, vibratoDelay: 0.2 },
  pluck: { kind: 'va', gain: 0.55, wave: 'saw', attack: 0.002, decay: 0.3, sustain: 0.05, release: 0.25, cutoff: 700, filterEnv: 7, filterDecay: 0.1, keyTrack: 0.6, resonance: 0.25 },
  'lead guitar': { kind: 'pluck', gain: 1.1, attack: 0, decay: 1, sustain: 1, release: 0.06, pluckBright: 0.9, pluckDecay: 4, drive: 6, cutoff: 3400, resonance: 0.25 },
  violin: { kind: 'va', gain: 0.5, wave: 'saw', attack: 0.08, decay: 1, sustain: 0.9, release: 0.18, cutoff: 2800, keyTrack: 0.3, resonance: 0.15, vibrato: 0.22, vibratoRate: 5.6, vibratoDelay: 0.12 },
  vibraphone: { kind: 'fm', gain: 0.55, fmRatio: 4, fmIndex: 0.9, fmIndexDecay: 0.15, fmSustainIndex: 0.05, attack: 0.001, decay: 1.6, sustain: 0, release: 0.5, tremolo: 0.25, tremoloRate: 5.5 },
  brass: { kind: 'va', gain: 0.5, wave: 'brass', unison: 2, detuneCents: 5, attack: 0.04, decay: 0.6, sustain: 0.8, release: 0.12, cutoff: 700, filterEnv: 2.5, filterDecay: 0.12, keyTrack: 0.7, vibrato: 0.1, vibratoDelay: 0.3 },
};

/** Returns a copy so callers can adjust brightness without touching the shared table. */
export function patchFor(instrument: string, brightness = 0.6): Patch {
  const base = PATCHES[instrument] ?? PATCHES['warm pad']!;
  const p: Patch = { ...base };
  if (p.cutoff !== undefined) p.cutoff *= 0.6 + 0.8 * brightness;
  return p;
}

export function isPluckInstrument(instrument: string): boolean {
  return PATCHES[instrument]?.kind === 'pluck';
}

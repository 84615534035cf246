// Song form: the step grid, the section plan (intro/verse/chorus/bridge/outro) and the chord timeline.
import type { Chord } from './theory.js';
import type { TimeSignature } from './types.js';

export type SectionType = 'intro' | 'verse' | 'chorus' | 'bridge' | 'outro';

export interface Grid {
  stepsPerBar: number;
  stepsPerBeat: number;
  beatsPerBar: number;
  stepSec: number;
  barSec: number;
  /** Fraction of a swing unit by which off-beats are late. */
  swing: number;
  swingUnit: 8 | 16;
  totalBars: number;
}

export interface Section {
  type: SectionType;
  startBar: number;
  bars: number;
  /** 0..1 arrangement fullness. */
  energy: number;
  /** How many sections of the same type came before (verse 2 has occurrence 1). */
  occurrence: number;
  index: number;
}

export interface ChordSlot {
  startStep: number;
  steps: number;
  chord: Chord;
  section: Section;
  /** True for the closing tonic chord of the song. */
  final: boolean;
}

export interface NoteEvent {
  time: number;
  dur: number;
  midi: number;
  velocity: number;
}

export function makeGrid(ts: TimeSignature, bpm: number, durationSeconds: number, swing: number, swingUnit: 8 | 16): Grid {
  let stepsPerBeat = 4;
  let beatsPerBar = 4;
  let stepSec = 60 / bpm / 4;
  if (ts === '3/4') beatsPerBar = 3;
  if (ts === '6/8') {
    // Two dotted-quarter beats of six sixteenths each; the tempo counts dotted quarters.
    stepsPerBeat = 6;
    beatsPerBar = 2;
    stepSec = 60 / bpm / 6;
  }
  const stepsPerBar = stepsPerBeat * beatsPerBar;
  const barSec = stepSec * stepsPerBar;
  return {
    stepsPerBar, stepsPerBeat, beatsPerBar, stepSec, barSec,
    swing: ts === '6/8' ? 0 : swing, swingUnit,
    totalBars: Math.max(1, Math.ceil(durationSeconds / barSec - 1e-9)),
  };
}

/** Time in seconds of a global step index (fractional steps allowed for rolls), with swing applied. */
export function stepTime(g: Grid, step: number): number {
  let t = step * g.stepSec;
  if (g.swing > 0) {
    const s = Math.round(step) % g.stepsPerBeat;
    if (Number.isInteger(step)) {
      if (g.swingUnit === 16 && s % 2 === 1) t += g.swing * g.stepSec;
      if (g.swingUnit === 8 && s === g.stepsPerBeat / 2) t += g.swing * 2 * g.stepSec;
    }
  }
  return t;
}

/** Songs at least this many bars long end on a held tonic bar (shorter clips just fade). */
export const FINAL_BAR_MIN = 6;

const BASE_ENERGY: Record<SectionType, number> = { intro: 0.3, verse: 0.6, chorus: 1, bridge: 0.5, outro: 0.35 };

function middleTypes(n: number): SectionType[] {
  const table: Record<number, SectionType[]> = {
    1: ['chorus'],
    2: ['verse', 'chorus'],
    3: ['verse', 'chorus', 'chorus'],
    4: ['verse', 'chorus', 'verse', 'chorus'],
    5: ['verse', 'chorus', 'verse', 'chorus', 'chorus'],
    6: ['verse', 'chorus', 'verse', 'chorus', 'bridge', 'chorus'],
    7: ['verse', 'chorus', 'verse', 'chorus', 'bridge', 'chorus', 'chorus'],
  };
  if (table[n]) return table[n]!;
  // Longer songs cycle verse/chorus pairs with a bridge (solo or breakdown) after every second chorus,
  // and always end on a double chorus.
  const cycle: SectionType[] = ['verse', 'chorus', 'verse', 'chorus', 'bridge'];
  const types = Array.from({ length: n - 2 }, (_, i) => cycle[i % cycle.length]!);
  if (types[types.length - 1] === 'chorus') types[types.length - 1] = 'bridge';
  return [...types, 'chorus', 'chorus'];
}

/** Splits the song into sections; lengths follow the progression so phrases line up with the harmony. */
export function planSections(totalBars: number, progressionBars: number): Section[] {
  const intro = totalBars >= 24 ? 4 : totalBars >= 10 ? 2 : totalBars >= 6 ? 1 : 0;
  const outro = totalBars >= 24 ? 4 : totalBars >= 12 ? 2 : 0;
  const middle = totalBars - intro - outro;
  const unit = progressionBars >= 8 ? progressionBars : middle <= 20 ? 4 : 8;
  const n = Math.max(1, Math.round(middle / unit));
  const types = middleTypes(n);
  const plan: { type: SectionType; bars: number }[] = [];
  if (intro > 0) plan.push({ type: 'intro', bars: intro });
  let used = 0;
  types.forEach((type, i) => {
    const bars = i === types.length - 1 ? middle - used : unit;
    used += bars;
    plan.push({ type, bars });
  });
  if (outro > 0) plan.push({ type: 'outro', bars: outro });
  const counts: Partial<Record<SectionType, number>> = {};
  const sections: Section[] = [];
  let bar = 0;
  for (const p of plan) {
    if (p.bars <= 0) continue;
    const occurrence = counts[p.type] ?? 0;
    counts[p.type] = occurrence + 1;
    sections.push({ type: p.type, startBar: bar, bars: p.bars, energy: BASE_ENERGY[p.type], occurrence, index: sections.length });
    bar += p.bars;
  }
  return sections;
}

export function sectionAtBar(sections: readonly Section[], bar: number): Section {
  for (const s of sections) if (bar >= s.startBar && bar < s.startBar + s.bars) return s;
  return sections[sections.length - 1]!;
}

/** The chord timeline: the progression restarts at each section; bridges start halfway through it. */
export function buildChordSlots(g: Grid, sections: readonly Section[], chords: readonly Chord[], chordBars: number, tonic: Chord): ChordSlot[] {
  const slots: ChordSlot[] = [];
  const slotSteps = Math.max(1, Math.round(chordBars * g.stepsPerBar));
  const lastBar = g.totalBars - 1;
  for (const section of sections) {
    const start = section.startBar * g.stepsPerBar;
    const end = (section.startBar + section.bars) * g.stepsPerBar;
    const rotate = section.type === 'bridge' ? Math.floor(chords.length / 2) : 0;
    let k = 0;
    for (let step = start; step < end; step += slotSteps, k++) {
      const steps = Math.min(slotSteps, end - step);
      const chord = chords[(k + rotate) % chords.length]!;
      slots.push({ startStep: step, steps, chord, section, final: false });
    }
  }
  // Close on the tonic so the ending resolves, whatever bar the progression reached.
  if (g.totalBars >= FINAL_BAR_MIN) {
    const finalStart = lastBar * g.stepsPerBar;
    const kept = slots.filter((s) => s.startStep < finalStart);
    const prev = kept[kept.length - 1];
    if (prev && prev.startStep + prev.steps > finalStart) prev.steps = finalStart - prev.startStep;
    kept.push({ startStep: finalStart, steps: g.stepsPerBar, chord: tonic, section: sectionAtBar(sections, lastBar), final: true });
    return kept;
  }
  return slots;
}

export function chordAtStep(slots: readonly ChordSlot[], step: number): ChordSlot {
  let lo = 0;
  let hi = slots.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (slots[mid]!.startStep <= step) lo = mid;
    else hi = mid - 1;
  }
  return slots[lo]!;
}

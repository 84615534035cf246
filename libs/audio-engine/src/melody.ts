// Melody writing: motifs (rhythm + contour) reused across phrases and sections, fitted to the chords.
import { chordAtStep, stepTime } from './arrangement.js';
import type { ChordSlot, Grid, NoteEvent, Section, SectionType } from './arrangement.js';
import type { LyricLine, LyricSheet, Onset, Vowel } from './lyrics.js';
import type { Rng } from './rng.js';
import { chordIntervals, degreeToMidi } from './theory.js';

export interface VocalNote extends NoteEvent {
  vowel: Vowel;
  onset: Onset;
  harmony: boolean;
}

interface RhythmNote {
  step: number;
  len: number;
}

interface Motif {
  rhythm: RhythmNote[];
  /** Scale-degree movement from the first note. */
  contour: number[];
}

export interface MelodyEnv {
  grid: Grid;
  slots: readonly ChordSlot[];
  sections: readonly Section[];
  scale: readonly number[];
  tonicPc: number;
}

/** Semitone windows above the register's tonic: choruses sit higher than verses. */
const RANGES: Record<SectionType, [number, number]> = {
  intro: [0, 12], verse: [-2, 10], chorus: [3, 15], bridge: [0, 13], outro: [0, 12],
};

export function phraseSteps(g: Grid): number {
  return g.barSec >= 3.2 ? g.stepsPerBar : g.stepsPerBar * 2;
}

function stepWeight(g: Grid, s: number): number {
  if (s % g.stepsPerBar === 0) return 1;
  if (s % g.stepsPerBeat === 0) return 0.8;
  const half = g.stepsPerBeat === 6 ? 2 : g.stepsPerBeat / 2;
  if (s % half === 0) return 0.5;
  return 0.16;
}

/** Picks `count` onsets in a phrase (strong beats favoured) and gives each note the time until the next. */
export function makeRhythm(g: Grid, steps: number, count: number, rng: Rng): RhythmNote[] {
  const breath = Math.max(2, Math.floor(g.stepsPerBeat / 2));
  const usable = Math.max(1, steps - breath);
  const n = Math.max(1, Math.min(count, usable));
  const scored: { s: number; w: number }[] = [];
  for (let s = 0; s < usable; s++) scored.push({ s, w: stepWeight(g, s) * (0.45 + rng.next()) + (s === 0 ? 0.3 : 0) });
  scored.sort((a, b) => b.w - a.w || a.s - b.s);
  const onsets = scored.slice(0, n).map((x) => x.s).sort((a, b) => a - b);
  return onsets.map((s, i) => {
    const next = onsets[i + 1] ?? steps - breath + 1;
    return { step: s, len: Math.max(1, next - s) };
  });
}

function makeContour(count: number, rng: Rng, span: number): number[] {
  const out = [0];
  let d = 0;
  for (let i = 1; i < count; i++) {
    const arc = i < count / 2 ? 0.25 : -0.25; // rise then fall: the classic phrase arch
    const r = rng.next();
    let mv = r < 0.14 ? 0 : r < 0.62 ? 1 : r < 0.86 ? 2 : r < 0.96 ? 3 : 4;
    const upProb = 0.5 + arc - d / (span * 2);
    if (!rng.chance(Math.min(0.9, Math.max(0.1, upProb)))) mv = -mv;
    d += mv;
    out.push(d);
  }
  return out;
}

function makeMotif(g: Grid, steps: number, density: number, rng: Rng): Motif {
  const beats = steps / g.stepsPerBeat;
  const count = Math.max(2, Math.round(beats * (0.6 + density * 1.6) * (0.85 + rng.next() * 0.3)));
  const rhythm = makeRhythm(g, steps, count, rng);
  return { rhythm, contour: makeContour(rhythm.length, rng, 4) };
}

function chordDegrees(env: MelodyEnv, slot: ChordSlot): Set<number> {
  const pcs = new Set(chordIntervals(slot.chord.quality).map((i) => (slot.chord.root + i) % 12));
  const degs = new Set<number>();
  env.scale.forEach((iv, d) => {
    if (pcs.has((env.tonicPc + iv) % 12)) degs.add(d);
  });
  return degs;
}

function nearestChordDegree(env: MelodyEnv, slot: ChordSlot, degree: number, lo: number, hi: number): number {
  const degs = chordDegrees(env, slot);
  if (degs.size === 0) return degree;
  const n = env.scale.length;
  for (let dist = 0; dist <= n; dist++) {
    for (const cand of [degree - dist, degree + dist]) {
      const idx = ((cand % n) + n) % n;
      if (degs.has(idx) && cand >= lo && cand <= hi) return cand;
    }
  }
  return degree;
}

function degreeBounds(env: MelodyEnv, type: SectionType): [number, number] {
  const [loSemi, hiSemi] = RANGES[type];
  const n = env.scale.length;
  const toDeg = (semi: number, roundUp: boolean): number => {
    for (let d = roundUp ? -2 * n : 3 * n; roundUp ? d < 3 * n : d > -2 * n; d += roundUp ? 1 : -1) {
      const m = degreeToMidi(env.scale, 0, d);
      if (roundUp ? m >= semi : m <= semi) return d;
    }
    return 0;
  };
  return [toDeg(loSemi, true), toDeg(hiSemi, false)];
}

interface RealizedNote {
  step: number;
  len: number;
  degree: number;
}

/** Places a motif at a phrase start: transposed to the harmony and with strong beats snapped to chord tones. */
function realize(env: MelodyEnv, motif: Motif, rhythm: RhythmNote[], phraseStart: number, type: SectionType, shift: number, endOnTonic: boolean): RealizedNote[] {
  const [lo, hi] = degreeBounds(env, type);
  const g = env.grid;
  const centre = Math.round((lo + hi) / 2);
  const first = chordAtStep(env.slots, phraseStart + (rhythm[0]?.step ?? 0));
  const start = nearestChordDegree(env, first, centre - 1 + shift, lo, hi);
  const out: RealizedNote[] = [];
  for (let i = 0; i < rhythm.length; i++) {
    const r = rhythm[i]!;
    let deg = start + (motif.contour[i % motif.contour.length] ?? 0);
    while (deg > hi) deg -= env.scale.length;
    while (deg < lo) deg += env.scale.length;
    const step = phraseStart + r.step;
    const slot = chordAtStep(env.slots, step);
    const strong = r.step % g.stepsPerBeat === 0;
    const last = i === rhythm.length - 1;
    if (last && endOnTonic) {
      const n = env.scale.length;
      deg = Math.round(deg / n) * n;
      if (deg < lo) deg += n;
      if (deg > hi) deg -= n;
      deg = nearestChordDegree(env, slot, deg, lo, hi);
    } else if (strong || last || r.len >= g.stepsPerBeat) {
      deg = nearestChordDegree(env, slot, deg, lo, hi);
    }
    out.push({ step, len: r.len, degree: deg });
  }
  return out;
}

/** Phrase plan inside one section: A A' A B, repeated for longer sections. */
function phraseRoles(count: number): ('A' | 'A2' | 'B')[] {
  const base: ('A' | 'A2' | 'B')[] = ['A', 'A2', 'A', 'B'];
  return Array.from({ length: count }, (_, i) => (count === 1 ? 'A' : i === count - 1 ? 'B' : base[i % 4]!));
}

interface SectionMotifs {
  a: Motif;
  a2: Motif;
  b: Motif;
}

function variation(g: Grid, m: Motif, steps: number, rng: Rng): Motif {
  // Same opening, new ending: keeps the hook recognisable while answering it.
  const keep = Math.max(1, Math.ceil(m.rhythm.length * 0.6));
  const tail = makeRhythm(g, steps, m.rhythm.length + rng.int(-1, 1), rng).filter((r) => r.step > m.rhythm[keep - 1]!.step);
  const rhythm = [...m.rhythm.slice(0, keep), ...tail];
  if (rhythm.length > 1) {
    const lastKept = rhythm[keep - 1]!;
    const nextStep = rhythm[keep]?.step;
    if (nextStep !== undefined) lastKept.len = Math.max(1, nextStep - lastKept.step);
  }
  const contour = [...m.contour.slice(0, keep)];
  let d = contour[contour.length - 1] ?? 0;
  for (let i = keep; i < rhythm.length; i++) {
    d += rng.pick([-2, -1, -1, 1, 1, 2]);
    contour.push(d);
  }
  return { rhythm: rhythm.map((r) => ({ ...r })), contour };
}

export interface LineRequest {
  density: number;
  rng: Rng;
  /** Which section types carry this line. */
  types: SectionType[];
}

export interface PlacedPhrase {
  section: Section;
  start: number;
  steps: number;
  notes: RealizedNote[];
  role: 'A' | 'A2' | 'B';
  line?: LyricLine;
}

/** Writes the main melody for the requested section types; identical section types reuse their motifs. */
export function writeMelody(env: MelodyEnv, req: LineRequest, lyricFor?: (section: Section, phraseInSection: number) => LyricLine | undefined): PlacedPhrase[] {
  const g = env.grid;
  const pSteps = phraseSteps(g);
  const motifs = new Map<SectionType, SectionMotifs>();
  const phrases: PlacedPhrase[] = [];
  for (const section of env.sections) {
    if (!req.types.includes(section.type)) continue;
    let m = motifs.get(section.type);
    if (!m) {
      const density = req.density * (section.type === 'chorus' ? 1.05 : section.type === 'verse' ? 0.9 : 1);
      const a = makeMotif(g, pSteps, density, req.rng);
      m = { a, a2: variation(g, a, pSteps, req.rng), b: makeMotif(g, pSteps, density * 0.9, req.rng) };
      motifs.set(section.type, m);
    }
    const sectionSteps = section.bars * g.stepsPerBar;
    const count = Math.max(1, Math.floor(sectionSteps / pSteps));
    const roles = phraseRoles(count);
    for (let p = 0; p < count; p++) {
      const start = section.startBar * g.stepsPerBar + p * pSteps;
      const steps = p === count - 1 ? sectionSteps - p * pSteps : pSteps;
      const role = roles[p]!;
      const motif = role === 'A' ? m.a : role === 'A2' ? m.a2 : m.b;
      let rhythm = motif.rhythm.filter((r) => r.step < steps);
      const line = lyricFor?.(section, p);
      if (line && line.length > 0) rhythm = makeRhythm(g, Math.min(steps, pSteps), line.length, req.rng);
      const shift = role === 'B' ? 2 : p === 2 ? 1 : 0;
      const notes = realize(env, motif, rhythm, start, section.type, shift, role === 'B');
      phrases.push({ section, start, steps, notes, role, ...(line ? { line } : {}) });
    }
  }
  return phrases;
}

export function phrasesToNotes(env: MelodyEnv, phrases: readonly PlacedPhrase[], tonicMidi: number, velocity: number, octave = 0): NoteEvent[] {
  const g = env.grid;
  const notes: NoteEvent[] = [];
  for (const ph of phrases) {
    for (const n of ph.notes) {
      const strong = (n.step % g.stepsPerBeat) === 0;
      notes.push({
        time: stepTime(g, n.step),
        dur: n.len * g.stepSec * 0.92,
        midi: degreeToMidi(env.scale, tonicMidi, n.degree) + octave,
        velocity: velocity * (strong ? 1 : 0.85) * (ph.section.type === 'chorus' ? 1 : 0.9),
      });
    }
  }
  return notes;
}

const VOCALISE: Record<string, [Vowel, Onset][]> = {
  verse: [['a', 'liquid'], ['a', 'liquid'], ['e', 'nasal'], ['o', 'none']],
  chorus: [['o', 'none'], ['a', 'none'], ['o', 'liquid'], ['a', 'nasal']],
  bridge: [['u', 'plosive'], ['u', 'none'], ['a', 'plosive']],
};

/** Turns phrases into sung notes; lyric syllables (if any) are consumed in order, otherwise a vocalise is used. */
export function phrasesToVocals(env: MelodyEnv, phrases: readonly PlacedPhrase[], tonicMidi: number, rng: Rng): VocalNote[] {
  const g = env.grid;
  const out: VocalNote[] = [];
  phrases.forEach((ph) => {
    const line = ph.line;
    const voc = VOCALISE[ph.section.type] ?? VOCALISE['verse']!;
    const vocaliseStyle = rng.int(0, voc.length - 1);
    ph.notes.forEach((n, i) => {
      const syl = line?.[i];
      const [vowel, onset] = syl ? [syl.vowel, syl.onset] : voc[(vocaliseStyle + (i % 2)) % voc.length]!;
      const midi = degreeToMidi(env.scale, tonicMidi, n.degree);
      const time = stepTime(g, n.step);
      const dur = n.len * g.stepSec * 0.95;
      const velocity = (n.step % g.stepsPerBeat === 0 ? 1 : 0.88) * (ph.section.type === 'chorus' ? 1 : 0.9);
      out.push({ time, dur, midi, velocity, vowel, onset, harmony: false });
      if (ph.section.type === 'chorus') {
        // Harmony a diatonic third above, snapped into the chord so it never clashes.
        const slot = chordAtStep(env.slots, n.step);
        const hd = nearestChordDegree(env, slot, n.degree + 2, n.degree + 2, n.degree + 4);
        out.push({ time: time + 0.012, dur, midi: degreeToMidi(env.scale, tonicMidi, hd), velocity: velocity * 0.5, vowel, onset, harmony: true });
      }
    });
  });
  return out;
}

/** Hands out lyric lines phrase by phrase, following [Verse]/[Chorus] tags when present (choruses repeat). */
export function lyricCursor(sheet: LyricSheet | null): (section: Section, phraseInSection: number) => LyricLine | undefined {
  if (!sheet || sheet.lineCount === 0) return () => undefined;
  let cursor = 0;
  const untagged = sheet.any.length > 0 ? sheet.any : [...sheet.verse, ...sheet.chorus, ...sheet.bridge].flat();
  return (section, k) => {
    const tagged = section.type === 'chorus' ? sheet.chorus : section.type === 'bridge' ? sheet.bridge : sheet.verse;
    if (tagged.length > 0) {
      const block = tagged[section.occurrence % tagged.length]!;
      return block.length > 0 ? block[k % block.length] : undefined;
    }
    return untagged[cursor++ % untagged.length];
  };
}

/** Sustained counter-line: one chord tone per chord slot, above the vocal register. */
export function counterLine(env: MelodyEnv, types: SectionType[], tonicMidi: number, velocity: number, rng: Rng): NoteEvent[] {
  const g = env.grid;
  const out: NoteEvent[] = [];
  let prev: number | null = null;
  for (const slot of env.slots) {
    if (!types.includes(slot.section.type) || slot.final) continue;
    const pcs = chordIntervals(slot.chord.quality).map((i) => (slot.chord.root + i) % 12);
    const cands: number[] = [];
    for (let m = tonicMidi + 7; m <= tonicMidi + 19; m++) if (pcs.includes(m % 12) && m % 12 !== slot.chord.root) cands.push(m);
    if (cands.length === 0) continue;
    const pivot: number = prev ?? cands[rng.int(0, cands.length - 1)]!;
    const pick: number = cands.reduce((a, b) => (Math.abs(b - pivot) < Math.abs(a - pivot) ? b : a));
    prev = pick;
    out.push({ time: stepTime(g, slot.startStep), dur: slot.steps * g.stepSec * 0.95, midi: pick, velocity });
  }
  return out;
}

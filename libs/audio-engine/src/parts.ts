// Accompaniment: bass lines and chord parts generated from the chord timeline and section energy.
import { stepTime } from './arrangement.js';
import type { ChordSlot, Grid, NoteEvent } from './arrangement.js';
import type { Rng } from './rng.js';
import type { BassStyle, ChordStyle } from './styles.js';
import { chordIntervals, voiceChord } from './theory.js';
import type { Chord } from './theory.js';

/** Bass patterns per bar: R root, O octave, F fifth, T third, A approach to next chord, g ghost, '-' hold, '.' rest. */
const BASS_16: Record<Exclude<BassStyle, 'walking' | 'sustain'>, string[]> = {
  root8: ['R-R-R-R-R-R-R-R-', 'R-R-R-R-R-R-O-F-', 'R---R---R---R-A-'],
  rock16: ['RRRRRRRRRRRRRRRR', 'R-RRR-RRR-RRR-RR', 'R-R-R-R-R-R-R-RR'],
  pop: ['R--R--R-R---R-F-', 'R-----R---R-O---', 'R--R----R--R--A-', 'R-------R-R-----'],
  offbeat: ['..R-..R-..R-..R-', '..R-..O-..R-..R-', 'R-..R-O.R-..R-O.'],
  sub808: ['R------R--R-----', 'R-----R---R--O--', 'R---------R-----'],
  funk: ['R..O.gR..RO.gR.F', 'R.gR..O.RgR..O.R', 'R..R.O..R.gRO...'],
  reggae: ['..R-.F..O-..R-F.', '....R-R-..F-O-..', '..R-R-..F-..O...'],
};
const BASS_12: string[] = ['R-----R-----', 'R---R---R---', 'R-----F---O-'];

export interface BassOptions {
  style: BassStyle;
  versePattern: number;
  chorusPattern: number;
}

function bassRoot(pc: number): number {
  return 28 + ((pc - 4 + 12) % 12); // E1..D#2: the lowest comfortable bass octave
}

function third(chord: Chord): number {
  const iv = chordIntervals(chord.quality);
  return iv.find((x) => x === 3 || x === 4) ?? 7;
}

export function buildBass(g: Grid, slots: readonly ChordSlot[], opts: BassOptions, rng: Rng): NoteEvent[] {
  const notes: NoteEvent[] = [];
  for (let si = 0; si < slots.length; si++) {
    const slot = slots[si]!;
    const next = slots[si + 1];
    const root = bassRoot(slot.chord.root);
    const type = slot.section.type;
    const sectionStep = slot.startStep - slot.section.startBar * g.stepsPerBar;
    if (type === 'intro' && (slot.section.bars < 2 || sectionStep < (slot.section.bars * g.stepsPerBar) / 2)) continue;
    const sustainOnly = slot.final || type === 'intro' || type === 'outro' || opts.style === 'sustain' || (type === 'bridge' && opts.style !== 'walking');
    const vel = type === 'chorus' ? 0.95 : type === 'verse' ? 0.85 : 0.7;
    if (sustainOnly) {
      notes.push({ time: stepTime(g, slot.startStep), dur: slot.steps * g.stepSec * (slot.final ? 1 : 0.98), midi: root, velocity: vel });
      continue;
    }
    if (opts.style === 'walking') {
      walkingBass(notes, g, slot, next?.chord ?? slot.chord, vel, rng);
      continue;
    }
    const bank = g.stepsPerBar === 16 && opts.style !== 'sustain' ? BASS_16[opts.style] : BASS_12;
    const pattern = bank[(type === 'chorus' ? opts.chorusPattern : opts.versePattern) % bank.length]!;
    const nextRoot = bassRoot((next ?? slot).chord.root);
    for (let k = 0; k < slot.steps; k++) {
      const step = slot.startStep + k;
      const c = pattern[step % g.stepsPerBar]!;
      if (c === '.' || c === '-') continue;
      let len = 1;
      while (k + len < slot.steps && pattern[(step + len) % g.stepsPerBar] === '-') len++;
      let midi = root;
      let v = vel * (step % g.stepsPerBeat === 0 ? 1 : 0.85);
      if (c === 'O') midi = root + 12;
      else if (c === 'F') midi = root + 7;
      else if (c === 'T') midi = root + third(slot.chord);
      else if (c === 'A') midi = nextRoot + (nextRoot > root ? -1 : 1);
      else if (c === 'g') v *= 0.4;
      const staccato = opts.style === 'funk' || opts.style === 'rock16' ? 0.7 : 0.95;
      notes.push({ time: stepTime(g, step), dur: len * g.stepSec * (c === 'g' ? 0.5 : staccato), midi, velocity: v });
    }
  }
  return notes;
}

function walkingBass(notes: NoteEvent[], g: Grid, slot: ChordSlot, nextChord: Chord, vel: number, rng: Rng): void {
  const beats = Math.max(1, Math.round(slot.steps / g.stepsPerBeat));
  const iv = chordIntervals(slot.chord.quality);
  let pitch = bassRoot(slot.chord.root) + (rng.chance(0.4) ? 12 : 0);
  const target = bassRoot(nextChord.root) + (pitch > 40 ? 12 : 0);
  for (let b = 0; b < beats; b++) {
    const step = slot.startStep + b * g.stepsPerBeat;
    let midi = pitch;
    if (b === beats - 1 && beats > 1) midi = target + (rng.chance(0.5) ? -1 : 1);
    else if (b > 0) {
      const tone = iv[rng.int(0, Math.min(iv.length, 3) - 1)]!;
      midi = bassRoot(slot.chord.root) + tone + (pitch > 40 ? 12 : 0);
    }
    while (midi > 52) midi -= 12;
    while (midi < 28) midi += 12;
    notes.push({ time: stepTime(g, step), dur: g.stepsPerBeat * g.stepSec * 0.92, midi, velocity: vel * (b === 0 ? 1 : 0.85) });
    pitch = midi;
  }
}

export interface ChordHit {
  time: number;
  dur: number;
  midis: number[];
  velocity: number;
  /** Seconds between successive strings for strummed instruments; negative strums downward. */
  strum: number;
}

export interface ChordPartOptions {
  style: ChordStyle;
  pattern: number;
  spread: number;
  /** Pluck-based instruments voice like a guitar (six strings, low root). */
  guitar: boolean;
  arpUp: boolean;
}

const BLOCK_16 = ['x-------x-------', 'x-----x-----x---', 'x---x---x---x---', 'x-------x---x---'];
const STRUM_16 = ['D---D-DU-UD-D-DU', 'D-D-DU-UD-D-DU-U', 'D---D---D---D-DU', 'D-----D-----D-D-'];
const STAB_16 = ['x..x..x...x..x..', '..x...x...x.x...', 'x.x...x..x..x...'];
const SKANK_16 = ['....x.......x...', '....xx......xx..', '..x...x...x...x.'];
const BLOCK_12 = ['x-----x-----', 'x---x---x---', 'x-----------'];
const STRUM_12 = ['D---D-D-D-U-', 'D-----D-U-D-', 'D-D-DUD-D-DU'];

function guitarVoicing(chord: Chord): number[] {
  const iv = chordIntervals(chord.quality);
  const pcs = iv.map((x) => (chord.root + x) % 12);
  const low = 40 + ((chord.root - 4 + 12) % 12);
  const notes = [low];
  let cur = low;
  for (let k = 1; notes.length < 6 && k < 40; k++) {
    const cand = cur + k;
    if (pcs.includes(cand % 12) && cand - cur >= 3) {
      notes.push(cand);
      cur = cand;
      k = 0;
    }
    if (cur > 67) break;
  }
  return notes.filter((n) => n <= 70);
}

function powerVoicing(chord: Chord): number[] {
  const low = 40 + ((chord.root - 4 + 12) % 12);
  // Root, fifth, octave whatever the written quality: the third is left out on purpose under distortion.
  return [low, low + 7, low + 12];
}

export function buildChordPart(g: Grid, slots: readonly ChordSlot[], opts: ChordPartOptions, rng: Rng): ChordHit[] {
  const hits: ChordHit[] = [];
  let prev: number[] | null = null;
  for (const slot of slots) {
    const type = slot.section.type;
    const quiet = type === 'intro' || type === 'outro';
    const vel = type === 'chorus' ? 0.9 : type === 'verse' ? 0.75 : quiet ? 0.6 : 0.7;
    let voicing: number[];
    if (opts.style === 'power') voicing = powerVoicing(slot.chord);
    else if (opts.guitar) voicing = guitarVoicing(slot.chord);
    else {
      const low = opts.style === 'skank' || opts.style === 'stabs' ? 58 : 52;
      voicing = voiceChord(slot.chord, prev, low, low + 22, opts.spread);
      if (opts.style === 'comp' && voicing.length >= 4) voicing = voicing.slice(1); // rootless: the bass has the root
      prev = voicing;
    }
    const t0 = stepTime(g, slot.startStep);
    const slotDur = slot.steps * g.stepSec;
    // Sparse sections and the final chord get one sustained hit whatever the style.
    if (slot.final || (quiet && opts.style !== 'arp') || (type === 'bridge' && (opts.style === 'power' || opts.style === 'stabs'))) {
      hits.push({ time: t0, dur: slotDur * (slot.final ? 1 : 0.97), midis: voicing, velocity: vel, strum: opts.guitar ? 0.02 : 0 });
      continue;
    }
    switch (opts.style) {
      case 'pad':
        hits.push({ time: t0, dur: slotDur * 0.97, midis: voicing, velocity: vel, strum: 0 });
        break;
      case 'arp':
        arpeggio(hits, g, slot, voicing, vel, opts.arpUp);
        break;
      case 'power': {
        const chug = type === 'verse';
        for (let k = 0; k < slot.steps; k += chug ? 2 : Math.max(2, Math.min(slot.steps, g.stepsPerBar / 2))) {
          const len = chug ? 1.6 : Math.min(slot.steps - k, g.stepsPerBar / 2);
          hits.push({ time: stepTime(g, slot.startStep + k), dur: len * g.stepSec * 0.95, midis: voicing, velocity: vel * (k % g.stepsPerBeat === 0 ? 1 : 0.8), strum: 0.004 });
        }
        break;
      }
      default: {
        const bank = patternBank(opts.style, g.stepsPerBar === 16);
        const pattern = bank[opts.pattern % bank.length]!;
        for (let k = 0; k < slot.steps; k++) {
          const step = slot.startStep + k;
          const c = pattern[step % g.stepsPerBar]!;
          if (c === '.' || c === '-') continue;
          let len = 1;
          while (k + len < slot.steps && pattern[(step + len) % g.stepsPerBar] === '-') len++;
          const short = opts.style === 'stabs' || opts.style === 'skank' || opts.style === 'comp';
          const up = c === 'U';
          const strum = opts.guitar ? (up ? -0.008 : 0.012) : 0;
          const midis = up && voicing.length > 4 ? voicing.slice(2) : voicing;
          const accent = step % g.stepsPerBeat === 0 ? 1 : 0.82;
          hits.push({ time: stepTime(g, step), dur: len * g.stepSec * (short ? 0.6 : 0.98), midis, velocity: vel * accent * (up ? 0.75 : 1), strum });
        }
        if (opts.style === 'comp') {
          // Extra syncopated jab so jazz comping does not repeat mechanically.
          if (rng.chance(0.5)) {
            const s = rng.pick([3, 6, 10, 14].filter((x) => x < slot.steps));
            if (s !== undefined) hits.push({ time: stepTime(g, slot.startStep + s), dur: g.stepSec * 1.5, midis: voicing, velocity: vel * 0.7, strum: 0 });
          }
        }
      }
    }
  }
  return hits;
}

function patternBank(style: ChordStyle, sixteen: boolean): string[] {
  if (!sixteen) return style === 'strum' ? STRUM_12 : BLOCK_12;
  if (style === 'strum') return STRUM_16;
  if (style === 'stabs') return STAB_16;
  if (style === 'skank') return SKANK_16;
  if (style === 'comp') return ['x..x......x.....', '...x..x.....x...', 'x.....x..x......'];
  return BLOCK_16;
}

function arpeggio(hits: ChordHit[], g: Grid, slot: ChordSlot, voicing: number[], vel: number, up: boolean): void {
  const notes = [...voicing, voicing[0]! + 12];
  const seq = up ? notes : [...notes, ...notes.slice(1, -1).reverse()];
  const rate = g.stepSec * 4 > 0.62 ? 1 : 2; // 16ths only at slow tempi, otherwise 8ths
  let k = 0;
  for (let s = 0; s < slot.steps; s += rate, k++) {
    const midi = seq[k % seq.length]!;
    hits.push({ time: stepTime(g, slot.startStep + s), dur: rate * g.stepSec * 2.5, midis: [midi], velocity: vel * (s % g.stepsPerBeat === 0 ? 0.95 : 0.75), strum: 0 });
  }
}

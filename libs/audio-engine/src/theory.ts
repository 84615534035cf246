// Music theory primitives: pitch classes, scales, chord spelling and roman-numeral progressions.

export const NOTE_NAMES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'] as const;

const NOTE_ALIASES: Record<string, number> = {
  c: 0, 'c#': 1, db: 1, d: 2, 'd#': 3, eb: 3, e: 4, fb: 4, 'e#': 5, f: 5, 'f#': 6, gb: 6,
  g: 7, 'g#': 8, ab: 8, a: 9, 'a#': 10, bb: 10, b: 11, cb: 11, 'b#': 0,
};

/** Parses 'A', 'f#', 'Bb', 'Db' to a pitch class, or undefined. */
export function parsePitchClass(name: string): number | undefined {
  return NOTE_ALIASES[name.trim().toLowerCase()];
}

export function pitchClassName(pc: number): string {
  return NOTE_NAMES[((pc % 12) + 12) % 12]!;
}

export const SCALES = {
  major: [0, 2, 4, 5, 7, 9, 11],
  lydian: [0, 2, 4, 6, 7, 9, 11],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
  'major pentatonic': [0, 2, 4, 7, 9],
  'natural minor': [0, 2, 3, 5, 7, 8, 10],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  phrygian: [0, 1, 3, 5, 7, 8, 10],
  'harmonic minor': [0, 2, 3, 5, 7, 8, 11],
  'minor pentatonic': [0, 3, 5, 7, 10],
  blues: [0, 3, 5, 6, 7, 10],
} as const satisfies Record<string, readonly number[]>;

export type ScaleName = keyof typeof SCALES;

export type ChordQuality =
  | 'maj' | 'min' | 'dim' | 'aug' | 'sus2' | 'sus4' | '5' | '7' | 'maj7' | 'm7' | 'm7b5' | 'add9' | 'madd9' | '6' | 'm6';

const QUALITY_INTERVALS: Record<ChordQuality, readonly number[]> = {
  maj: [0, 4, 7], min: [0, 3, 7], dim: [0, 3, 6], aug: [0, 4, 8], sus2: [0, 2, 7], sus4: [0, 5, 7], '5': [0, 7, 12],
  '7': [0, 4, 7, 10], maj7: [0, 4, 7, 11], m7: [0, 3, 7, 10], m7b5: [0, 3, 6, 10],
  add9: [0, 4, 7, 14], madd9: [0, 3, 7, 14], '6': [0, 4, 7, 9], m6: [0, 3, 7, 9],
};

const QUALITY_SUFFIX: Record<ChordQuality, string> = {
  maj: '', min: 'm', dim: 'dim', aug: 'aug', sus2: 'sus2', sus4: 'sus4', '5': '5', '7': '7', maj7: 'maj7', m7: 'm7',
  m7b5: 'm7b5', add9: 'add9', madd9: 'm(add9)', '6': '6', m6: 'm6',
};

export interface Chord {
  /** Absolute pitch class of the root (0 = C). */
  root: number;
  quality: ChordQuality;
}

export function chordIntervals(quality: ChordQuality): readonly number[] {
  return QUALITY_INTERVALS[quality];
}

export function chordName(chord: Chord): string {
  return pitchClassName(chord.root) + QUALITY_SUFFIX[chord.quality];
}

/** Parses names produced by chordName (e.g. 'F#m7', 'Bbmaj7', 'Cm(add9)'). */
export function parseChordName(name: string): Chord {
  const m = /^([A-G](?:#|b)?)(.*)$/.exec(name);
  if (!m) throw new Error(`Unparseable chord name '${name}'`);
  const root = parsePitchClass(m[1]!);
  const suffix = m[2]!;
  const entry = (Object.entries(QUALITY_SUFFIX) as [ChordQuality, string][]).find(([, s]) => s === suffix);
  if (root === undefined || !entry) throw new Error(`Unparseable chord name '${name}'`);
  return { root, quality: entry[0] };
}

const NUMERALS = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII'];
const MAJOR_DEGREE_SEMITONES = [0, 2, 4, 5, 7, 9, 11];

/**
 * Roman numerals are written against the major scale with explicit accidentals ('bVII'), so one parser
 * serves every mode. Case gives the triad quality; suffixes add colour ('7', 'maj7', 'o', 'sus4', ...).
 */
export function parseRoman(symbol: string, tonic: number): Chord {
  const m = /^(b|#)?([ivIV]+)(.*)$/.exec(symbol);
  if (!m) throw new Error(`Unparseable roman numeral '${symbol}'`);
  const acc = m[1] === 'b' ? -1 : m[1] === '#' ? 1 : 0;
  const numeral = m[2]!;
  const idx = NUMERALS.indexOf(numeral.toUpperCase());
  if (idx < 0) throw new Error(`Unparseable roman numeral '${symbol}'`);
  const upper = numeral === numeral.toUpperCase();
  const suffix = m[3] ?? '';
  let quality: ChordQuality;
  switch (suffix) {
    case '': quality = upper ? 'maj' : 'min'; break;
    case '7': quality = upper ? '7' : 'm7'; break;
    case 'maj7': quality = 'maj7'; break;
    case 'o': quality = 'dim'; break;
    case 'o7': case 'ø7': quality = 'm7b5'; break;
    case '+': quality = 'aug'; break;
    case 'sus2': quality = 'sus2'; break;
    case 'sus4': quality = 'sus4'; break;
    case '5': quality = '5'; break;
    case 'add9': quality = upper ? 'add9' : 'madd9'; break;
    case '6': quality = upper ? '6' : 'm6'; break;
    default: throw new Error(`Unknown chord suffix in '${symbol}'`);
  }
  return { root: (tonic + MAJOR_DEGREE_SEMITONES[idx]! + acc + 12) % 12, quality };
}

/** Adds genre colour to plain triads (7ths for jazz, add9 for lofi, power chords for metal). */
export function colorChord(chord: Chord, color: 'none' | 'sevenths' | 'lush' | 'power' | 'sus', pick: number): Chord {
  const { root, quality } = chord;
  if (color === 'power') return quality === 'dim' ? chord : { root, quality: '5' };
  if (color === 'sevenths') {
    if (quality === 'maj') return { root, quality: pick < 0.5 ? 'maj7' : pick < 0.8 ? '6' : 'maj' };
    if (quality === 'min') return { root, quality: 'm7' };
    if (quality === 'dim') return { root, quality: 'm7b5' };
  }
  if (color === 'lush') {
    if (quality === 'maj') return { root, quality: pick < 0.45 ? 'maj7' : pick < 0.8 ? 'add9' : 'maj' };
    if (quality === 'min') return { root, quality: pick < 0.55 ? 'm7' : pick < 0.85 ? 'madd9' : 'min' };
  }
  if (color === 'sus' && (quality === 'maj' || quality === 'min')) {
    return { root, quality: pick < 0.35 ? 'sus2' : pick < 0.55 ? (quality === 'maj' ? 'add9' : 'madd9') : quality };
  }
  return chord;
}

const MIDI_FREQ = new Float64Array(128);
for (let m = 0; m < 128; m++) MIDI_FREQ[m] = 440 * Math.pow(2, (m - 69) / 12);

export function midiToFreq(midi: number): number {
  if (Number.isInteger(midi) && midi >= 0 && midi < 128) return MIDI_FREQ[midi]!;
  return 440 * Math.pow(2, (midi - 69) / 12);
}

/** Scale degree (may be negative or beyond one octave) to a MIDI note, relative to the tonic MIDI note. */
export function degreeToMidi(scale: readonly number[], tonicMidi: number, degree: number): number {
  const n = scale.length;
  const octave = Math.floor(degree / n);
  const idx = degree - octave * n;
  return tonicMidi + octave * 12 + scale[idx]!;
}

/**
 * Picks a voicing near the previous one (smooth voice leading) inside [low, high]; inversion preference
 * comes from the caller's seeded choice so variants voice the same chord differently.
 */
export function voiceChord(chord: Chord, previous: readonly number[] | null, low: number, high: number, spreadPick: number): number[] {
  const intervals = chordIntervals(chord.quality);
  const candidates: number[][] = [];
  for (let base = low - 12; base <= high; base++) {
    if ((((base - chord.root) % 12) + 12) % 12 !== 0) continue;
    for (let inv = 0; inv < intervals.length; inv++) {
      const notes: number[] = [];
      for (let k = 0; k < intervals.length; k++) {
        const iv = intervals[(k + inv) % intervals.length]!;
        const wrap = k + inv >= intervals.length ? 12 : 0;
        notes.push(base + iv + wrap);
      }
      if (spreadPick > 0.66 && notes.length >= 3) notes[1]! += 12; // open voicing: lift the second voice an octave
      notes.sort((a, b) => a - b);
      if (notes[0]! >= low && notes[notes.length - 1]! <= high) candidates.push(notes);
    }
  }
  if (candidates.length === 0) {
    const base = low + ((((chord.root - low) % 12) + 12) % 12);
    return intervals.map((i) => base + i);
  }
  const centre = (low + high) / 2;
  let best = candidates[0]!;
  let bestCost = Infinity;
  for (const c of candidates) {
    let cost: number;
    if (previous && previous.length > 0) {
      cost = 0;
      for (const n of c) {
        let nearest = Infinity;
        for (const p of previous) nearest = Math.min(nearest, Math.abs(n - p));
        cost += nearest;
      }
    } else {
      const mean = c.reduce((a, b) => a + b, 0) / c.length;
      cost = Math.abs(mean - centre - (spreadPick - 0.5) * 6);
    }
    if (cost < bestCost) {
      bestCost = cost;
      best = c;
    }
  }
  return best;
}

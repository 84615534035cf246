// Turns a free-text request into concrete, deterministic musical parameters.
import { combineSeeds, hashString, Rng } from './rng.js';
import {
  CHORD_STYLE_FIT, FAST_WORDS, FEMALE_WORDS, GENRES, INSTRUMENT_WORDS, INSTRUMENTAL_WORDS, MALE_WORDS, MOODS, SLOW_WORDS, genreById, moodById,
} from './styles.js';
import type { BassStyle, ChordStyle, DrumGroove, GenreProfile, MoodProfile } from './styles.js';
import { chordName, colorChord, parsePitchClass, parseRoman, pitchClassName } from './theory.js';
import type { Chord, ScaleName } from './theory.js';
import type { PersonaVoice, ReferenceTraits, SongParams, SongRequest, TimeSignature } from './types.js';

export const MIN_DURATION_SECONDS = 5;
export const MAX_DURATION_SECONDS = 240;
export const DEFAULT_DURATION_SECONDS = 30;

/** Everything the renderer needs: the public params plus the internal choices made alongside them. */
export interface SongContext {
  params: SongParams;
  variantIndex: number;
  genre: GenreProfile;
  mood: MoodProfile;
  tonic: number;
  scaleName: ScaleName;
  chords: Chord[];
  /** Bars per chord (0.5 = two chords per bar). */
  chordBars: number;
  groove: DrumGroove;
  bassStyle: BassStyle;
  chordStyle: ChordStyle;
  kit: string;
  bassInstrument: string;
  chordInstrument: string;
  leadInstrument: string;
  voice: 'female' | 'male';
  lyrics: string;
  timbre: Record<string, number>;
  /** The persona's voice, when the request names one (its spectral centroid drives the tonal-balance match). */
  persona?: PersonaVoice;
  /** Seed for every render-time random decision of this variant. */
  renderSeed: number;
}

export function validateDuration(value: number | undefined): number {
  if (value === undefined) return DEFAULT_DURATION_SECONDS;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`durationSeconds must be a finite number, got ${String(value)}`);
  }
  if (value < MIN_DURATION_SECONDS || value > MAX_DURATION_SECONDS) {
    throw new RangeError(`durationSeconds must be between ${MIN_DURATION_SECONDS} and ${MAX_DURATION_SECONDS}, got ${value}`);
  }
  return value;
}

function validateVariant(variantIndex: number): void {
  if (!Number.isInteger(variantIndex) || variantIndex < 0) {
    throw new RangeError(`variantIndex must be a non-negative integer, got ${String(variantIndex)}`);
  }
}

/** Lower-case words separated by single spaces and padded, so ' phrase ' lookups match whole words only. */
export function normalizeWords(text: string): string {
  const cleaned = text.toLowerCase().replace(/[^a-z0-9&#+'-]+/g, ' ').replace(/\s+/g, ' ').trim();
  return ` ${cleaned} `;
}

function countPhrase(padded: string, phrase: string): number {
  const needle = ` ${phrase} `;
  let count = 0;
  let from = 0;
  for (;;) {
    const at = padded.indexOf(needle, from);
    if (at < 0) return count;
    count++;
    from = at + needle.length - 1;
  }
}

function hasAny(padded: string, words: readonly string[]): boolean {
  return words.some((w) => countPhrase(padded, w) > 0);
}

interface WeightedText {
  all: string;
  sources: [string, number][];
}

function scoreKeywords(text: WeightedText, keywords: readonly string[]): number {
  let score = 0;
  for (const [t, weight] of text.sources) for (const k of keywords) score += countPhrase(t, k) * weight;
  return score;
}

function bestMatch<T extends { id: string; keywords: string[] }>(text: WeightedText, items: readonly T[]): T | undefined {
  let best: T | undefined;
  let bestScore = 0;
  for (const item of items) {
    const s = scoreKeywords(text, [item.id, ...item.keywords]);
    if (s > bestScore) {
      bestScore = s;
      best = item;
    }
  }
  return best;
}

const KEY_PATTERNS: readonly RegExp[] = [
  /\bkey of ([A-Ga-g])([#b]| sharp| flat)?(?:\s*(major|minor|maj|min|m)\b)?/i,
  // A capital letter is required here so ordinary phrases like 'a minor detail' are not read as keys.
  /\b([A-G])([#b]| sharp| flat)?\s*([Mm]ajor|[Mm]inor|maj|min|m)\b/,
  /\bin ([a-g])([#b]| sharp| flat)?\s*(major|minor)\b/i,
];

function parseExplicitKey(original: string): { tonic: number; mode?: 'major' | 'minor' } | undefined {
  for (const pattern of KEY_PATTERNS) {
    const m = pattern.exec(original);
    if (!m) continue;
    const acc = m[2]?.trim().toLowerCase();
    const accidental = acc === '#' || acc === 'sharp' ? '#' : acc === 'b' || acc === 'flat' ? 'b' : '';
    const tonic = parsePitchClass(m[1]! + accidental);
    if (tonic === undefined) continue;
    const q = m[3]?.toLowerCase();
    if (!q) return { tonic };
    return { tonic, mode: q === 'major' || q === 'maj' ? 'major' : 'minor' };
  }
  return undefined;
}

/** The words a request's musical choices are read from, as written. */
function requestText(req: SongRequest): string {
  return `${req.prompt ?? ''} ${(req.styleTags ?? []).join(' ')} ${req.genre ?? ''} ${req.mood ?? ''}`;
}

function explicitBpm(lowerCased: string): RegExpExecArray | null {
  return /(\d{2,3}(?:\.\d+)?)\s*bpm/.exec(lowerCased);
}

/** Which of a request's reference traits the song takes: those the prompt does not name itself. */
export function referenceApplied(req: SongRequest): { tempo: boolean; key: boolean } {
  const text = requestText(req);
  return {
    tempo: req.reference?.tempoBpm !== undefined && !explicitBpm(text.toLowerCase()),
    key: req.reference?.key !== undefined && !parseExplicitKey(text),
  };
}

/** A reference's traits, checked: a tempo that is not a number or a key that is not a pitch class is a caller's bug. */
function validateReference(ref: ReferenceTraits | undefined): { tempoBpm?: number; key?: { tonic: number; mode?: 'major' | 'minor' } } {
  if (!ref) return {};
  if (ref.tempoBpm !== undefined && (typeof ref.tempoBpm !== 'number' || !Number.isFinite(ref.tempoBpm) || ref.tempoBpm <= 0)) {
    throw new RangeError(`reference.tempoBpm must be a positive number, got ${String(ref.tempoBpm)}`);
  }
  if (ref.mode !== undefined && ref.mode !== 'major' && ref.mode !== 'minor') throw new RangeError(`reference.mode must be major or minor, got ${String(ref.mode)}`);
  let key: { tonic: number; mode?: 'major' | 'minor' } | undefined;
  if (ref.key !== undefined) {
    const tonic = typeof ref.key === 'string' ? parsePitchClass(ref.key) : undefined;
    if (tonic === undefined) throw new RangeError(`reference.key must be a pitch class such as C# or Eb, got ${String(ref.key)}`);
    key = ref.mode ? { tonic, mode: ref.mode } : { tonic };
  }
  return { ...(ref.tempoBpm !== undefined ? { tempoBpm: ref.tempoBpm } : {}), ...(key ? { key } : {}) };
}

const GUITAR_KEY_WEIGHTS: readonly (readonly [number, number])[] = [
  [4, 3], [9, 3], [2, 3], [7, 3], [0, 2], [11, 1], [5, 1], [1, 0.5], [3, 0.7], [6, 0.7], [8, 0.5], [10, 0.7],
];

/** Builds the full internal context; deriveSongParams exposes only its public part. */
export function deriveSongContext(req: SongRequest, variantIndex: number): SongContext {
  validateVariant(variantIndex);
  const durationSeconds = validateDuration(req.durationSeconds);
  if (req.seed !== undefined && (typeof req.seed !== 'number' || !Number.isFinite(req.seed))) {
    throw new RangeError(`seed must be a finite number, got ${String(req.seed)}`);
  }
  const prompt = normalizeWords(req.prompt ?? '');
  const tags = normalizeWords((req.styleTags ?? []).join(' , '));
  const genreField = normalizeWords(req.genre ?? '');
  const moodField = normalizeWords(req.mood ?? '');
  const lyrics = (req.lyrics ?? '').trim();
  const text: WeightedText = {
    all: `${prompt}${tags}${genreField}${moodField}`,
    sources: [[prompt, 1], [tags, 3], [genreField, 6], [moodField, 6]],
  };
  const original = requestText(req);
  const raw = original.toLowerCase();

  const contentHash = hashString([prompt, tags, genreField, moodField, lyrics, (req.title ?? '').trim()].join('\u0001'));
  const baseSeed = req.seed !== undefined ? Math.trunc(req.seed) >>> 0 : contentHash;
  // Character decisions (genre, mood, mode, groove) are shared by all variants; the variant stream varies the rest.
  const charRng = new Rng(combineSeeds(contentHash, baseSeed, 0x5eed));
  const varRng = new Rng(combineSeeds(contentHash, baseSeed, 0x7a41, variantIndex));

  const genre = bestMatch(text, GENRES) ?? genreById(charRng.pick(['pop', 'electronic', 'rock', 'lofi', 'ambient', 'hip hop', 'folk', 'funk']));
  const moodFromWords = bestMatch(text, MOODS);
  const mood = moodFromWords ?? moodById(charRng.pick(genre.defaultMoods));

  const reference = validateReference(req.reference);
  // A key the prompt names wins over the reference's; either wins over the style's habits.
  const explicitKey = parseExplicitKey(original) ?? reference.key;
  // A mood the user asked for decides the mode; a mood we guessed defers to the genre's habit.
  const minorProb = moodFromWords ? (mood.minorProb ?? genre.minorBias) : genre.minorBias;
  const modeDraw = charRng.next();
  const mode: 'major' | 'minor' = explicitKey?.mode ?? (modeDraw < minorProb ? 'minor' : 'major');
  const scaleName = charRng.pick(mode === 'minor' ? genre.minorScales : genre.majorScales);

  const meterMatch = /(?:^|[^0-9])(4\/4|3\/4|6\/8)(?![0-9])/.exec(raw);
  const meterDraw = charRng.weighted(genre.meters);
  const timeSignature: TimeSignature = meterMatch
    ? (meterMatch[1] as TimeSignature)
    : countPhrase(text.all, 'waltz') > 0
      ? '3/4'
      : meterDraw;

  const tempoDraw = charRng.next();
  const bpmMatch = explicitBpm(raw);
  let tempo: number;
  if (bpmMatch) {
    tempo = Number(bpmMatch[1]);
  } else if (reference.tempoBpm !== undefined) {
    // Both variants at the reference's tempo (no per-variant drift). The drift's draw is still taken so
    // every later choice of the variant is the one the same request without a reference makes.
    varRng.next();
    tempo = reference.tempoBpm;
  } else {
    tempo = genre.tempo[0] + (genre.tempo[1] - genre.tempo[0]) * tempoDraw;
    tempo *= mood.tempoScale;
    if (hasAny(text.all, SLOW_WORDS)) tempo *= 0.8;
    if (hasAny(text.all, FAST_WORDS)) tempo *= 1.15;
    if (timeSignature === '6/8') tempo *= 2 / 3; // 6/8 tempo counts dotted quarters
    tempo *= 1 + varRng.range(-0.03, 0.03);
  }
  const tempoBpm = Math.round(Math.min(220, Math.max(40, tempo)));

  const tonicDraw = ['rock', 'metal', 'folk', 'blues'].includes(genre.id) ? varRng.weighted(GUITAR_KEY_WEIGHTS) : varRng.int(0, 11);
  const tonic = explicitKey?.tonic ?? tonicDraw;

  const pool = mode === 'minor' ? genre.minorProgressions : genre.majorProgressions;
  // Offsetting a shared pick by the variant index guarantees sibling variants use different progressions.
  const progIndex = (charRng.int(0, pool.length - 1) + variantIndex) % pool.length;
  const chords = pool[progIndex]!.split(' ').map((sym) => colorChord(parseRoman(sym, tonic), genre.color, varRng.next()));
  const chordBars = chords.length >= 8 ? Math.min(1, varRng.pick(genre.chordBars)) : varRng.pick(genre.chordBars);

  const groove = charRng.pick(genre.grooves);
  const bassStyle = varRng.pick(genre.bassStyles);
  const styleDraw = varRng.next();
  const kit = groove === 'none' ? 'no drums' : charRng.pick(genre.kits);
  const wanted = (role: 'chords' | 'lead' | 'bass'): string | undefined =>
    INSTRUMENT_WORDS.find((iw) => iw.role === role && hasAny(text.all, iw.words))?.instrument;
  const bassInstrument = wanted('bass') ?? charRng.pick(genre.basses);
  const chordInstrument = wanted('chords') ?? varRng.pick(genre.chordInstruments);
  const leadInstrument = wanted('lead') ?? varRng.pick(genre.leads);
  // The accompaniment style must suit the instrument: genre styles it can play, else its natural style.
  const fit = CHORD_STYLE_FIT[chordInstrument] ?? ['pad'];
  const candidates = genre.chordStyles.filter((st) => fit.includes(st));
  const chordStyle: ChordStyle = candidates.length > 0 ? candidates[Math.floor(styleDraw * candidates.length)]! : fit[0]!;

  const hasVocals = req.instrumental !== undefined ? !req.instrumental : lyrics.length > 0 || !hasAny(text.all, INSTRUMENTAL_WORDS);
  const voiceDraw = charRng.next();
  const voice = req.persona?.voice ?? (hasAny(text.all, FEMALE_WORDS) ? 'female' : hasAny(text.all, MALE_WORDS) ? 'male' : voiceDraw < 0.5 ? 'female' : 'male');

  const instruments = [kit, bassInstrument, chordInstrument, leadInstrument].filter((i) => i !== 'no drums');
  if (hasVocals) instruments.push(`${voice} vocals`);

  const params: SongParams = {
    seed: baseSeed,
    tempoBpm,
    key: pitchClassName(tonic),
    mode,
    scale: scaleName,
    timeSignature,
    instruments,
    genre: genre.id,
    mood: mood.id,
    chordProgression: chords.map(chordName),
    durationSeconds,
    hasVocals,
    ...(hasVocals ? { voice: { gender: voice, timbre: { ...(req.persona?.timbre ?? {}) } } } : {}),
  };
  return {
    params, variantIndex, genre, mood, tonic, scaleName, chords, chordBars, groove, bassStyle, chordStyle, kit,
    bassInstrument, chordInstrument, leadInstrument, voice, lyrics, timbre: { ...(req.persona?.timbre ?? {}) },
    ...(req.persona ? { persona: req.persona } : {}),
    renderSeed: combineSeeds(contentHash, baseSeed, 0x4e4d, variantIndex),
  };
}

export function deriveSongParams(req: SongRequest, variantIndex: number): SongParams {
  return deriveSongContext(req, variantIndex).params;
}

// The local lyrics writer: songs in sections built from the prompt's own words, in a fixed syllabic
// metre (counted with the same syllabifier the vocal engine sings with, so every line fits the
// melody's phrase) and with end rhymes in a scheme per section.
import { syllabify } from './lyrics.js';
import { combineSeeds, hashString, Rng } from './rng.js';

export const LYRICS_WRITER_NAME = 'muse-local-lyrics-writer';
export const LYRICS_WRITER_VERSION = '1.0.0';

export interface LyricsRequest {
  prompt: string;
  /** Existing lyrics to continue (is_extension): new sections follow them in their metre. */
  baseLyrics?: string | null;
  seed?: number;
}

export interface LyricsSection {
  name: string;
  /** Syllables per line in this section. */
  metre: number;
  /** e.g. AABB, ABAB: lines with the same letter end in the same rhyme. */
  scheme: string;
  lines: string[];
}

export interface WrittenLyrics {
  title: string;
  content: string;
  sections: LyricsSection[];
  themeWords: string[];
  metadata: { writer: string; version: string; seed: number; extension: boolean };
}

/** Rhyme families: end words whose stressed vowel and coda agree (all stressed on the last syllable). */
const RHYMES: readonly (readonly string[])[] = [
  ['night', 'light', 'flight', 'sight', 'height'],
  ['day', 'way', 'bay', 'play', 'spray'],
  ['sea', 'tree', 'key', 'lee', 'spree'],
  ['fire', 'wire', 'choir', 'spire', 'pyre'],
  ['rain', 'lane', 'chain', 'train', 'plain'],
  ['start', 'part', 'art', 'chart', 'cart'],
  ['stone', 'bone', 'throne', 'phone', 'zone'],
  ['sky', 'eye', 'lullaby', 'July', 'reply'],
  ['sun', 'run', 'one', 'fun'],
  ['shore', 'door', 'floor', 'core', 'roar'],
  ['dream', 'stream', 'beam', 'seam', 'team'],
  ['song', 'throng', 'gong'],
  ['gold', 'cold', 'fold', 'hold', 'old'],
  ['sound', 'ground', 'round', 'mound'],
  ['spring', 'ring', 'wing', 'string', 'king'],
];

const LEADS = ['', 'and', 'so', 'oh', 'now', 'still', 'then', 'yeah', 'and now', 'so now', 'oh and'];
/** Verb phrases around a theme word ({T}); they end where a preposition and the rhyme noun follow. */
const CORES = [
  '{T}', 'my {T}', 'our {T}', 'the {T}', 'we {T}', 'I see {T}', 'you and {T}',
  'I carry {T}', 'we follow {T}', 'you whisper {T}', 'I hold on to {T}', 'we chase the {T}', 'I found my {T}',
  'we sing of {T}', 'my {T} is burning', 'your {T} is calling', 'the {T} keeps turning', 'we run with {T}',
  'I dance with {T}', 'we lose the {T}', 'I keep the {T}', 'we light the {T}', 'my heart and {T}', 'I wait for {T}',
  'we dream of {T}', 'the {T} is rising', 'I never left the {T}',
];
const PREPS = ['in', 'through', 'by', 'in the', 'through the', 'across the', 'beneath the', 'into the', 'under the', 'along the', 'toward the', 'by the', 'on the', 'to the'];

const STOP = new Set(('a an the and or but so of to in on at by for with about from into over under up down out is are was were be been am i me my you your we our us they them their he she it its this that these those ' +
  'song songs music track tracks beat beats tune style vibe vibes feel feeling sound sounds like make write lyrics lyric verse chorus bridge ' +
  'pop rock jazz folk reggae edm techno house hiphop rap metal blues country soul funk synthwave ambient lofi disco punk indie acoustic electronic ' +
  'some very really just more most much many slow fast upbeat uplifting sad happy dark bright warm cold driving').split(' '));

const syllables = (text: string): number => text.split(/\s+/).filter(Boolean).reduce((n, w) => n + syllabify(w).length, 0);

/** The rhyme of an end word: its last vowel group and what follows (spelling-based; the families agree on it or sound alike). */
export function rhymeFamilyOf(word: string): number {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  return RHYMES.findIndex((family) => family.includes(w));
}

/** Content words of the prompt, in order of appearance, singable (1–2 syllables). */
export function themeWordsOf(prompt: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of prompt.toLowerCase().split(/[^a-z']+/)) {
    const w = raw.replace(/'/g, '');
    if (w.length < 3 || STOP.has(w) || seen.has(w)) continue;
    const n = syllabify(w).length;
    if (n < 1 || n > 2) continue;
    seen.add(w);
    out.push(w);
  }
  return out.length > 0 ? out : ['heart', 'road', 'light'];
}

class LineWriter {
  private readonly usedEnds = new Set<string>();
  constructor(private readonly rng: Rng, private readonly themes: string[]) {}

  /** A line of exactly `metre` syllables ending in a word of `family`. */
  line(metre: number, family: number): string {
    const ends = RHYMES[family]!.filter((w) => !this.usedEnds.has(w));
    const endPool = ends.length > 0 ? ends : [...RHYMES[family]!];
    // Deterministic search in a seeded order: the first combination with the exact syllable count wins.
    for (const end of this.shuffled(endPool)) {
      for (const core of this.shuffled(CORES)) {
        for (const theme of this.shuffled(this.themes)) {
          for (const prep of this.shuffled(PREPS)) {
            for (const lead of this.shuffled(LEADS)) {
              const text = [lead, core.replace('{T}', theme), prep, end].filter(Boolean).join(' ');
              if (syllables(text) === metre) {
                this.usedEnds.add(end);
                return text.charAt(0).toUpperCase() + text.slice(1);
              }
            }
          }
        }
      }
    }
    throw new RangeError(`no line of ${metre} syllables ends in the ${RHYMES[family]![0]} rhyme`);
  }

  /** Distinct rhyme families for a section's letters. */
  families(count: number): number[] {
    return this.shuffled(RHYMES.map((_, i) => i)).slice(0, count);
  }

  private shuffled<T>(items: readonly T[]): T[] {
    const a = [...items];
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.rng.int(0, i);
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  }
}

function writeSection(writer: LineWriter, name: string, metre: number, scheme: string): LyricsSection {
  const letters = [...new Set(scheme)];
  const families = writer.families(letters.length);
  const lines = [...scheme].map((letter) => writer.line(metre, families[letters.indexOf(letter)]!));
  return { name, metre, scheme, lines };
}

const render = (sections: LyricsSection[]) => sections.map((s) => `[${s.name}]\n${s.lines.join('\n')}`).join('\n\n');

/** The typical line length of existing lyrics (median syllables of their sung lines), bounded to a singable range. */
function metreOf(lyrics: string): number {
  const counts = lyrics
    .split(/\r?\n/)
    .filter((l) => l.trim() && !/^\s*[[(].*[\])]\s*$/.test(l))
    .map(syllables)
    .sort((a, b) => a - b);
  const median = counts.length > 0 ? counts[Math.floor(counts.length / 2)]! : 8;
  return Math.max(6, Math.min(12, median));
}

/**
 * Writes a song (Verse, Chorus, Verse, Chorus, Bridge, Chorus; verses in 8 syllables AABB, the chorus in
 * 6 syllables ABAB, the bridge in 7 syllables AA) or, with base lyrics, continues them with a verse, a
 * bridge and a chorus in the base's metre. Deterministic per prompt and seed.
 */
export function writeLyrics(request: LyricsRequest): WrittenLyrics {
  const seed = request.seed ?? hashString(request.prompt);
  const rng = new Rng(combineSeeds(hashString(request.prompt), seed >>> 0));
  const themes = themeWordsOf(request.prompt);
  const writer = new LineWriter(rng, themes);
  const base = request.baseLyrics?.trim();
  let sections: LyricsSection[];
  let content: string;
  if (base) {
    const metre = metreOf(base);
    const verseNumber = (base.match(/^\s*\[\s*verse/gim)?.length ?? 0) + 1;
    sections = [
      writeSection(writer, `Verse ${verseNumber}`, metre, 'AABB'),
      writeSection(writer, 'Bridge', metre, 'AA'),
      writeSection(writer, 'Chorus', metre, 'ABAB'),
    ];
    content = `${base}\n\n${render(sections)}`;
  } else {
    const chorus = writeSection(writer, 'Chorus', 6, 'ABAB');
    sections = [writeSection(writer, 'Verse 1', 8, 'AABB'), chorus, writeSection(writer, 'Verse 2', 8, 'AABB'), chorus, writeSection(writer, 'Bridge', 7, 'AA'), chorus];
    content = render(sections);
  }
  const title = themes.slice(0, 2).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
  return { title, content, sections, themeWords: themes, metadata: { writer: LYRICS_WRITER_NAME, version: LYRICS_WRITER_VERSION, seed, extension: Boolean(base) } };
}

/** Syllables of a line as the vocal engine counts them (exported for checks and tests). */
export const countSyllables = syllables;

// Lyrics to singable syllables: a rough English syllabifier that also tags each syllable's vowel and onset.

export type Vowel = 'a' | 'e' | 'i' | 'o' | 'u';
export type Onset = 'none' | 'nasal' | 'liquid' | 'plosive' | 'fricative';

export interface Syllable {
  text: string;
  vowel: Vowel;
  onset: Onset;
}

export type LyricLine = Syllable[];

export interface LyricSheet {
  /** Blocks tagged by section header ([Verse], [Chorus], ...); untagged lyrics go to 'any'. */
  verse: LyricLine[][];
  chorus: LyricLine[][];
  bridge: LyricLine[][];
  any: LyricLine[];
  lineCount: number;
}

function onsetOf(consonants: string): Onset {
  if (!consonants) return 'none';
  const c = consonants[consonants.length - 1]!;
  if (consonants.endsWith('sh') || consonants.endsWith('th') || consonants.endsWith('ch')) return 'fricative';
  if ('mn'.includes(c)) return 'nasal';
  if ('lrwy'.includes(c)) return 'liquid';
  if ('sfhvz'.includes(c)) return 'fricative';
  return 'plosive';
}

function vowelOf(group: string): Vowel {
  if (group.startsWith('ee') || group.startsWith('ea') || group.startsWith('ie')) return 'i';
  if (group.startsWith('oo') || group.startsWith('ou')) return 'u';
  if (group.startsWith('ai') || group.startsWith('ay') || group.startsWith('ey')) return 'e';
  const c = group[0]!;
  if (c === 'y' || c === 'i') return 'i';
  return c as Vowel;
}

export function syllabify(word: string): Syllable[] {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (!w) return [];
  const groups: { start: number; text: string }[] = [];
  const re = /[aeiouy]+/g;
  for (let m = re.exec(w); m; m = re.exec(w)) {
    // A leading 'y' before a vowel is a consonant ('you', 'yes').
    if (m.index === 0 && m[0].length > 1 && m[0][0] === 'y') groups.push({ start: 1, text: m[0].slice(1) });
    else groups.push({ start: m.index, text: m[0] });
  }
  if (groups.length === 0) return [{ text: w, vowel: 'a', onset: onsetOf(w) }];
  // Silent final 'e' ('love', 'time') is not a syllable, but 'le' endings ('little') are.
  const last = groups[groups.length - 1]!;
  if (groups.length > 1 && last.text === 'e' && last.start === w.length - 1 && !w.endsWith('le')) groups.pop();
  const out: Syllable[] = [];
  let prevEnd = 0;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    const before = w.slice(prevEnd, g.start);
    // Between vowels the last consonant starts the next syllable; word-initial clusters stay whole.
    const onsetCluster = i === 0 ? before : before.slice(-1);
    const nextStart = groups[i + 1]?.start ?? w.length;
    const end = i === groups.length - 1 ? w.length : Math.max(g.start + g.text.length, nextStart - 1);
    out.push({ text: w.slice(i === 0 ? 0 : g.start - onsetCluster.length, end), vowel: vowelOf(g.text), onset: onsetOf(onsetCluster) });
    prevEnd = end;
  }
  return out;
}

export function syllabifyLine(line: string): LyricLine {
  return line.split(/\s+/).flatMap(syllabify);
}

const HEADER = /^\s*[[(]\s*([a-z -]+?)\s*\d*\s*[\])]\s*:?\s*$/i;

/** The written text of each parsed line (its syllables lose the word breaks): what timestamped lyrics show. */
export const LINE_TEXT = new WeakMap<LyricLine, string>();

export function parseLyrics(text: string): LyricSheet {
  const sheet: LyricSheet = { verse: [], chorus: [], bridge: [], any: [], lineCount: 0 };
  let current: LyricLine[] | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const header = HEADER.exec(raw);
    if (header) {
      const name = header[1]!.toLowerCase();
      current = [];
      if (name.includes('chorus') && !name.includes('pre')) sheet.chorus.push(current);
      else if (name.includes('hook') || name.includes('refrain')) sheet.chorus.push(current);
      else if (name.includes('verse') || name.includes('pre')) sheet.verse.push(current);
      else if (name.includes('bridge')) sheet.bridge.push(current);
      else current = null; // intro/outro/instrumental tags: lyrics there are sung as untagged lines
      continue;
    }
    const line = syllabifyLine(raw.trim());
    if (line.length === 0) continue;
    LINE_TEXT.set(line, raw.trim());
    sheet.lineCount++;
    if (current) current.push(line);
    else sheet.any.push(line);
  }
  return sheet;
}

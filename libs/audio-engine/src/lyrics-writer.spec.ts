import { describe, expect, it } from '@jest/globals';
import { countSyllables, rhymeFamilyOf, themeWordsOf, writeLyrics } from './lyrics-writer.js';

const lastWord = (line: string) => line.trim().split(/\s+/).pop()!;

describe('writeLyrics', () => {
  const song = writeLyrics({ prompt: 'warm acoustic folk about the harbour at dawn', seed: 1 });

  it('builds the song from the prompt\'s words, in sections, and says it is the local writer', () => {
    expect(themeWordsOf('warm acoustic folk about the harbour at dawn')).toEqual(['harbour', 'dawn']);
    expect(song.title).toBe('Harbour Dawn');
    expect(song.sections.map((s) => s.name)).toEqual(['Verse 1', 'Chorus', 'Verse 2', 'Chorus', 'Bridge', 'Chorus']);
    expect(song.content).toMatch(/^\[Verse 1\]\n/);
    expect(song.content).toContain('\n\n[Chorus]\n');
    expect(song.metadata.writer).toBe('muse-local-lyrics-writer');
    const body = song.sections.flatMap((s) => s.lines).join(' ').toLowerCase();
    expect(body).toContain('harbour');
    expect(body).toContain('dawn');
  });

  it('keeps the metre: every line of a section has the section\'s syllable count', () => {
    for (const s of song.sections) {
      expect(s.metre).toBe(s.name === 'Chorus' ? 6 : s.name === 'Bridge' ? 7 : 8);
      for (const line of s.lines) expect(countSyllables(line)).toBe(s.metre);
    }
  });

  it('rhymes the line ends by the section\'s scheme, and different letters do not rhyme', () => {
    for (const s of song.sections) {
      const families = s.lines.map((l) => rhymeFamilyOf(lastWord(l)));
      expect(families.every((f) => f >= 0)).toBe(true);
      [...s.scheme].forEach((letter, i) => {
        [...s.scheme].forEach((other, j) => {
          if (letter === other) expect(families[i]).toBe(families[j]);
          else expect(families[i]).not.toBe(families[j]);
        });
      });
    }
  });

  it('is deterministic per seed, differs between seeds, and extends base lyrics in their metre', () => {
    expect(writeLyrics({ prompt: 'warm acoustic folk about the harbour at dawn', seed: 1 }).content).toBe(song.content);
    expect(writeLyrics({ prompt: 'warm acoustic folk about the harbour at dawn', seed: 2 }).content).not.toBe(song.content);
    const base = '[Verse]\nWalking down the empty street tonight\nEvery window holds a little light';
    const more = writeLyrics({ prompt: 'city lights', baseLyrics: base, seed: 3 });
    expect(more.content.startsWith(base)).toBe(true);
    expect(more.sections.map((s) => s.name)).toEqual(['Verse 2', 'Bridge', 'Chorus']);
    // The base's lines have 9 and 10 syllables: the continuation takes the (upper) median.
    expect(['Walking down the empty street tonight', 'Every window holds a little light'].map(countSyllables)).toEqual([9, 10]);
    for (const s of more.sections) for (const line of s.lines) expect(countSyllables(line)).toBe(10);
    expect(more.metadata.extension).toBe(true);
  });
});

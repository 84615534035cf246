import { describe, expect, it } from '@jest/globals';
import { parseLyrics, syllabify, syllabifyLine } from './lyrics.js';

describe('lyrics', () => {
  it('counts syllables of common words', () => {
    const count = (w: string): number => syllabify(w).length;
    expect(count('love')).toBe(1);
    expect(count('time')).toBe(1);
    expect(count('little')).toBe(2);
    expect(count('beautiful')).toBe(3);
    expect(count('tonight')).toBe(2);
    expect(count('you')).toBe(1);
    expect(count('melody')).toBe(3);
    expect(syllabifyLine("Don't stop believing").length).toBe(5);
  });

  it('tags vowels and onsets', () => {
    const [s] = syllabify('sea');
    expect(s).toMatchObject({ vowel: 'i', onset: 'fricative' });
    expect(syllabify('moon')[0]).toMatchObject({ vowel: 'u', onset: 'nasal' });
    expect(syllabify('go')[0]).toMatchObject({ vowel: 'o', onset: 'plosive' });
    expect(syllabify('away')[0]).toMatchObject({ onset: 'none' });
  });

  it('splits tagged sections and keeps untagged lines', () => {
    const sheet = parseLyrics('[Verse 1]\nWalking down the road\n\n[Chorus]\nSing it loud\nSing it proud\n[Verse 2]\nAnother day');
    expect(sheet.verse).toHaveLength(2);
    expect(sheet.chorus).toHaveLength(1);
    expect(sheet.chorus[0]).toHaveLength(2);
    expect(sheet.lineCount).toBe(4);
    const plain = parseLyrics('one line\nanother line');
    expect(plain.any).toHaveLength(2);
  });
});

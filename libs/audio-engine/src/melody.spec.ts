import { describe, expect, it } from '@jest/globals';
import { buildChordSlots, makeGrid, planSections } from './arrangement.js';
import { parseLyrics, syllabifyLine } from './lyrics.js';
import { lyricCursor, phraseSteps, phrasesToVocals, writeMelody } from './melody.js';
import type { MelodyEnv } from './melody.js';
import { Rng } from './rng.js';
import { chordIntervals, parseRoman, SCALES } from './theory.js';

function env(bars = 40): MelodyEnv {
  const grid = makeGrid('4/4', 120, bars * 2, 0, 16);
  const sections = planSections(grid.totalBars, 4);
  const chords = ['I', 'V', 'vi', 'IV'].map((r) => parseRoman(r, 0));
  const slots = buildChordSlots(grid, sections, chords, 1, chords[0]!);
  return { grid, sections, slots, scale: SCALES.major, tonicPc: 0 };
}

describe('melody', () => {
  it('repeats a section type with the same tune (verse 2 = verse 1)', () => {
    const e = env();
    const phrases = writeMelody(e, { density: 0.5, rng: new Rng(3), types: ['verse', 'chorus'] });
    const verses = e.sections.filter((s) => s.type === 'verse');
    expect(verses.length).toBeGreaterThanOrEqual(2);
    const tune = (idx: number) => phrases.filter((p) => p.section.index === verses[idx]!.index).map((p) => p.notes.map((n) => [n.step - p.section.startBar * 16, n.degree]));
    expect(tune(1)).toEqual(tune(0));
  });

  it('stays in the scale and lands strong beats on chord tones', () => {
    const e = env();
    const phrases = writeMelody(e, { density: 0.6, rng: new Rng(9), types: ['verse', 'chorus', 'bridge'] });
    let strong = 0;
    let onChord = 0;
    for (const p of phrases) {
      for (const n of p.notes) {
        if (n.step % e.grid.stepsPerBeat !== 0) continue;
        strong++;
        const slot = e.slots.filter((s) => s.startStep <= n.step).pop()!;
        const pc = (((SCALES.major[((n.degree % 7) + 7) % 7]!) % 12) + 12) % 12;
        if (chordIntervals(slot.chord.quality).some((iv) => (slot.chord.root + iv) % 12 === pc)) onChord++;
      }
    }
    expect(strong).toBeGreaterThan(20);
    expect(onChord / strong).toBeGreaterThan(0.95);
  });

  it('gives each lyric line one note per syllable (up to what the phrase can hold)', () => {
    const e = env();
    const lyrics = '[Verse]\nI was walking down the street tonight\nLooking for a sign\n[Chorus]\nHold me\nNever let me go';
    const sheet = parseLyrics(lyrics);
    const phrases = writeMelody(e, { density: 0.5, rng: new Rng(1), types: ['verse', 'chorus'] }, lyricCursor(sheet));
    const capacity = phraseSteps(e.grid) - 2;
    for (const p of phrases) {
      expect(p.line).toBeDefined();
      expect(p.notes.length).toBe(Math.min(p.line!.length, capacity));
    }
    const chorusLines = phrases.filter((p) => p.section.type === 'chorus').map((p) => p.line!.map((s) => s.text).join(''));
    expect(new Set(chorusLines)).toEqual(new Set(['holdme', 'neverletmego']));
    expect(phrases.find((p) => p.section.type === 'verse')!.notes).toHaveLength(syllabifyLine('I was walking down the street tonight').length);
    const sung = phrasesToVocals(e, phrases, 60, new Rng(2));
    expect(sung.filter((n) => !n.harmony).length).toBe(phrases.reduce((a, p) => a + p.notes.length, 0));
    expect(sung.some((n) => n.harmony)).toBe(true);
  });
});

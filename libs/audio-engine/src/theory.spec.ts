import { describe, expect, it } from '@jest/globals';
import { chordName, degreeToMidi, parseChordName, parseRoman, SCALES, voiceChord } from './theory.js';

describe('theory', () => {
  it('parses roman numerals in any key', () => {
    expect(chordName(parseRoman('vi', 0))).toBe('Am');
    expect(chordName(parseRoman('bVII', 9))).toBe('G');
    expect(chordName(parseRoman('ii7', 0))).toBe('Dm7');
    expect(chordName(parseRoman('V7', 7))).toBe('D7');
    expect(chordName(parseRoman('iiø7', 9))).toBe('Bm7b5');
    expect(chordName(parseRoman('Imaj7', 5))).toBe('Fmaj7');
    expect(() => parseRoman('Q', 0)).toThrow();
  });

  it('round-trips chord names', () => {
    for (const n of ['C', 'F#m7', 'Bbmaj7', 'Cm(add9)', 'E5', 'Abdim']) expect(chordName(parseChordName(n))).toBe(n);
  });

  it('maps scale degrees across octaves', () => {
    expect(degreeToMidi(SCALES.major, 60, 0)).toBe(60);
    expect(degreeToMidi(SCALES.major, 60, 7)).toBe(72);
    expect(degreeToMidi(SCALES.major, 60, -1)).toBe(59);
    expect(degreeToMidi(SCALES['minor pentatonic'], 57, 5)).toBe(69);
  });

  it('voices chords inside the range with smooth voice leading', () => {
    const c = voiceChord(parseRoman('I', 0), null, 52, 74, 0.2);
    expect(c.every((m) => m >= 52 && m <= 74)).toBe(true);
    const f = voiceChord(parseRoman('IV', 0), c, 52, 74, 0.2);
    const moved = f.reduce((sum, n) => sum + Math.min(...c.map((p) => Math.abs(n - p))), 0);
    expect(moved).toBeLessThanOrEqual(5);
  });
});

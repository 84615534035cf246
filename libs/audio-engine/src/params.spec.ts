import { describe, expect, it } from '@jest/globals';
import { deriveSongParams, referenceApplied, validateDuration } from './params.js';

describe('deriveSongParams', () => {
  it('is deterministic for the same request and variant', () => {
    const req = { prompt: 'dreamy synthwave night drive', seed: 42 };
    expect(deriveSongParams(req, 0)).toEqual(deriveSongParams(req, 0));
    expect(deriveSongParams(req, 1)).toEqual(deriveSongParams(req, 1));
  });

  it('steers tempo with genre and mood words', () => {
    const slow = deriveSongParams({ prompt: 'sad slow ballad', seed: 1 }, 0);
    const fast = deriveSongParams({ prompt: 'energetic drum and bass', seed: 1 }, 0);
    expect(slow.tempoBpm).toBeLessThan(fast.tempoBpm);
    expect(fast.genre).toBe('drum and bass');
    expect(fast.tempoBpm).toBeGreaterThanOrEqual(160);
    expect(slow.tempoBpm).toBeLessThan(100);
  });

  it('holds across many seeds: sad prompts are minor, happy prompts major', () => {
    for (let seed = 0; seed < 40; seed++) {
      expect(deriveSongParams({ prompt: 'a sad melancholic song about rain', seed }, 0).mode).toBe('minor');
      expect(deriveSongParams({ prompt: 'happy uplifting summer song', seed }, seed % 2).mode).toBe('major');
    }
  });

  it('reads genre, mood and style tags, with the explicit fields weighted highest', () => {
    const p = deriveSongParams({ prompt: 'something for the weekend', styleTags: ['lofi', 'chill'], seed: 3 }, 0);
    expect(p.genre).toBe('lofi');
    expect(p.mood).toBe('calm');
    const q = deriveSongParams({ prompt: 'a rock song', genre: 'jazz', mood: 'dark', seed: 3 }, 0);
    expect(q.genre).toBe('jazz');
    expect(q.mood).toBe('dark');
    expect(q.mode).toBe('minor');
  });

  it('honours an explicit key, tempo and meter in the prompt', () => {
    const p = deriveSongParams({ prompt: 'a waltz in F# minor at 96 bpm', seed: 9 }, 1);
    expect(p.key).toBe('F#');
    expect(p.mode).toBe('minor');
    expect(p.tempoBpm).toBe(96);
    expect(p.timeSignature).toBe('3/4');
    expect(deriveSongParams({ prompt: 'folk tune in 6/8, key of D', seed: 1 }, 0)).toMatchObject({ key: 'D', timeSignature: '6/8' });
  });

  it('takes tempo and key from a reference unless the prompt names its own', () => {
    const plain = { prompt: 'dreamy ambient pads', seed: 4 };
    const reference = { tempoBpm: 131.6, key: 'E', mode: 'minor' as const };
    for (const variant of [0, 1]) {
      const p = deriveSongParams({ ...plain, reference }, variant);
      expect(p).toMatchObject({ tempoBpm: 132, key: 'E', mode: 'minor' });
      // Only tempo and key move: the song's character is the prompt's.
      const without = deriveSongParams(plain, variant);
      expect(without.tempoBpm).toBeLessThan(100);
      expect({ ...p, tempoBpm: 0, key: '', mode: '', scale: '', chordProgression: [] }).toEqual({ ...without, tempoBpm: 0, key: '', mode: '', scale: '', chordProgression: [] });
    }
    expect(deriveSongParams({ prompt: 'dreamy ambient pads at 90 bpm in key of D major', seed: 4, reference }, 0)).toMatchObject({ tempoBpm: 90, key: 'D', mode: 'major' });
    expect(deriveSongParams({ ...plain, reference: { tempoBpm: 400 } }, 0).tempoBpm).toBe(220);
    expect(deriveSongParams({ ...plain, reference: { key: 'A#' } }, 0).key).toBe('Bb');
    expect(referenceApplied({ ...plain, reference })).toEqual({ tempo: true, key: true });
    expect(referenceApplied({ prompt: 'pads at 90 bpm in key of D major', reference })).toEqual({ tempo: false, key: false });
    expect(referenceApplied({ ...plain, reference: { tempoBpm: 100 } })).toEqual({ tempo: true, key: false });
    expect(() => deriveSongParams({ ...plain, reference: { tempoBpm: Number.NaN } }, 0)).toThrow(RangeError);
    expect(() => deriveSongParams({ ...plain, reference: { key: 'H' } }, 0)).toThrow(RangeError);
  });

  it('does not mistake ordinary words for keys', () => {
    for (let seed = 0; seed < 5; seed++) {
      const p = deriveSongParams({ prompt: 'in a dark room, a minor detail', seed }, 0);
      expect(p).toEqual(deriveSongParams({ prompt: 'in a dark room, a minor detail', seed }, 0));
    }
    const keys = new Set(Array.from({ length: 12 }, (_, seed) => deriveSongParams({ prompt: 'in a dark room', seed }, 0).key));
    expect(keys.size).toBeGreaterThan(1);
  });

  it('still produces a valid song for unknown words', () => {
    const p = deriveSongParams({ prompt: 'zxqv blorp fnord', seed: 5 }, 0);
    expect(p.genre.length).toBeGreaterThan(0);
    expect(p.tempoBpm).toBeGreaterThanOrEqual(40);
    expect(p.tempoBpm).toBeLessThanOrEqual(220);
    expect(p.chordProgression.length).toBeGreaterThanOrEqual(2);
    expect(['4/4', '3/4', '6/8']).toContain(p.timeSignature);
  });

  it('gives sibling variants the same character but different material', () => {
    for (let seed = 0; seed < 10; seed++) {
      const req = { prompt: 'upbeat pop song about friendship', seed };
      const a = deriveSongParams(req, 0);
      const b = deriveSongParams(req, 1);
      expect(b.genre).toBe(a.genre);
      expect(b.mood).toBe(a.mood);
      expect(b.mode).toBe(a.mode);
      expect(b.seed).toBe(a.seed);
      expect(Math.abs(a.tempoBpm - b.tempoBpm)).toBeLessThanOrEqual(8);
      expect(b.chordProgression).not.toEqual(a.chordProgression);
    }
  });

  it('derives a seed from the text when none is given, and changes with the seed', () => {
    const a = deriveSongParams({ prompt: 'funky disco groove' }, 0);
    expect(a).toEqual(deriveSongParams({ prompt: 'funky disco groove' }, 0));
    expect(deriveSongParams({ prompt: 'funky disco groove', seed: 1 }, 0).seed).toBe(1);
    expect(deriveSongParams({ prompt: 'funky disco groove', seed: 2 }, 0)).not.toEqual(deriveSongParams({ prompt: 'funky disco groove', seed: 1 }, 0));
  });

  it('tracks vocals: instrumental flag, lyrics and prompt words', () => {
    expect(deriveSongParams({ prompt: 'pop', instrumental: true }, 0).hasVocals).toBe(false);
    expect(deriveSongParams({ prompt: 'pop', instrumental: false }, 0).hasVocals).toBe(true);
    expect(deriveSongParams({ prompt: 'instrumental pop' }, 0).hasVocals).toBe(false);
    expect(deriveSongParams({ prompt: 'instrumental pop', lyrics: 'la la la' }, 0).hasVocals).toBe(true);
    const withVox = deriveSongParams({ prompt: 'pop with female vocals', instrumental: false }, 0);
    expect(withVox.instruments).toContain('female vocals');
  });

  it('lets instrument words choose the instruments', () => {
    expect(deriveSongParams({ prompt: 'sad piano ballad', seed: 1 }, 0).instruments).toContain('grand piano');
    expect(deriveSongParams({ prompt: 'jazz with saxophone', seed: 1 }, 1).instruments).toContain('brass');
  });

  it('defaults, clamps and validates duration', () => {
    expect(deriveSongParams({ prompt: 'x' }, 0).durationSeconds).toBe(30);
    expect(deriveSongParams({ prompt: 'x', durationSeconds: 240 }, 0).durationSeconds).toBe(240);
    expect(deriveSongParams({ prompt: 'x', durationSeconds: 5 }, 0).durationSeconds).toBe(5);
    for (const bad of [4.99, 0, -3, 240.5, 1000, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => deriveSongParams({ prompt: 'x', durationSeconds: bad }, 0)).toThrow(RangeError);
    }
    expect(() => validateDuration('12' as unknown as number)).toThrow(RangeError);
  });

  it('rejects invalid variant indices and seeds', () => {
    expect(() => deriveSongParams({ prompt: 'x' }, -1)).toThrow(RangeError);
    expect(() => deriveSongParams({ prompt: 'x' }, 0.5)).toThrow(RangeError);
    expect(() => deriveSongParams({ prompt: 'x', seed: Number.NaN }, 0)).toThrow(RangeError);
  });
});

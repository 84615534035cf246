import { describe, expect, it } from '@jest/globals';
import { analyseMusic, estimateKey } from './music-analysis.js';
import { renderSong } from './render.js';

describe('analyseMusic', () => {
  it.each([
    ['upbeat pop in the key of D minor, 124 bpm', 124, 'D', 'minor'],
    ['calm folk song, key of G major, 96 bpm', 96, 'G', 'major'],
    ['electronic house track in A minor 128 bpm', 128, 'A', 'minor'],
  ] as const)('finds tempo and key of an engine render: %s', (prompt, bpm, key, mode) => {
    const song = renderSong({ prompt, durationSeconds: 20, seed: 5, instrumental: true }, 0);
    expect(song.params).toMatchObject({ tempoBpm: bpm, key, mode }); // what was asked is what was rendered
    const found = analyseMusic(song.mix, 44100);
    expect(Math.abs(found.tempoBpm - bpm)).toBeLessThan(1.5);
    expect([found.key, found.mode]).toEqual([key, mode]);
  });

  it('reads a pure triad as its key', () => {
    const chroma = new Array(12).fill(0.05);
    chroma[2] = chroma[5] = chroma[9] = 1; // D F A
    expect(estimateKey(chroma)).toMatchObject({ key: 'D', mode: 'minor' });
  });
});

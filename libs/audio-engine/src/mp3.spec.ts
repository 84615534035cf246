import { describe, expect, it } from '@jest/globals';
import { generateSongFiles } from './generate.js';
import { decodeMp3 } from './mp3-decode.js';
import { encodeMp3 } from './mp3-encode.js';
import { renderSong } from './render.js';

function rms(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / x.length);
}

// lamejs is the slow part of this suite, so one generated pair of variants is shared by the tests.
const req = { prompt: 'driving synthwave with vocals', durationSeconds: 5, seed: 21, instrumental: false };
const files = generateSongFiles(req);
const mp3 = files.variants[0]!.mp3;

describe('generateSongFiles', () => {
  it('renders two distinct variants with MP3 and cover', () => {
    expect(files.variants.map((v) => v.variantIndex)).toEqual([0, 1]);
    for (const v of files.variants) {
      expect(v.durationSeconds).toBeCloseTo(5, 5);
      expect(v.params.durationSeconds).toBe(5);
      expect(v.cover.subarray(0, 2).equals(Buffer.from([0xff, 0xd8]))).toBe(true);
    }
    expect(files.variants[0]!.mp3.equals(files.variants[1]!.mp3)).toBe(false);
  });

  it('throws RangeError for invalid durations before doing any work', () => {
    expect(() => generateSongFiles({ prompt: 'x', durationSeconds: 3 })).toThrow(RangeError);
    expect(() => generateSongFiles({ prompt: 'x', durationSeconds: 241 })).toThrow(RangeError);
  });
});

describe('MP3 encode/decode', () => {
  it('produces MPEG audio frames at roughly the requested bitrate', () => {
    // No ID3 tag: the stream starts with an 11-bit frame sync.
    expect(mp3[0]).toBe(0xff);
    expect(mp3[1]! & 0xe0).toBe(0xe0);
    const kbps = (mp3.length * 8) / 1000 / 5;
    expect(kbps).toBeGreaterThan(170);
    expect(kbps).toBeLessThan(215);
    const song = renderSong(req, 0);
    const excerpt = { left: song.mix.left.subarray(0, 2 * 44100), right: song.mix.right.subarray(0, 2 * 44100) };
    expect((encodeMp3(excerpt, 44100, 96).length * 8) / 1000 / 2).toBeLessThan(120);
  });

  it('decodes both variants to stereo 44.1 kHz of the requested duration with real content', async () => {
    for (const v of files.variants) {
      const decoded = await decodeMp3(v.mp3);
      expect(decoded.sampleRate).toBe(44100);
      expect(decoded.left.length).toBe(decoded.right.length);
      expect(Math.abs(decoded.durationSeconds - 5)).toBeLessThanOrEqual(0.15);
      expect(rms(decoded.left)).toBeGreaterThan(0.05);
      expect(rms(decoded.right)).toBeGreaterThan(0.05);
      // The channels are genuinely different (panned parts), not dual mono.
      let diff = 0;
      for (let i = 0; i < decoded.left.length; i += 7) diff += Math.abs(decoded.left[i]! - decoded.right[i]!);
      expect(diff).toBeGreaterThan(1);
    }
  });

  it('is byte-identical for identical input and differs with the seed', () => {
    expect(encodeMp3(renderSong(req, 0).mix, 44100).equals(mp3)).toBe(true);
    expect(encodeMp3(renderSong({ ...req, seed: 22 }, 0).mix, 44100).equals(mp3)).toBe(false);
  });

  it('clips out-of-range input instead of wrapping around', async () => {
    const n = 44100;
    const loud = { left: new Float32Array(n).fill(3), right: new Float32Array(n).fill(-3) };
    const decoded = await decodeMp3(encodeMp3(loud, 44100));
    const mid = Math.floor(decoded.left.length / 2);
    expect(decoded.left[mid]!).toBeGreaterThan(0.5);
    expect(decoded.right[mid]!).toBeLessThan(-0.5);
  });

  it('rejects mismatched channels', () => {
    expect(() => encodeMp3({ left: new Float32Array(10), right: new Float32Array(11) }, 44100)).toThrow(RangeError);
  });
});

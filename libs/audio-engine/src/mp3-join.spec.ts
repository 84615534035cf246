import { describe, expect, it } from '@jest/globals';
import { decodeMp3 } from './mp3-decode.js';
import { encodeMp3 } from './mp3-encode.js';
import { scanMp3Frames } from './mp3-frames.js';
import { joinMp3Streams } from './mp3-join.js';
import { renderSong } from './render.js';
import type { StereoBuffer } from './types.js';

const FRAME = 1152;
const DELAY = 1105; // encoder + decoder delay (apps/generation-worker audio-source.ts)

/** SNR (dB) of the decoded file against the source over source samples [from, to), both channels. */
function snr(src: StereoBuffer, decoded: StereoBuffer, from: number, to: number): number {
  let s = 0, e = 0;
  for (const ch of ['left', 'right'] as const) {
    for (let i = from; i < to; i++) {
      const x = src[ch][i]!, y = decoded[ch][i + DELAY]!;
      s += x * x;
      e += (x - y) ** 2;
    }
  }
  return 10 * Math.log10(s / e);
}

const part = (mix: StereoBuffer, from: number, to?: number): StereoBuffer => ({ left: mix.left.subarray(from, to), right: mix.right.subarray(from, to) });

describe('joinMp3Streams (one song encoded as two overlapping halves)', () => {
  it.each([
    ['sung pop', { prompt: 'energetic electronic pop anthem with female vocals', durationSeconds: 24, seed: 3 }],
    ['jazz transformation', { prompt: 'jazz, smooth jazz, piano, saxophone, 97 bpm, key of D minor', genre: 'jazz', instrumental: true, durationSeconds: 24, seed: 9 }],
    ['metal', { prompt: 'metal', durationSeconds: 24, seed: 5 }],
  ])('gives a file as long and as good as one encoder\'s, the same bytes up to the seam: %s', async (_, req) => {
    const mix = renderSong(req, 0).mix;
    const n = mix.left.length;
    const whole = encodeMp3(mix, 44100, 192);
    const middle = Math.floor(n / 2 / FRAME);
    const first = encodeMp3(part(mix, 0, (middle + 36) * FRAME), 44100, 192);
    const second = encodeMp3(part(mix, (middle - 16) * FRAME), 44100, 192);
    const joined = joinMp3Streams(first, second, middle - 16, middle, middle + 32)!;
    expect(joined).toBeDefined();
    expect(joined.seam).toBeGreaterThanOrEqual(middle);
    // Valid frames back to back, as many as one encoder writes, and the first encoder's bytes before the seam
    // (up to the seam frame's main data it may lend space to).
    const scan = scanMp3Frames(joined.bytes);
    expect(scan.frames).toBe(scanMp3Frames(whole).frames);
    expect(joined.bytes.subarray(0, (joined.seam - 2) * 626).equals(whole.subarray(0, (joined.seam - 2) * 626))).toBe(true);
    const a = await decodeMp3(whole);
    const b = await decodeMp3(joined.bytes);
    expect(b.left.length).toBe(a.left.length);
    // The quality of one encoder's file: over the song, and over the frames around the seam (a frame decoded
    // without the bytes it borrows would be noise here).
    expect(Math.abs(snr(mix, b, 0, n - DELAY) - snr(mix, a, 0, n - DELAY))).toBeLessThan(0.05);
    const lo = (joined.seam - 3) * FRAME, hi = (joined.seam + 3) * FRAME;
    expect(snr(mix, b, lo, hi)).toBeGreaterThan(snr(mix, a, lo, hi) - 1);
    expect(snr(mix, b, lo, hi)).toBeGreaterThan(8);
  });

  it('finds no seam outside the range and the streams, and takes only MPEG-1 layer III frames', () => {
    const mix = renderSong({ prompt: 'metal', durationSeconds: 6, seed: 5 }, 0).mix;
    const first = encodeMp3(part(mix, 0, 100 * FRAME), 44100, 192);
    const second = encodeMp3(part(mix, 80 * FRAME), 44100, 192);
    expect(joinMp3Streams(first, second, 80, 90, 95)).toBeDefined();
    expect(joinMp3Streams(first, second, 80, 90, 90)).toBeUndefined(); // an empty range
    expect(joinMp3Streams(first, second, 80, 200)).toBeUndefined(); // past the end of the first stream
    expect(joinMp3Streams(first, second, 80, 79)).toBeUndefined(); // before the second stream starts
    expect(joinMp3Streams(first, encodeMp3(part(mix, 0), 22050, 64), 0, 10)).toBeUndefined(); // MPEG-2
    expect(joinMp3Streams(Buffer.from('not an mp3 at all'), second, 80, 90)).toBeUndefined();
  });
});

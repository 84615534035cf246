import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { generateVariant } from './generate.js';
import { decodeMp3 } from './mp3-decode.js';
import { encodeMp3 } from './mp3-encode.js';
import { scanMp3Frames } from './mp3-frames.js';
import { encodeMp3Parallel, generateSongFilesParallel, renderSongParallel, renderSongToMp3Parallel, VariantWorkerPool } from './parallel.js';
import { renderSong } from './render.js';
import { LAYER_NAMES } from './types.js';

// The worker entry only exists once the library is compiled (npm test builds first).
const distWorker = new URL('../dist/variant-worker.js', import.meta.url);
const haveDist = existsSync(distWorker);

describe('generateSongFilesParallel', () => {
  it('validates the request before doing any work', async () => {
    await expect(generateSongFilesParallel({ prompt: 'x', durationSeconds: 2 })).rejects.toThrow(RangeError);
  });

});

describe('VariantWorkerPool (compiled worker)', () => {
  const pool = new VariantWorkerPool(2, distWorker);
  afterAll(() => pool.close());

  (haveDist ? it : it.skip)('renders in worker threads, identically in separate isolates', async () => {
    const req = { prompt: 'funky disco groove', durationSeconds: 5, seed: 6 };
    // Two concurrent jobs land on two different workers.
    const [a, a2] = await Promise.all([pool.run(req, 1), pool.run(req, 1)]);
    expect(a!.variantIndex).toBe(1);
    expect(Buffer.isBuffer(a!.mp3)).toBe(true);
    expect(a!.mp3.equals(a2!.mp3)).toBe(true);
    expect(a!.cover.equals(a2!.cover)).toBe(true);
    // The MP3 encoder (WebAssembly, instantiated once per thread) gives the main thread's bytes too.
    expect(a!.mp3.equals(generateVariant(req, 1).mp3)).toBe(true);
    const decoded = await decodeMp3(a!.mp3);
    expect(Math.abs(decoded.durationSeconds - 5)).toBeLessThanOrEqual(0.15);
  });

  (haveDist ? it : it.skip)('reports worker-side validation errors as RangeError', async () => {
    await expect(pool.run({ prompt: 'x', durationSeconds: 999 }, 0)).rejects.toThrow(RangeError);
  });
});

describe('one song over two workers (compiled worker): stems in parallel, MP3 encoded while mastering', () => {
  const pool = new VariantWorkerPool(2, distWorker);
  afterAll(() => pool.close());
  const same = (a: Float32Array, b: Float32Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  // Long enough for several blocks of the mix to reach the encoder before the master is done.
  const req = { prompt: 'jazz, smooth jazz, piano, saxophone, 97 bpm, key of D minor', genre: 'jazz', instrumental: true, durationSeconds: 12, seed: 9 };

  (haveDist ? it : it.skip)('gives the bytes of renderSong + encodeMp3, and renderSong\'s stems and mix', async () => {
    const whole = renderSong(req, 0);
    const { song, mp3 } = await renderSongToMp3Parallel(req, 0, 192, pool);
    expect(mp3.equals(encodeMp3(whole.mix, 44100, 192))).toBe(true);
    for (const k of LAYER_NAMES) expect(same(song.layers[k].left, whole.layers[k].left) && same(song.layers[k].right, whole.layers[k].right)).toBe(true);
    expect(same(song.mix.left, whole.mix.left) && same(song.mix.right, whole.mix.right)).toBe(true);
    const sung = { prompt: 'uplifting pop anthem with female vocals', lyrics: 'everybody is singing tonight', durationSeconds: 6, seed: 11 };
    const parallel = await renderSongParallel(sung, 1, pool);
    const serial = renderSong(sung, 1);
    expect(same(parallel.mix.left, serial.mix.left)).toBe(true);
    expect(parallel.timedLyrics).toEqual(serial.timedLyrics);
  });

  (haveDist ? it : it.skip)('encodes a song of 20 s or more as two halves in two workers: encodeMp3\'s frames up to the seam, its length and quality', async () => {
    const long = { ...req, durationSeconds: 30 };
    const whole = renderSong(long, 0);
    const single = encodeMp3(whole.mix, 44100, 192);
    const { song, mp3 } = await renderSongToMp3Parallel(long, 0, 192, pool);
    expect(same(song.mix.left, whole.mix.left) && same(song.mix.right, whole.mix.right)).toBe(true);
    expect(mp3.equals(single)).toBe(false); // the second half is the second encoder's
    expect(scanMp3Frames(mp3).frames).toBe(scanMp3Frames(single).frames);
    const middle = Math.floor(whole.mix.left.length / 2 / 1152);
    expect(mp3.subarray(0, (middle - 2) * 626).equals(single.subarray(0, (middle - 2) * 626))).toBe(true);
    const a = await decodeMp3(single), b = await decodeMp3(mp3);
    expect(b.left.length).toBe(a.left.length);
    const snr = (d: { left: Float32Array }) => {
      let s = 0, e = 0;
      for (let i = 0; i + 1105 < d.left.length && i < whole.mix.left.length; i++) (s += whole.mix.left[i]! ** 2), (e += (whole.mix.left[i]! - d.left[i + 1105]!) ** 2);
      return 10 * Math.log10(s / e);
    };
    expect(Math.abs(snr(b) - snr(a))).toBeLessThan(0.05);
  });

  (haveDist ? it : it.skip)('encodeMp3Parallel: two halves from 20 s of MPEG-1 audio, else encodeMp3\'s bytes; the input is left as it was', async () => {
    const mix = renderSong({ prompt: 'energetic electronic pop anthem with female vocals', durationSeconds: 26, seed: 3 }, 0).mix;
    const copy = { left: mix.left.slice(), right: mix.right.slice() };
    const single = encodeMp3(mix, 44100, 192);
    const split = await encodeMp3Parallel(mix, 44100, 192, pool);
    expect(same(mix.left, copy.left) && same(mix.right, copy.right)).toBe(true); // not detached, not changed
    expect(split.equals(single)).toBe(false);
    expect(scanMp3Frames(split).frames).toBe(scanMp3Frames(single).frames);
    const a = await decodeMp3(single), b = await decodeMp3(split);
    expect(b.left.length).toBe(a.left.length);
    const snr = (d: { left: Float32Array }) => {
      let s = 0, e = 0;
      for (let i = 0; i + 1105 < d.left.length && i < mix.left.length; i++) (s += mix.left[i]! ** 2), (e += (mix.left[i]! - d.left[i + 1105]!) ** 2);
      return 10 * Math.log10(s / e);
    };
    expect(Math.abs(snr(b) - snr(a))).toBeLessThan(0.05);
    // Short audio, and a rate LAME writes as MPEG-2 (576-sample frames, not joined): one stream, encodeMp3's bytes.
    const short = { left: mix.left.subarray(0, 10 * 44100), right: mix.right.subarray(0, 10 * 44100) };
    expect((await encodeMp3Parallel(short, 44100, 192, pool)).equals(encodeMp3(short, 44100, 192))).toBe(true);
    expect((await encodeMp3Parallel(mix, 22050, 64, pool)).equals(encodeMp3(mix, 22050, 64))).toBe(true);
  });

  (haveDist ? it : it.skip)('encodes a stream in blocks of any size to encodeMp3\'s bytes; an aborted stream fails and frees its worker', async () => {
    const mix = renderSong({ prompt: 'funky disco groove', durationSeconds: 5, seed: 6 }, 0).mix;
    const stream = pool.encodeStream(44100, 192);
    for (let at = 0, size = 1000; at < mix.left.length; at += size, size = size * 3 + 7) stream.write(mix.left.slice(at, at + size), mix.right.slice(at, at + size));
    expect((await stream.finish()).equals(encodeMp3(mix, 44100, 192))).toBe(true);
    const dropped = pool.encodeStream(44100, 192);
    dropped.write(mix.left.slice(0, 50000), mix.right.slice(0, 50000));
    dropped.abort();
    await expect(dropped.finish()).rejects.toThrow('aborted');
    // Both workers take work again.
    const [a, b] = await Promise.all([pool.run({ prompt: 'x y', durationSeconds: 5, seed: 1 }, 0), pool.run({ prompt: 'x y', durationSeconds: 5, seed: 1 }, 0)]);
    expect(a!.mp3.equals(b!.mp3)).toBe(true);
    await expect(async () => pool.encodeStream(44100, 193).finish()).rejects.toThrow(RangeError);
  });
});

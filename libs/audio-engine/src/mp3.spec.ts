import { describe, expect, it } from '@jest/globals';
import { generateSongFiles } from './generate.js';
import { AudioTooLongError, decodeMp3 } from './mp3-decode.js';
import { encodeMp3, Mp3StreamEncoder } from './mp3-encode.js';
import { scanMp3Frames } from './mp3-frames.js';
import { renderSong } from './render.js';

function rms(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / x.length);
}

// Encoding is the slow part of this suite, so one generated pair of variants is shared by the tests.
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

  it('decodes in slices: a stream longer than maxSeconds is refused before all of it is decoded', async () => {
    // 8 kbps MPEG-2.5 frames of silence: 72 bytes for 72 ms, so 400 kB hold more than six minutes.
    const frame = Buffer.alloc(72);
    frame.set([0xff, 0xe3, 0x18, 0xc0]);
    const bomb = Buffer.concat(Array.from({ length: 5600 }, () => frame));
    await expect(decodeMp3(bomb, { maxSeconds: 60 })).rejects.toThrow(AudioTooLongError);
    const decoded = await decodeMp3(mp3);
    const sliced = await decodeMp3(mp3, { maxSeconds: 600 });
    expect(sliced.left.length).toBe(decoded.left.length);
    expect(sliced.left).toEqual(decoded.left);
  });

  it('clips out-of-range input instead of wrapping around', async () => {
    const n = 44100;
    const loud = { left: new Float32Array(n).fill(3), right: new Float32Array(n).fill(-3) };
    const decoded = await decodeMp3(encodeMp3(loud, 44100));
    const mid = Math.floor(decoded.left.length / 2);
    expect(decoded.left[mid]!).toBeGreaterThan(0.5);
    expect(decoded.right[mid]!).toBeLessThan(-0.5);
  });

  it('rejects mismatched channels, bitrates LAME has no frame for and bad sample rates', () => {
    expect(() => encodeMp3({ left: new Float32Array(10), right: new Float32Array(11) }, 44100)).toThrow(RangeError);
    const one = { left: new Float32Array(4410), right: new Float32Array(4410) };
    expect(() => encodeMp3(one, 44100, 100)).toThrow(RangeError);
    expect(() => encodeMp3(one, 0)).toThrow(RangeError);
    expect(() => encodeMp3(one, 44100.5)).toThrow(RangeError);
  });

  it('writes a clean constant-bitrate stream: every frame header valid, back to back, covering the input', async () => {
    const scan = scanMp3Frames(mp3);
    expect(scan).toMatchObject({ sampleRate: 44100, bitrates: [192], modes: ['joint_stereo'], leadingBytes: 0 });
    const n = 5 * 44100;
    // LAME's 576-frame delay in front, the last frame padded: never more than two frames over.
    expect(scan.samples).toBeGreaterThanOrEqual(n + 576);
    expect(scan.samples).toBeLessThanOrEqual(n + 576 + 2 * 1152);
    const decoded = await decodeMp3(mp3);
    expect(decoded.left.length).toBe(scan.samples);
  });

  it('keeps the signal: SNR against the source PCM, after the codec delay, of at least 24 dB per channel', async () => {
    const source = renderSong(req, 0).mix;
    const decoded = await decodeMp3(mp3);
    for (const ch of ['left', 'right'] as const) {
      let signal = 0;
      let noise = 0;
      for (let i = 0; i < source[ch].length; i++) {
        const x = source[ch][i]!;
        signal += x * x;
        noise += (x - decoded[ch][i + 1105]!) ** 2;
      }
      // lamejs (LR stereo, no bit reservoir) reached 23.7 dB on this song; LAME 3.100 reaches 26.7 dB.
      expect(10 * Math.log10(signal / noise)).toBeGreaterThan(24);
    }
  });

  it('keeps MPEG sample rates as they are and turns NaN into silence', async () => {
    const n = 22050;
    const tone = new Float32Array(n).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 22050));
    const scan = scanMp3Frames(encodeMp3({ left: tone, right: tone }, 22050, 64));
    expect(scan).toMatchObject({ sampleRate: 22050, bitrates: [64] });
    expect(scanMp3Frames(encodeMp3({ left: tone, right: tone }, 48000, 128)).sampleRate).toBe(48000);
    const decoded = await decodeMp3(encodeMp3({ left: new Float32Array(44100).fill(Number.NaN), right: new Float32Array(44100) }, 44100));
    expect(rms(decoded.left)).toBe(0);
  });

  it('streams: blocks of any size give the bytes of one encodeMp3 call, and a finished stream refuses more', () => {
    const { left, right } = renderSong(req, 0).mix;
    const stream = new Mp3StreamEncoder(44100, 192);
    // Uneven blocks, one longer than the encoder's internal chunk, each written from index 0 of a scratch buffer.
    const l = new Float32Array(50000), r = new Float32Array(50000);
    for (let at = 0, k = 0; at < left.length; k++) {
      const len = Math.min([4096, 1, 50000, 1153][k % 4]!, left.length - at);
      l.set(left.subarray(at, at + len)); r.set(right.subarray(at, at + len));
      stream.write(l, r, len);
      at += len;
    }
    expect(stream.samples).toBe(left.length);
    expect(stream.finish().equals(mp3)).toBe(true);
    expect(() => stream.write(l, r, 10)).toThrow(/finished/);
    stream.dispose();
    const abandoned = new Mp3StreamEncoder(44100);
    abandoned.write(l, r, 1000);
    abandoned.dispose();
    expect(() => abandoned.finish()).toThrow(/finished/);
    const short = new Mp3StreamEncoder(44100);
    expect(() => short.write(l, r, 60000)).toThrow(RangeError);
    short.dispose();
  });

  it('frame scanning refuses damaged streams', () => {
    expect(() => scanMp3Frames(mp3.subarray(0, mp3.length - 10))).toThrow(/truncated/);
    expect(() => scanMp3Frames(Buffer.concat([Buffer.alloc(100, 0x55), mp3]))).toThrow(/no frame sync at byte 0/);
    // A frame cut short in the middle of the stream: the next header is not where the walk expects it.
    expect(() => scanMp3Frames(Buffer.concat([mp3.subarray(0, 1000), mp3.subarray(1253)]))).toThrow(/no frame sync at byte 1253/);
    const badLayer = Buffer.from(mp3);
    badLayer[1] = badLayer[1]! & 0xf9; // layer bits 00: reserved
    expect(() => scanMp3Frames(badLayer)).toThrow(/invalid layer III frame header at byte 0/);
    expect(() => scanMp3Frames(Buffer.alloc(0))).toThrow(RangeError);
  });
});

import { describe, expect, it } from '@jest/globals';
import { encodeMp3 } from '@muse/audio-engine';
import { AudioInputError, decodeAudio, probeMp3 } from './audio-input.js';

const tone = (seconds: number) => {
  const n = Math.round(seconds * 44100);
  const left = Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 44100));
  return encodeMp3({ left, right: left }, 44100, 128);
};
const codeOf = async (p: Promise<unknown> | (() => unknown)) => {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e instanceof AudioInputError ? e.code : `other: ${(e as Error).message}`;
  }
  return 'no error';
};

describe('untrusted audio input', () => {
  const good = tone(3);

  it('probes the real duration from frame headers and decodes', async () => {
    const probe = probeMp3(good, 60);
    expect(probe.sampleRate).toBe(44100);
    expect(probe.durationSeconds).toBeGreaterThan(2.9);
    expect(probe.durationSeconds).toBeLessThan(3.2);
    const audio = await decodeAudio(good);
    expect(audio.left.length).toBeGreaterThan(44100 * 2.9);
  });

  it('names what is wrong with bad files', async () => {
    expect(await codeOf(decodeAudio(new Uint8Array(0)))).toBe('empty-audio');
    expect(await codeOf(decodeAudio(Buffer.from('RIFF....WAVEfmt not an mp3 at all'.repeat(100))))).toBe('not-audio');
    expect(await codeOf(decodeAudio(good.subarray(0, good.length - 100)))).toBe('truncated-audio');
    // Garbage after valid frames is damage, not silence.
    expect(await codeOf(decodeAudio(Buffer.concat([good, Buffer.alloc(5000, 0x41)])))).toBe('truncated-audio');
    expect(await codeOf(decodeAudio(tone(0.3)))).toBe('audio-too-short');
  });

  it('refuses absurd lengths before decoding (decompression-bomb style inputs)', async () => {
    // Ten minutes of frames when five are allowed: refused from the headers alone.
    const long = Buffer.concat(Array.from({ length: 200 }, () => good));
    expect(await codeOf(() => probeMp3(long, 300))).toBe('audio-too-long');
    // An ID3 tag claiming a size far past the end of the file leaves no audio to find.
    const liar = Buffer.concat([Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f]), good]);
    expect(await codeOf(() => probeMp3(liar, 300))).toBe('not-audio');
  });
});

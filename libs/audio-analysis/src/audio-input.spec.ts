import { describe, expect, it } from '@jest/globals';
import { encodeMp3, encodeWav } from '@muse/audio-engine';
import { fixture, sineFit } from '../../audio-engine/fixtures/index.js';
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

  it('reads WAV uploads from a checked header: lying headers are refused before any sample is allocated', async () => {
    const n = 3 * 22050;
    const left = Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 22050));
    const wav = encodeWav({ left, right: left }, 22050, 16);
    // Another common rate is converted to the analysers' 44.1 kHz.
    const audio = await decodeAudio(wav);
    expect(audio.sampleRate).toBe(44100);
    expect(audio.durationSeconds).toBeCloseTo(3, 2);
    const patched = (offset: number, value: number, bytes = 4) => {
      const b = Buffer.from(wav);
      if (bytes === 2) b.writeUInt16LE(value, offset);
      else b.writeUInt32LE(value, offset);
      return b;
    };
    expect(await codeOf(decodeAudio(patched(22, 0, 2)))).toBe('not-audio'); // zero channels
    expect(await codeOf(decodeAudio(patched(22, 65535, 2)))).toBe('not-audio');
    expect(await codeOf(decodeAudio(patched(24, 16)))).toBe('not-audio'); // 16 Hz: a resampling bomb
    expect(await codeOf(decodeAudio(patched(24, 0xffffffff)))).toBe('not-audio');
    expect(await codeOf(decodeAudio(patched(24, 44101)))).toBe('undecodable-audio'); // no few-phase conversion
    expect(await codeOf(decodeAudio(patched(34, 0, 2)))).toBe('not-audio'); // 0-bit samples
    expect(await codeOf(decodeAudio(patched(16, 2)))).toBe('not-audio'); // a 2-byte fmt chunk
    expect(await codeOf(decodeAudio(wav.subarray(0, 30)))).toBe('truncated-audio');
    expect(await codeOf(decodeAudio(wav.subarray(0, 44)))).toBe('not-audio'); // a header and no samples
    expect(await codeOf(decodeAudio(wav.subarray(0, 44 + 4000)))).toBe('audio-too-short');
    // A data chunk claiming 4 GB counts only the bytes that are there.
    expect((await decodeAudio(patched(40, 0xfffffff0))).durationSeconds).toBeCloseTo(3, 2);
    expect(await codeOf(decodeAudio(wav, { maxSeconds: 2 }))).toBe('audio-too-long');
  });

  it('reads FLAC and Ogg uploads at the analysis rate, and names cut, damaged, long and short ones', async () => {
    // Real encoder output (libs/audio-engine/fixtures): 2 s, left 440 Hz and right 660 Hz, or mono 440 Hz.
    const flac = fixture('sine-440-660-stereo-16k.flac');
    const opus = fixture('sine-440-mono.opus');
    const vorbis = fixture('sine-440-660-stereo-44k.ogg');
    const oggFlac = fixture('sine-440-mono-22k.oga');
    for (const [bytes, rate] of [[flac, 44100], [fixture('sine-440-mono-22k.flac'), 44100], [oggFlac, 44100], [vorbis, 44100], [opus, 48000]] as const) {
      const audio = await decodeAudio(bytes);
      // 16 and 22.05 kHz are converted to 44.1 kHz like a WAV would be; Opus stays at its 48 kHz.
      expect(audio.sampleRate).toBe(rate);
      expect(audio.durationSeconds).toBeCloseTo(2, 2);
      const fit = sineFit(audio.left, rate, 440);
      expect(fit.amplitude).toBeCloseTo(0.5, 1);
      expect(fit.residual).toBeLessThan(0.02);
    }
    expect(sineFit((await decodeAudio(flac)).right, 44100, 660).residual).toBeLessThan(0.001);
    for (const bytes of [flac, opus, vorbis, oggFlac]) {
      expect(await codeOf(decodeAudio(bytes.subarray(0, bytes.length >> 1)))).toBe('truncated-audio');
      expect(await codeOf(decodeAudio(bytes.subarray(0, bytes.length - 10)))).toBe('truncated-audio');
      const junk = Buffer.concat([bytes.subarray(0, bytes.length >> 1), Buffer.alloc(3000, 0x41), bytes.subarray(bytes.length >> 1)]);
      expect(await codeOf(decodeAudio(junk))).toBe('undecodable-audio');
      expect(await codeOf(decodeAudio(bytes, { maxSeconds: 1.5 }))).toBe('audio-too-long');
      expect(await codeOf(decodeAudio(bytes, { minSeconds: 3 }))).toBe('audio-too-short');
    }
    expect(await codeOf(decodeAudio(Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(5000, 0x41)])))).toBe('not-audio');
    expect(await codeOf(decodeAudio(Buffer.concat([Buffer.from('OggS'), Buffer.alloc(5000, 0x41)])))).toBe('not-audio');
    // An hour of silence in 6 kB is refused by the frame walk, before any sample is decoded.
    const began = Date.now();
    expect(await codeOf(decodeAudio(fixture('silence-1h-8k.flac')))).toBe('audio-too-long');
    expect(Date.now() - began).toBeLessThan(1000);
  });

  it('refuses MP4/M4A, AAC and WebM uploads naming the formats it analyses', async () => {
    const m4a = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypM4A isomiso2', 'latin1'), Buffer.alloc(4000)]);
    const adts = Buffer.concat(Array.from({ length: 50 }, () => Buffer.from([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc, ...new Array(9).fill(0)])));
    const webm = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]), Buffer.alloc(4000)]);
    for (const [bytes, name] of [[m4a, 'MP4/M4A'], [adts, 'AAC'], [webm, 'WebM']] as const) {
      const error = await decodeAudio(bytes).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AudioInputError);
      expect((error as AudioInputError).code).toBe('unsupported-audio-format');
      expect((error as Error).message).toContain(name);
      expect((error as Error).message).toMatch(/formats analysed are MP3, WAV, FLAC, Ogg Vorbis and Ogg Opus/);
    }
  });
});

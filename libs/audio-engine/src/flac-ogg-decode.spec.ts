import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fixture, sineFit } from '../fixtures/index.js';
import { decodeAudioFile } from './audio-decode.js';
import { AudioDecodeError, sniffAudioFormat, UnsupportedAudioFormatError } from './audio-format.js';
import { AudioTooLongError } from './decoded-pcm.js';
import { decodeFlac, probeFlac } from './flac-decode.js';
import { encodeMp3 } from './mp3-encode.js';
import { decodeOgg, probeOgg } from './ogg-decode.js';
import { encodeWav } from './wav.js';

// Real files from the reference encoders (../fixtures/README.md): 2 s sines at 0.5, left 440 Hz, right 660 Hz or mono 440 Hz.
const FLAC_STEREO = fixture('sine-440-660-stereo-16k.flac');
const FLAC_MONO = fixture('sine-440-mono-22k.flac');
const OGG_FLAC = fixture('sine-440-mono-22k.oga');
const VORBIS = fixture('sine-440-660-stereo-44k.ogg');
const OPUS = fixture('sine-440-mono.opus');
/** One hour of silence in 6 kB. */
const BOMB = fixture('silence-1h-8k.flac');

const errorOf = async (p: Promise<unknown> | (() => unknown)) => {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e;
  }
  throw new Error('no error');
};
const reasonOf = async (p: Promise<unknown> | (() => unknown)) => {
  const e = await errorOf(p);
  return e instanceof AudioDecodeError ? e.reason : e instanceof AudioTooLongError ? 'too-long' : `other: ${(e as Error).message}`;
};

/** One Ogg page with one packet (the CRC is left 0: nothing here checks it). */
function oggPage(packet: Buffer, flags: number, granule = 0n, sequence = 0): Buffer {
  const head = Buffer.alloc(28);
  head.write('OggS', 0, 'latin1');
  head[5] = flags;
  head.writeBigInt64LE(granule, 6);
  head.writeUInt32LE(0x1234, 14);
  head.writeUInt32LE(sequence, 18);
  head[26] = 1;
  head[27] = packet.length;
  return Buffer.concat([head, packet]);
}

describe('sniffAudioFormat', () => {
  it('tells the formats apart by their bytes', () => {
    const tone = { left: new Float32Array(4410).fill(0.1), right: new Float32Array(4410).fill(0.1) };
    const id3 = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 20, ...new Array(20).fill(0)]);
    expect(sniffAudioFormat(encodeWav(tone, 44100, 16))).toBe('wav');
    expect(sniffAudioFormat(encodeMp3(tone, 44100, 128))).toBe('mp3');
    expect(sniffAudioFormat(FLAC_STEREO)).toBe('flac');
    expect(sniffAudioFormat(Buffer.concat([id3, FLAC_MONO]))).toBe('flac');
    expect(sniffAudioFormat(OGG_FLAC)).toBe('ogg-flac');
    expect(sniffAudioFormat(VORBIS)).toBe('ogg-vorbis');
    expect(sniffAudioFormat(OPUS)).toBe('ogg-opus');
    expect(sniffAudioFormat(oggPage(Buffer.from('Speex   version 1.2'), 0x02))).toBe('ogg-other');
    // A Skeleton stream's page first does not hide the audio stream that begins after it.
    expect(sniffAudioFormat(Buffer.concat([oggPage(Buffer.from('fishead\0 skeleton'), 0x02), OPUS]))).toBe('ogg-opus');
    expect(sniffAudioFormat(Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypM4A isomiso2', 'latin1')]))).toBe('mp4');
    expect(sniffAudioFormat(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]))).toBe('webm');
    expect(sniffAudioFormat(Buffer.from([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]))).toBe('aac'); // ADTS, AAC-LC 44.1 kHz
    expect(sniffAudioFormat(Buffer.concat([id3, Buffer.from([0xff, 0xf9, 0x50, 0x80])]))).toBe('aac');
    expect(sniffAudioFormat(Buffer.from('%PDF-1.4'))).toBe('mp3'); // left to the MP3 reader to refuse
    expect(sniffAudioFormat(new Uint8Array(0))).toBe('mp3');
  });
});

describe('FLAC and Ogg decoding', () => {
  it.each([
    ['FLAC, stereo 16 kHz', FLAC_STEREO, 'flac', 16000, true],
    ['FLAC, mono 22.05 kHz', FLAC_MONO, 'flac', 22050, false],
    ['Ogg FLAC, mono 22.05 kHz', OGG_FLAC, 'ogg-flac', 22050, false],
  ] as const)('decodes %s bit-exactly: the 16-bit sines and nothing else', async (_name, bytes, format, rate, stereo) => {
    const audio = await decodeAudioFile(bytes);
    expect(audio).toMatchObject({ format, sampleRate: rate, durationSeconds: 2 });
    expect(audio.left.length).toBe(2 * rate);
    const left = sineFit(audio.left, rate, 440);
    expect(left.amplitude).toBeCloseTo(0.5, 3);
    // What is left is 16-bit rounding (1/32768/√12 ≈ 9e-6): lossless.
    expect(left.residual).toBeLessThan(2e-5);
    if (stereo) {
      expect(sineFit(audio.right, rate, 660).residual).toBeLessThan(2e-5);
      expect(sineFit(audio.right, rate, 440).amplitude).toBeLessThan(1e-3);
    } else {
      expect(audio.right).toBe(audio.left); // dual mono
    }
  });

  it('decodes Ogg Vorbis (stereo) and Ogg Opus (mono, at 48 kHz) to their sines', async () => {
    const vorbis = await decodeOgg(VORBIS);
    expect(vorbis.info).toMatchObject({ codec: 'vorbis', sampleRate: 44100, samples: 88200 });
    expect(vorbis.left.length).toBe(88200);
    for (const [channel, hz, other] of [[vorbis.left, 440, 660], [vorbis.right, 660, 440]] as const) {
      const fit = sineFit(channel, 44100, hz);
      expect(fit.amplitude).toBeCloseTo(0.5, 1);
      expect(fit.residual).toBeLessThan(0.02); // lossy, but only a little
      expect(sineFit(channel, 44100, other).amplitude).toBeLessThan(0.01);
    }
    const opus = await decodeOgg(OPUS);
    expect(opus.info).toMatchObject({ codec: 'opus', sampleRate: 48000, samples: 96000 });
    expect(opus).toMatchObject({ sampleRate: 48000, durationSeconds: 2 });
    const fit = sineFit(opus.left, 48000, 440);
    expect(fit.amplitude).toBeCloseTo(0.5, 1);
    expect(fit.residual).toBeLessThan(0.02);
    expect(Array.from(opus.right.subarray(0, 5000))).toEqual(Array.from(opus.left.subarray(0, 5000)));
  });

  it('reads chained Ogg streams as one, but not streams at different rates', async () => {
    const twice = await decodeOgg(Buffer.concat([OPUS, OPUS]));
    expect(twice.durationSeconds).toBeGreaterThan(3.95);
    expect(twice.durationSeconds).toBeLessThanOrEqual(4);
    expect(await reasonOf(decodeOgg(Buffer.concat([VORBIS, OPUS])))).toBe('damaged');
  });

  it.each([
    ['FLAC', FLAC_STEREO],
    ['Ogg FLAC', OGG_FLAC],
    ['Ogg Vorbis', VORBIS],
    ['Ogg Opus', OPUS],
  ])('refuses a cut %s file as truncated, junk inside it as damage, and noise behind its magic', async (_name, bytes) => {
    const decode = (b: Uint8Array) => decodeAudioFile(b);
    for (const cut of [20, 60, bytes.length >> 1, bytes.length - 100, bytes.length - 7, bytes.length - 1]) {
      expect([cut, await reasonOf(decode(bytes.subarray(0, cut)))]).toEqual([cut, 'truncated']);
    }
    const junk = Buffer.concat([bytes.subarray(0, bytes.length >> 1), Buffer.alloc(3000, 0x41), bytes.subarray(bytes.length >> 1)]);
    expect(await reasonOf(decode(junk))).toBe('damaged');
    const noise = Buffer.concat([bytes.subarray(0, 4), Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919 + 13) & 0xff))]);
    expect(['not-audio', 'damaged']).toContain(await reasonOf(decode(noise)));
    expect(await reasonOf(decode(Buffer.concat([bytes, Buffer.alloc(200_000, 0x55)])))).toBe('damaged');
  });

  it('holds the length cap before decoding: a 6 kB hour of FLAC, also when its STREAMINFO lies', async () => {
    expect(probeFlac(BOMB).durationSeconds).toBe(3600); // the frames really are an hour
    expect(await errorOf(decodeAudioFile(FLAC_STEREO, { maxSeconds: 1.5 }))).toBeInstanceOf(AudioTooLongError);
    expect((await decodeAudioFile(FLAC_STEREO, { maxSeconds: 2 })).durationSeconds).toBe(2);
    for (const bytes of [VORBIS, OPUS, OGG_FLAC]) expect(await errorOf(decodeOgg(bytes, { maxSeconds: 1.5 }))).toBeInstanceOf(AudioTooLongError);
    // STREAMINFO's sample count (36 bits at byte 8 + 13) claiming 2 s, or unknown (0): the frame walk still counts.
    const claiming = (samples: number) => {
      const b = Buffer.from(BOMB);
      b[21] = b[21]! & 0xf0;
      b.writeUInt32BE(samples, 22);
      return b;
    };
    for (const bytes of [BOMB, claiming(16000), claiming(0)]) {
      const began = Date.now();
      expect(await errorOf(() => probeFlac(bytes, 900))).toBeInstanceOf(AudioTooLongError);
      expect(await errorOf(decodeFlac(bytes, { maxSeconds: 900 }))).toBeInstanceOf(AudioTooLongError);
      expect(Date.now() - began).toBeLessThan(1000);
    }
  });

  it('refuses what it recognises but does not decode, naming the formats it reads', async () => {
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypM4A isomiso2', 'latin1'), Buffer.alloc(4000)]);
    for (const bytes of [mp4, Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]), Buffer.from([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc])]) {
      const e = await errorOf(decodeAudioFile(bytes));
      expect(e).toBeInstanceOf(UnsupportedAudioFormatError);
      expect((e as Error).message).toMatch(/(MP4\/M4A|WebM|AAC).* formats read are MP3, WAV, FLAC, Ogg Vorbis and Ogg Opus/);
    }
    // A well-formed Ogg stream of another codec (Speex), begun and ended.
    const speex = Buffer.concat([oggPage(Buffer.from('Speex   1.2rc1'), 0x02), oggPage(Buffer.from('comment'), 0x04, 0n, 1)]);
    expect(await errorOf(decodeAudioFile(speex))).toBeInstanceOf(UnsupportedAudioFormatError);
    expect(() => probeOgg(Buffer.from('not ogg'))).toThrow(AudioDecodeError);
  });

  it('answers every mutant (bit flips, cuts) with audio or a refusal it can name, quickly', async () => {
    const files = [FLAC_STEREO, OGG_FLAC, VORBIS, OPUS];
    const position = fc.integer({ min: 0, max: 1_000_000 }).map((x) => x / 1_000_000);
    await fc.assert(
      fc.asyncProperty(fc.nat(3), fc.array(fc.tuple(position, fc.nat(7)), { minLength: 1, maxLength: 16 }), fc.boolean(), position, async (k, flips, inHeader, cut) => {
        const bytes = Buffer.from(files[k]!);
        // Past the magic (a file without it is another format), half the time in the first 200 bytes, where the headers are.
        for (const [f, bit] of flips) {
          const at = 4 + Math.floor(f * ((inHeader ? 200 : bytes.length) - 4));
          bytes[at] = bytes[at]! ^ (1 << bit);
        }
        const began = Date.now();
        const outcome = await decodeAudioFile(cut > 0.7 ? bytes.subarray(0, Math.floor(cut * bytes.length)) : bytes, { maxSeconds: 60 }).then(
          (audio) => (audio.left.length > 0 && audio.left.length <= 60 * audio.sampleRate ? 'audio' : 'empty audio'),
          (e: Error) => (e instanceof AudioDecodeError || e instanceof AudioTooLongError || e instanceof UnsupportedAudioFormatError ? 'refused' : `${e.name}: ${e.message}`),
        );
        expect(['audio', 'refused']).toContain(outcome);
        expect(Date.now() - began).toBeLessThan(3000);
      }),
      { numRuns: 120, seed: 20261205 },
    );
  }, 120_000);
});

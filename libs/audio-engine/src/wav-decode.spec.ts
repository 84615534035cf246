import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { AudioTooLongError } from './mp3-decode.js';
import { decodeWav, isWav, probeWav } from './wav-decode.js';
import { encodeWav } from './wav.js';

/** A canonical PCM WAV whose samples are arbitrary bytes: every code, including the extremes, occurs. */
function randomWav(frames: number, bitDepth: 16 | 24, rate: number): Buffer {
  const bytes = frames * 2 * (bitDepth / 8);
  const header = encodeWav({ left: new Float32Array(0), right: new Float32Array(0) }, rate, bitDepth).subarray(0, 44);
  const wav = Buffer.concat([header, randomBytes(bytes)]);
  wav.writeUInt32LE(36 + bytes, 4);
  wav.writeUInt32LE(bytes, 40);
  // Make sure the extremes are in there.
  if (bitDepth === 16) { wav.writeInt16LE(-32768, 44); wav.writeInt16LE(32767, 46); }
  else { wav.writeIntLE(-8388608, 44, 3); wav.writeIntLE(8388607, 47, 3); }
  return wav;
}

describe('decodeWav', () => {
  it.each([16, 24] as const)('round-trips %i-bit WAV input bit for bit through encodeWav', (depth) => {
    const input = randomWav(20_000, depth, 44100);
    const decoded = decodeWav(input);
    expect(decoded).toMatchObject({ sampleRate: 44100, bitDepth: depth });
    expect(decoded.left.length).toBe(20_000);
    const again = encodeWav(decoded, decoded.sampleRate, depth);
    expect(Buffer.compare(again, input)).toBe(0);
  });

  it('reads mono as dual mono, skips unknown chunks and refuses what is not WAV', () => {
    const mono = Buffer.alloc(44 + 8 + 4);
    mono.write('RIFF', 0); mono.writeUInt32LE(mono.length - 8, 4); mono.write('WAVE', 8);
    mono.write('fmt ', 12); mono.writeUInt32LE(16, 16); mono.writeUInt16LE(1, 20); mono.writeUInt16LE(1, 22);
    mono.writeUInt32LE(8000, 24); mono.writeUInt32LE(16000, 28); mono.writeUInt16LE(2, 32); mono.writeUInt16LE(16, 34);
    mono.write('LIST', 36); mono.writeUInt32LE(0, 40);
    mono.write('data', 44); mono.writeUInt32LE(4, 48); mono.writeInt16LE(16384, 52); mono.writeInt16LE(-16384, 54);
    const d = decodeWav(mono);
    expect(d.sampleRate).toBe(8000);
    expect(Array.from(d.left)).toEqual([Math.fround(16384 / 32767), -0.5]);
    expect(Array.from(d.right)).toEqual(Array.from(d.left));
    expect(isWav(Buffer.from('ID3 not a wav file'))).toBe(false);
    expect(() => decodeWav(Buffer.from('ID3 not a wav file'))).toThrow('not a RIFF/WAVE file');
  });
});

describe('probeWav', () => {
  const header = (f: { channels: number; rate: number; bits: number; fmtSize?: number; format?: number }, dataBytes: number) => {
    const b = Buffer.alloc(44 + dataBytes);
    b.write('RIFF', 0); b.writeUInt32LE(36 + dataBytes, 4); b.write('WAVE', 8);
    b.write('fmt ', 12); b.writeUInt32LE(f.fmtSize ?? 16, 16); b.writeUInt16LE(f.format ?? 1, 20); b.writeUInt16LE(f.channels, 22);
    b.writeUInt32LE(f.rate >>> 0, 24); b.writeUInt16LE(((f.channels * f.bits) / 8) & 0xffff, 32); b.writeUInt16LE(f.bits, 34);
    b.write('data', 36); b.writeUInt32LE(dataBytes, 40);
    return b;
  };

  it('refuses headers that lie before any sample is allocated, and caps the length', () => {
    expect(probeWav(header({ channels: 2, rate: 44100, bits: 16 }, 400))).toMatchObject({ frames: 100, dataOffset: 44, channels: 2 });
    expect(() => decodeWav(header({ channels: 0, rate: 44100, bits: 16 }, 400))).toThrow('0 channels');
    expect(() => decodeWav(header({ channels: 65535, rate: 44100, bits: 16 }, 400))).toThrow('65535 channels');
    expect(() => decodeWav(header({ channels: 2, rate: 1, bits: 16 }, 400))).toThrow('1 Hz');
    expect(() => decodeWav(header({ channels: 2, rate: 0xffffffff, bits: 16 }, 400))).toThrow('4294967295 Hz');
    expect(() => decodeWav(header({ channels: 2, rate: 44100, bits: 0 }, 400))).toThrow('unsupported WAV encoding');
    expect(() => decodeWav(header({ channels: 2, rate: 44100, bits: 16, fmtSize: 2 }, 400))).toThrow('fmt chunk is 2 bytes');
    expect(() => decodeWav(header({ channels: 2, rate: 44100, bits: 16 }, 400).subarray(0, 30))).toThrow('ends inside its fmt chunk');
    expect(() => decodeWav(header({ channels: 2, rate: 44100, bits: 16 }, 0))).toThrow('no samples');
    // A streaming writer's (or a cut file's) oversized data chunk counts the bytes present.
    const cut = header({ channels: 2, rate: 44100, bits: 16 }, 400);
    cut.writeUInt32LE(0xffffffff, 40);
    expect(decodeWav(cut).left.length).toBe(100);
    const minute = header({ channels: 1, rate: 8000, bits: 16 }, 8000 * 2 * 60);
    expect(() => decodeWav(minute, { maxSeconds: 30 })).toThrow(AudioTooLongError);
    expect(decodeWav(minute, { maxSeconds: 60 }).durationSeconds).toBe(60);
  });
});

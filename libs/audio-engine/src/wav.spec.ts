import { describe, expect, it } from '@jest/globals';
import { encodeWav } from './wav.js';

function sine(n: number, freq: number, amp: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = amp * Math.sin((2 * Math.PI * freq * i) / 44100);
  return out;
}

describe('encodeWav', () => {
  it('writes a canonical 16-bit PCM header', () => {
    const n = 1000;
    const wav = encodeWav({ left: new Float32Array(n), right: new Float32Array(n) }, 44100, 16);
    expect(wav.length).toBe(44 + n * 4);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(36 + n * 4);
    expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
    expect(wav.toString('ascii', 12, 16)).toBe('fmt ');
    expect(wav.readUInt32LE(16)).toBe(16);
    expect(wav.readUInt16LE(20)).toBe(1);
    expect(wav.readUInt16LE(22)).toBe(2);
    expect(wav.readUInt32LE(24)).toBe(44100);
    expect(wav.readUInt32LE(28)).toBe(44100 * 4);
    expect(wav.readUInt16LE(32)).toBe(4);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.toString('ascii', 36, 40)).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(n * 4);
  });

  it('round-trips a 16-bit signal exactly after quantisation', () => {
    const left = sine(4410, 440, 0.8);
    const right = sine(4410, 660, -0.5);
    const wav = encodeWav({ left, right }, 44100, 16);
    let mismatches = 0;
    let worstError = 0;
    for (let i = 0; i < left.length; i++) {
      const l = wav.readInt16LE(44 + i * 4);
      const r = wav.readInt16LE(46 + i * 4);
      const ql = Math.round(left[i]! < 0 ? left[i]! * 32768 : left[i]! * 32767);
      const qr = Math.round(right[i]! < 0 ? right[i]! * 32768 : right[i]! * 32767);
      if (l !== (ql || 0) || r !== (qr || 0)) mismatches++; // '|| 0' folds -0 into the same integer 0
      worstError = Math.max(worstError, Math.abs(l / (l < 0 ? 32768 : 32767) - left[i]!));
    }
    expect(mismatches).toBe(0);
    // Decoding the integers gives back the signal within half a quantisation step.
    expect(worstError).toBeLessThanOrEqual(0.5 / 32767 + 1e-9);
    // Re-encoding the decoded integers reproduces the file bit for bit.
    const back = { left: new Float32Array(left.length), right: new Float32Array(left.length) };
    for (let i = 0; i < left.length; i++) {
      const l = wav.readInt16LE(44 + i * 4);
      const r = wav.readInt16LE(46 + i * 4);
      back.left[i] = l / (l < 0 ? 32768 : 32767);
      back.right[i] = r / (r < 0 ? 32768 : 32767);
    }
    expect(encodeWav(back, 44100, 16).equals(wav)).toBe(true);
  });

  it('writes 24-bit samples and clips out-of-range values', () => {
    const left = Float32Array.from([0, 1, -1, 2, -2, 0.5]);
    const right = Float32Array.from([Number.NaN, 0.25, -0.25, 0, 0, 0]);
    const wav = encodeWav({ left, right }, 48000, 24);
    expect(wav.readUInt16LE(34)).toBe(24);
    expect(wav.readUInt16LE(32)).toBe(6);
    expect(wav.readUInt32LE(28)).toBe(48000 * 6);
    expect(wav.length).toBe(44 + 6 * 6);
    const at = (i: number, ch: number): number => wav.readIntLE(44 + i * 6 + ch * 3, 3);
    expect([0, 1, 2, 3, 4, 5].map((i) => at(i, 0))).toEqual([0, 8388607, -8388608, 8388607, -8388608, Math.round(0.5 * 8388607)]);
    expect(at(1, 1)).toBe(Math.round(0.25 * 8388607));
    expect(at(2, 1)).toBe(Math.round(-0.25 * 8388608));
    expect(at(0, 1)).toBe(-8388608); // NaN is clipped rather than written as garbage
  });

  it('clips 16-bit extremes', () => {
    const wav = encodeWav({ left: Float32Array.from([5]), right: Float32Array.from([-5]) }, 44100, 16);
    expect(wav.readInt16LE(44)).toBe(32767);
    expect(wav.readInt16LE(46)).toBe(-32768);
  });

  it('validates arguments', () => {
    expect(() => encodeWav({ left: new Float32Array(2), right: new Float32Array(3) }, 44100, 16)).toThrow(RangeError);
    expect(() => encodeWav({ left: new Float32Array(2), right: new Float32Array(2) }, 44100, 8 as 16)).toThrow(RangeError);
  });
});

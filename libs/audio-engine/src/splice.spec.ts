import { describe, expect, it } from '@jest/globals';
import { spliceSection, toFrame } from './splice.js';

const noise = (n: number, seed: number) => {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 30) - 1);
};

describe('spliceSection', () => {
  const original = { left: noise(10_000, 1), right: noise(10_000, 2) };
  const replacement = { left: noise(3000, 3), right: noise(3000, 4) };

  it('keeps the length, leaves everything outside the range unchanged and puts the replacement inside', () => {
    const out = spliceSection(original, replacement, { start: 4000, end: 7000, fade: 200 });
    expect(out.left.length).toBe(10_000);
    expect(Array.from(out.left.subarray(0, 4000))).toEqual(Array.from(original.left.subarray(0, 4000)));
    expect(Array.from(out.right.subarray(7000))).toEqual(Array.from(original.right.subarray(7000)));
    expect(Array.from(out.left.subarray(4200, 6800))).toEqual(Array.from(replacement.left.subarray(200, 2800)));
    // The fades mix both: the first replaced frame is mostly the original, the middle of the fade both.
    expect(Math.abs(out.left[4000]! - original.left[4000]!)).toBeLessThan(Math.abs(out.left[4000]! - replacement.left[0]!) + 1e-6);
    expect(original.left[0]).toBe(noise(1, 1)[0]); // the input was not modified
  });

  it('refuses a range outside the song or a replacement of the wrong length', () => {
    expect(() => spliceSection(original, replacement, { start: 8000, end: 11_000, fade: 10 })).toThrow('outside');
    expect(() => spliceSection(original, replacement, { start: 0, end: 2000, fade: 10 })).toThrow('frames');
    expect(toFrame(1.5, 44100)).toBe(66150);
  });
});

import { describe, expect, it } from '@jest/globals';
import { Fft, packTwoReal, splitTwoReal } from './fft.js';

describe('fft', () => {
  it('matches a direct DFT and splits two real signals from one transform', () => {
    const n = 64;
    const a = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.3) + 0.2 * Math.cos(i * 1.7));
    const b = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 13) / 13 - 0.5);
    const re = Float64Array.from(a);
    const im = Float64Array.from(b);
    new Fft(n).transform(re, im);
    const aRe = new Float64Array(n / 2 + 1), aIm = new Float64Array(n / 2 + 1), bRe = new Float64Array(n / 2 + 1), bIm = new Float64Array(n / 2 + 1);
    splitTwoReal(re, im, aRe, aIm, bRe, bIm);
    for (const k of [0, 1, 5, 17, 32]) {
      let dr = 0, di = 0, er = 0, ei = 0;
      for (let t = 0; t < n; t++) {
        const w = (-2 * Math.PI * k * t) / n;
        dr += a[t]! * Math.cos(w); di += a[t]! * Math.sin(w);
        er += b[t]! * Math.cos(w); ei += b[t]! * Math.sin(w);
      }
      expect(aRe[k]).toBeCloseTo(dr, 9); expect(aIm[k]).toBeCloseTo(di, 9);
      expect(bRe[k]).toBeCloseTo(er, 9); expect(bIm[k]).toBeCloseTo(ei, 9);
    }
    // And back: pack, inverse, scale → the two signals again.
    const re2 = new Float64Array(n), im2 = new Float64Array(n);
    packTwoReal(aRe, aIm, bRe, bIm, re2, im2);
    new Fft(n).transform(re2, im2, true);
    for (let t = 0; t < n; t++) { expect(re2[t]! / n).toBeCloseTo(a[t]!, 9); expect(im2[t]! / n).toBeCloseTo(b[t]!, 9); }
  });

  it('refuses sizes that are not powers of two', () => {
    expect(() => new Fft(1000)).toThrow(/power of two/);
  });
});

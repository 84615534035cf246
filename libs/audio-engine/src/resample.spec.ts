import { describe, expect, it } from '@jest/globals';
import { Resampler } from './resample.js';

const tone = (n: number, freq: number, rate: number) => Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * freq * i) / rate));

/** Amplitude of one frequency over the middle of a signal (Goertzel on a Hann window, edges skipped). */
function amplitude(x: Float32Array, freq: number, rate: number): number {
  const from = Math.floor(x.length * 0.25), to = Math.floor(x.length * 0.75), n = to - from;
  let re = 0, im = 0, wsum = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const a = (2 * Math.PI * freq * (from + i)) / rate;
    re += w * x[from + i]! * Math.cos(a);
    im += w * x[from + i]! * Math.sin(a);
    wsum += w;
  }
  return (2 * Math.hypot(re, im)) / wsum;
}
const db = (a: number) => 20 * Math.log10(a);

describe('Resampler', () => {
  it('converts 44.1 kHz to 48 kHz with the same duration', () => {
    const r = new Resampler(44100, 48000);
    expect([r.up, r.down]).toEqual([160, 147]);
    expect(r.outputLength(44100 * 3)).toBe(48000 * 3);
  });

  it('passes the audible band flat (within 0.05 dB up to 19 kHz)', () => {
    const r = new Resampler(44100, 48000);
    for (const f of [100, 1000, 5000, 10_000, 15_000, 19_000]) {
      const out = r.process(tone(44100 / 2, f, 44100));
      expect(Math.abs(db(amplitude(out, f, 48000)))).toBeLessThan(0.05);
    }
  });

  it('rejects the images of upsampling and the aliases of downsampling by more than 70 dB', () => {
    // 44.1 → 48 kHz: a 21.8 kHz tone has an image at 44.1 - 21.8 = 22.3 kHz, inside the new band.
    const up = new Resampler(44100, 48000).process(tone(44100 / 2, 21_800, 44100));
    expect(db(amplitude(up, 22_300, 48000))).toBeLessThan(-70);
    // 48 → 44.1 kHz: a 23 kHz tone would alias to 21.1 kHz.
    const down = new Resampler(48000, 44100).process(tone(48000 / 2, 23_000, 48000));
    expect(db(amplitude(down, 21_100, 44100))).toBeLessThan(-70);
  });

  it('processStereo gives what process gives per channel, edges included, and refuses unequal channels', () => {
    for (const [from, to] of [[44100, 48000], [48000, 44100], [22050, 44100]] as const) {
      const r = new Resampler(from, to);
      const left = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i * 0.031) * 0.8 + Math.sin(i * 1.7) * 0.1);
      const right = Float32Array.from({ length: 5000 }, (_, i) => Math.cos(i * 0.013) * 0.5);
      const [l, rr] = r.processStereo(left, right);
      const l1 = r.process(left), r1 = r.process(right);
      expect(l.length).toBe(r.outputLength(5000));
      let worst = 0;
      for (let i = 0; i < l.length; i++) worst = Math.max(worst, Math.abs(l[i]! - l1[i]!), Math.abs(rr[i]! - r1[i]!));
      // Only the summation order differs: float32 rounding at most.
      expect(worst).toBeLessThan(1e-6);
    }
    expect(() => new Resampler(44100, 48000).processStereo(new Float32Array(10), new Float32Array(11))).toThrow(RangeError);
  });

  it('refuses nonsense rates', () => {
    expect(() => new Resampler(0, 48000)).toThrow(RangeError);
    expect(() => new Resampler(44100, 47_999)).toThrow('too many phases');
  });
});

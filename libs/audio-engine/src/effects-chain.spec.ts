import { describe, expect, it } from '@jest/globals';
import { applyEffectsChain } from './effects-chain.js';

const SR = 44100;
const tone = (f: number, amp = 0.5, seconds = 1) => {
  const x = Float32Array.from({ length: SR * seconds }, (_, i) => amp * Math.sin((2 * Math.PI * f * i) / SR));
  return { left: x, right: x.slice() };
};
const rms = (x: Float32Array, from = 0, to = x.length) => {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / (to - from));
};
const db = (a: number, b: number) => 20 * Math.log10(a / b);

describe('applyEffectsChain', () => {
  it('equalizer: each band moves its own frequencies by the preset\'s gain and leaves the others', () => {
    const chain = [{ type: 'equalizer' as const, settings: { low: 2, mid: 1, high: 0.5 } }];
    const low = applyEffectsChain(tone(50), SR, chain);
    const mid = applyEffectsChain(tone(1000), SR, chain);
    const high = applyEffectsChain(tone(12_000), SR, chain);
    expect(db(rms(low.left, SR / 2), rms(tone(50).left, SR / 2))).toBeCloseTo(6.02, 0); // ×2 = +6 dB
    expect(Math.abs(db(rms(mid.left, SR / 2), rms(tone(1000).left, SR / 2)))).toBeLessThan(1);
    expect(db(rms(high.left, SR / 2), rms(tone(12_000).left, SR / 2))).toBeCloseTo(-6.02, 0);
  });

  it('compressor: above the threshold the level rises by 1/ratio; below it nothing changes', () => {
    const chain = [{ type: 'compressor' as const, settings: { threshold_db: -20, ratio: 4, attack_ms: 5, release_ms: 50 } }];
    // A square wave has a constant level, so the steady state is exact: 0.5 = -6.02 dB, 13.98 dB over.
    const square = Float32Array.from({ length: SR }, (_, i) => (Math.floor(i / 50) % 2 ? 0.5 : -0.5));
    const loud = applyEffectsChain({ left: square, right: square.slice() }, SR, chain);
    const outDb = 20 * Math.log10(rms(loud.left, SR / 2));
    expect(outDb).toBeCloseTo(-20 + (20 * Math.log10(0.5) + 20) / 4, 1);
    const quiet = applyEffectsChain(tone(440, 0.01), SR, chain); // peak -40 dB
    expect(db(rms(quiet.left, SR / 2), rms(tone(440, 0.01).left, SR / 2))).toBeCloseTo(0, 2);
  });

  it('reverb and delay: a click gets a tail / an echo at the delay time; the dry signal stays', () => {
    const click = () => {
      const x = new Float32Array(SR * 2);
      x[100] = 1;
      return { left: x, right: x.slice() };
    };
    const wet = applyEffectsChain(click(), SR, [{ type: 'reverb', settings: { room_size: 0.8, damping: 0.2, mix: 0.5 } }]);
    expect(wet.left[100]).toBeCloseTo(1, 5);
    expect(rms(wet.left, SR / 2, SR)).toBeGreaterThan(1e-4); // still ringing half a second later
    const echo = applyEffectsChain(click(), SR, [{ type: 'delay', settings: { time: 0.5, feedback: 0.3, mix: 0.5 } }]);
    const at = 100 + SR / 2;
    expect(Math.abs(echo.left[at]!) + Math.abs(echo.right[at]!)).toBeGreaterThan(0.2);
    expect(rms(echo.left, 200, at - 10)).toBe(0); // nothing between the click and its echo
  });

  it('leaves its input untouched and refuses other rates and unknown effects', () => {
    const input = tone(440);
    const copy = input.left.slice();
    applyEffectsChain(input, SR, [{ type: 'equalizer', settings: { low: 3 } }]);
    expect(input.left).toEqual(copy);
    expect(() => applyEffectsChain(input, 48000, [])).toThrow(RangeError);
    expect(() => applyEffectsChain(input, SR, [{ type: 'flanger', settings: {} } as never])).toThrow('unknown effect');
  });
});

import { describe, expect, it } from '@jest/globals';
import { applyEffectsChain, EQ_BANDS } from './effects-chain.js';
import { renderSong } from './render.js';

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

// The equalizer and compressor as first written (one channel per pass, the gain curve in dB per sample):
// the reference the faster versions in effects-chain.ts are checked against.
// Module-local alias: global lookups are slow inside Jest's vm sandbox, and these loops are hot.
const M = Math;
const reference = {
  rbj(type: 'lowshelf' | 'highshelf' | 'peak', freq: number, gainDb: number, q: number): number[] {
    const A = M.pow(10, gainDb / 40);
    const w0 = (2 * M.PI * freq) / SR;
    const cos = M.cos(w0);
    const alpha = M.sin(w0) / (2 * q);
    let b0: number, b1: number, b2: number, a0: number, a1: number, a2: number;
    if (type === 'peak') {
      b0 = 1 + alpha * A; b1 = -2 * cos; b2 = 1 - alpha * A; a0 = 1 + alpha / A; a1 = -2 * cos; a2 = 1 - alpha / A;
    } else {
      const s = 2 * M.sqrt(A) * alpha;
      if (type === 'lowshelf') {
        b0 = A * (A + 1 - (A - 1) * cos + s); b1 = 2 * A * (A - 1 - (A + 1) * cos); b2 = A * (A + 1 - (A - 1) * cos - s);
        a0 = A + 1 + (A - 1) * cos + s; a1 = -2 * (A - 1 + (A + 1) * cos); a2 = A + 1 + (A - 1) * cos - s;
      } else {
        b0 = A * (A + 1 + (A - 1) * cos + s); b1 = -2 * A * (A - 1 + (A + 1) * cos); b2 = A * (A + 1 + (A - 1) * cos - s);
        a0 = A + 1 - (A - 1) * cos + s; a1 = 2 * (A - 1 - (A + 1) * cos); a2 = A + 1 - (A - 1) * cos - s;
      }
    }
    return [b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0];
  },
  biquad(buf: Float32Array, [b0, b1, b2, a1, a2]: number[]): void {
    let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (let i = 0; i < buf.length; i++) {
      const x = buf[i]!;
      const y = b0! * x + b1! * x1 + b2! * x2 - a1! * y1 - a2! * y2;
      x2 = x1; x1 = x; y2 = y1; y1 = y;
      buf[i] = y;
    }
  },
  equalizer(left: Float32Array, right: Float32Array, s: { low?: number; mid?: number; high?: number }): void {
    const gainDb = (linear: number | undefined) => 20 * M.log10(M.max(1e-3, linear ?? 1));
    const stages: number[][] = [];
    if ((s.low ?? 1) !== 1) stages.push(reference.rbj('lowshelf', EQ_BANDS.low, gainDb(s.low), M.SQRT1_2));
    if ((s.mid ?? 1) !== 1) stages.push(reference.rbj('peak', EQ_BANDS.mid, gainDb(s.mid), 0.9));
    if ((s.high ?? 1) !== 1) stages.push(reference.rbj('highshelf', EQ_BANDS.high, gainDb(s.high), M.SQRT1_2));
    for (const c of stages) for (const ch of [left, right]) reference.biquad(ch, c);
  },
  compressor(left: Float32Array, right: Float32Array, threshold: number, ratio: number, attackMs = 10, releaseMs = 120, makeupDb = 0): void {
    const attack = M.exp(-1 / ((attackMs / 1000) * SR));
    const release = M.exp(-1 / ((releaseMs / 1000) * SR));
    const makeup = M.pow(10, makeupDb / 20);
    const knee = 6;
    let env = 0;
    for (let i = 0; i < left.length; i++) {
      const level = M.max(M.abs(left[i]!), M.abs(right[i]!));
      env = level > env ? attack * env + (1 - attack) * level : release * env + (1 - release) * level;
      const db = 20 * M.log10(M.max(env, 1e-9));
      const over = db - threshold;
      let reduction = 0;
      if (over >= knee / 2) reduction = over * (1 - 1 / ratio);
      else if (over > -knee / 2) reduction = ((1 - 1 / ratio) * (over + knee / 2) ** 2) / (2 * knee);
      const g = M.pow(10, -reduction / 20) * makeup;
      left[i] = left[i]! * g;
      right[i] = right[i]! * g;
    }
  },
};

describe('applyEffectsChain against the reference implementation', () => {
  // A real mix (loud, dynamic, both channels different) and its quiet and hot versions, so the compressor
  // spends time below, inside and above its knee.
  const mix = renderSong({ prompt: 'energetic electronic pop anthem with female vocals', durationSeconds: 5, seed: 1234 }, 0).mix;
  const scaled = (g: number) => ({ left: mix.left.map((x) => x * g), right: mix.right.map((x) => x * g) });

  it('equalizer: the same samples, bit for bit, for one, two and three bands', () => {
    for (const settings of [{ high: 0.25 }, { low: 1.2, mid: 1.0, high: 1.1 }, { low: 2, mid: 0.5, high: 1.5 }]) {
      const ours = applyEffectsChain(mix, SR, [{ type: 'equalizer', settings }]);
      const ref = { left: mix.left.slice(), right: mix.right.slice() };
      reference.equalizer(ref.left, ref.right, settings);
      // Compared in a loop: Jest's deep equality walks a typed array element by element, far too slowly here.
      let differing = 0;
      for (const ch of ['left', 'right'] as const) for (let i = 0; i < ref[ch].length; i++) if (ours[ch][i] !== ref[ch][i]) differing++;
      expect(differing).toBe(0);
    }
  });

  it('compressor: within float precision of the per-sample dB formula, in every region of the knee', () => {
    for (const [g, threshold, ratio, makeup] of [[1, -18, 3, 0], [0.1, -18, 3, 0], [1, -6, 8, 4], [0.5, -24, 2, -2]] as const) {
      const input = scaled(g);
      const ours = applyEffectsChain(input, SR, [{ type: 'compressor', settings: { threshold_db: threshold, ratio, makeup_db: makeup } }]);
      const ref = { left: input.left.slice(), right: input.right.slice() };
      reference.compressor(ref.left, ref.right, threshold, ratio, 10, 120, makeup);
      let maxErr = 0;
      let changed = 0;
      for (const ch of ['left', 'right'] as const) {
        for (let i = 0; i < ref[ch].length; i++) {
          maxErr = Math.max(maxErr, Math.abs(ours[ch][i]! - ref[ch][i]!));
          if (Math.abs(ref[ch][i]! - input[ch][i]!) > 1e-4) changed++;
        }
      }
      // One float32 step at full scale is 6e-8: the two differ by rounding only.
      expect(maxErr).toBeLessThan(2.5e-7);
      if (g >= 0.5) expect(changed).toBeGreaterThan(1000); // the compressor did compress
    }
  });
});

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

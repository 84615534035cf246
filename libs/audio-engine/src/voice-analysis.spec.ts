import { describe, expect, it } from '@jest/globals';
import { analyseVoice } from './voice-analysis.js';

const tone = (f: number) => {
  const x = Float32Array.from({ length: 44100 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * f * i) / 44100));
  return { left: x, right: x };
};

describe('analyseVoice', () => {
  it('finds the frequency of a tone and maps darker/brighter onto the brightness control', () => {
    for (const f of [400, 1600, 6000]) expect(analyseVoice(tone(f), 44100).spectralCentroidHz).toBeCloseTo(f, -1);
    expect(analyseVoice(tone(1600), 44100).timbre.brightness).toBeCloseTo(0, 2);
    expect(analyseVoice(tone(400), 44100).timbre.brightness).toBe(-1);
    expect(analyseVoice(tone(6000), 44100).timbre.brightness).toBe(1);
    expect(analyseVoice(tone(6000), 44100).timbre.breathiness).toBeGreaterThan(analyseVoice(tone(400), 44100).timbre.breathiness);
  });

  it('refuses silence', () => {
    expect(() => analyseVoice({ left: new Float32Array(100), right: new Float32Array(100) }, 44100)).toThrow('silent');
  });
});

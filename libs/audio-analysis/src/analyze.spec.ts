import { describe, expect, it } from '@jest/globals';
import jpeg from 'jpeg-js';
import { analyzeAudio, describe as describeFeatures, estimateKey } from './analyze.js';
import { integratedLoudness } from './loudness.js';

const SR = 44100;

/**
 * A drum groove at `bpm` over a sustained chord of the given MIDI notes: kick on the downbeat (and the
 * third beat of 4/4), a snare on the other beats' backbeat positions, hi-hats on every eighth note —
 * enough metrical structure that the beat level, not just a pulse, is there to be heard.
 */
function synth(bpm: number, notes: number[], seconds: number, beatsPerBar = 4) {
  const n = seconds * SR;
  const left = new Float32Array(n);
  let seed = 1;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const beat = (60 / bpm) * SR;
  const hit = (start: number, kind: 'kick' | 'snare' | 'hat', gain: number) => {
    let prev = 0;
    for (let i = 0; i < 6000 && start + i < n; i++) {
      const t = i / SR;
      if (kind === 'kick') left[start + i]! += gain * Math.sin(2 * Math.PI * (50 + 80 * Math.exp(-t * 30)) * t) * Math.exp(-t * 12);
      else if (kind === 'snare') left[start + i]! += gain * (0.6 * noise() + 0.4 * Math.sin(2 * Math.PI * 190 * t)) * Math.exp(-t * 25);
      else { const x = noise(); left[start + i]! += gain * (x - prev) * Math.exp(-t * 80); prev = x; }
    }
  };
  for (let k = 0; k * beat < n; k++) {
    const start = Math.round(k * beat), inBar = k % beatsPerBar;
    if (inBar === 0 || (beatsPerBar === 4 && inBar === 2)) hit(start, 'kick', 0.9);
    else hit(start, 'snare', 0.5);
    hit(start, 'hat', 0.15);
    hit(Math.round(start + beat / 2), 'hat', 0.1);
  }
  for (const midi of notes) {
    const f = 440 * 2 ** ((midi - 69) / 12);
    for (let i = 0; i < n; i++) left[i]! += 0.08 * Math.sin((2 * Math.PI * f * i) / SR) + 0.03 * Math.sin((4 * Math.PI * f * i) / SR);
  }
  return { left, right: left.slice(), sampleRate: SR, durationSeconds: seconds };
}

describe('analysis', () => {
  it('measures EBU R128 loudness: a −20 dBFS 1 kHz stereo sine reads about −20 LUFS, silence reads nothing', () => {
    const n = 5 * SR;
    const s = Float32Array.from({ length: n }, (_, i) => 0.1 * Math.sin((2 * Math.PI * 1000 * i) / SR));
    expect(integratedLoudness(s, s, SR)).toBeCloseTo(-20, 0);
    const half = Float32Array.from(s, (x) => x / 2);
    expect(integratedLoudness(half, half, SR) - integratedLoudness(s, s, SR)).toBeCloseTo(-6.02, 1);
    expect(integratedLoudness(new Float32Array(n), new Float32Array(n), SR)).toBe(-Infinity);
  });

  it('finds tempo and key of a synthetic groove, and draws its spectrogram', () => {
    // C major triad over a 128 BPM rock groove.
    const { features, spectrogramJpeg } = analyzeAudio(synth(128, [60, 64, 67, 48], 20));
    expect(Math.abs(features.tempoBpm - 128) / 128).toBeLessThan(0.02);
    expect(`${features.key} ${features.mode}`).toBe('C major');
    expect(features.timeSignature).toBe('4/4');
    expect(features.genres[0]!.score).toBeGreaterThan(0);
    const image = jpeg.decode(spectrogramJpeg);
    expect([image.width, image.height]).toEqual([640, 256]);
    expect(describeFeatures(features)).toMatch(/128 BPM in C major/);
  });

  it('tells minor from major and hears three beats to the bar', () => {
    // A minor (A C E) over a 96 BPM waltz groove (kick on one, snare on two and three).
    const { features } = analyzeAudio(synth(96, [57, 60, 64, 45], 20, 3));
    expect(`${features.key} ${features.mode}`).toBe('A minor');
    expect(Math.abs(features.tempoBpm - 96) / 96).toBeLessThan(0.02);
    expect(features.timeSignature).toBe('3/4');
  });

  it('keys from chroma: a flat chroma is low-confidence, a G major scale is G major', () => {
    const g = new Array(12).fill(0.1);
    for (const pc of [7, 9, 11, 0, 2, 4, 6]) g[pc] = 1;
    g[7] = 2; g[2] = 1.5;
    expect(estimateKey(g)).toMatchObject({ key: 'G', mode: 'major' });
  });
});

// Voice/timbre parameters for a persona, measured from audio: the engine's timbre controls
// (brightness, breathiness; roughly -1..1) derived from the signal's spectral balance.
import type { StereoBuffer } from './types.js';

export interface VoiceAnalysis {
  /** Power-weighted mean frequency, estimated from the energy of the signal's first difference. */
  spectralCentroidHz: number;
  /** Share of the energy above ~5 kHz (from the second difference): hiss, air, breath. */
  highBandRatio: number;
  rmsDb: number;
  /** The engine's persona controls. */
  timbre: { brightness: number; breathiness: number; vibrato: number; formantShift: number; pitchShift: number };
}

const clamp = (x: number) => Math.max(-1, Math.min(1, x));

/**
 * For a sinusoid of frequency f, E[(x[n]-x[n-1])²] / E[x²] = 4 sin²(πf/SR); the same ratio over a
 * mix gives a frequency that tracks its spectral centroid, without an FFT.
 */
export function analyseVoice(audio: StereoBuffer, sampleRate: number): VoiceAnalysis {
  let e0 = 0, e1 = 0, e2 = 0;
  const n = audio.left.length;
  for (let i = 2; i < n; i++) {
    const x = 0.5 * (audio.left[i]! + audio.right[i]!);
    const x1 = 0.5 * (audio.left[i - 1]! + audio.right[i - 1]!);
    const x2 = 0.5 * (audio.left[i - 2]! + audio.right[i - 2]!);
    e0 += x * x;
    e1 += (x - x1) ** 2;
    e2 += (x - 2 * x1 + x2) ** 2;
  }
  if (e0 === 0) throw new RangeError('the audio is silent');
  const centroid = (sampleRate / Math.PI) * Math.asin(Math.min(1, Math.sqrt(e1 / e0) / 2));
  // The second difference weights a tone of f by 16 sin⁴(πf/SR): ~0.5 at 5 kHz against 1.0 … so its share is a high-band measure.
  const highBandRatio = e2 / (16 * e0);
  const rmsDb = 10 * Math.log10(e0 / n);
  return {
    spectralCentroidHz: centroid,
    highBandRatio,
    rmsDb,
    timbre: {
      // 800 Hz (dark) … 3.2 kHz (bright) map onto -1 … 1 on a log scale.
      brightness: clamp(Math.log2(centroid / 1600)),
      breathiness: clamp(Math.log10(Math.max(highBandRatio, 1e-6) / 1e-3)),
      vibrato: 0,
      formantShift: 0,
      pitchShift: 0,
    },
  };
}

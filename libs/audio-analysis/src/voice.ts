// Vocal presence from the listening pass. The engine's (and most) singing sits in the centre of the
// stereo image and never holds still in pitch — vibrato, scoops into notes, gliding formants — while
// synthesised and sampled instruments hold equal-tempered pitches. The cues: how much centre-panned
// partial energy (800 Hz–4 kHz) lies off the equal-tempered grid, how much of it moves from frame to
// frame, and the same off-grid share in the side channel (where a centred voice is absent) as a
// contrast. A logistic model fitted on the tuning seed range (scripts/bench/audio-fit.js → model.ts)
// turns them into a 0–1 score.
import type { Listening } from './listen.js';
import { VOICE_MODEL } from './model.js';

export type VoiceCues = Pick<Listening, 'deviation' | 'sideDeviation' | 'centreDeviation' | 'centreGlide' | 'centreShare'>;

const share = (h: ArrayLike<number>, from: number, to: number) => {
  let part = 0, all = 0;
  for (let k = 0; k < h.length; k++) { all += h[k]!; if (k >= from && k <= to) part += h[k]!; }
  return all > 0 ? part / all : 0;
};

export function voiceFeatures(v: VoiceCues): number[] {
  return [
    share(v.centreDeviation, 1, 9),
    share(v.centreGlide, 2, 5),
    share(v.sideDeviation, 1, 9),
    share(v.deviation, 1, 9),
    v.centreShare,
    // The shapes themselves: each deviation bin of the centre and side peaks, each glide bin.
    ...[1, 2, 3, 4, 5, 6].map((k) => share(v.centreDeviation, k, k)),
    ...[1, 2, 3, 4, 5, 6].map((k) => share(v.sideDeviation, k, k)),
    ...[0, 1, 2, 3, 4, 5].map((k) => share(v.centreGlide, k, k)),
  ];
}

export function vocalScore(v: VoiceCues, model: { w: number[]; b: number } = VOICE_MODEL): number {
  const f = voiceFeatures(v);
  let z = model.b;
  for (let k = 0; k < f.length; k++) z += (model.w[k] ?? 0) * f[k]!;
  return Math.round((1 / (1 + Math.exp(-z))) * 1000) / 1000;
}

export function vocalLevel(score: number): 'none' | 'low' | 'medium' | 'high' {
  return score < 0.25 ? 'none' : score < 0.5 ? 'low' : score < 0.75 ? 'medium' : 'high';
}

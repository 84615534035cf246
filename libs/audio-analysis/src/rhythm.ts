// Tempo and metre from the band-wise onset envelopes of the listening pass.
//
// 1. Salience: the autocorrelation of the onset envelope (kick/bass + snare/notes + a little hats)
//    scored at each candidate beat lag L by a comb over L/2, L, 2L, 4L with a broad log-normal prior —
//    finds the pulse, but not reliably its metrical level (half / double / ⅔ / 3/2 time).
// 2. Metrical level and metre: every candidate (the salient tempo × ⅓ … 3, each settled onto its own
//    comb peak) × (4/4, 3/4, 6/8) is scored by a linear model over log autocorrelations of each band at
//    the lags that hypothesis predicts (beat, its duple/triple subdivision, the bar), the kick-to-snare
//    cross-correlation at ½, 1 and 2 beats (a backbeat sits one beat after the kick only at the right
//    level), the periodicity of chord changes at the bar and two-bar lags (the only metrical cue in
//    drum-less pieces), plus a per-metre log-normal tempo prior; the best score wins. The weights are a conditional-logit fit (convex, L2-regularised) on the tuning seed
//    range only (scripts/bench/audio-fit.js writes model.ts).
import { CHROMA_EVERY, type Listening } from './listen.js';
import { TEMPO_MODEL } from './model.js';

/** Chroma is optional: with it, chord changes (which fall on bar lines) also vote for the metrical level. */
export type Onsets = Pick<Listening, 'fps' | 'onsetLow' | 'onsetMid' | 'onsetHigh'> & Partial<Pick<Listening, 'chroma' | 'bassChroma'>>;
export type Metre = '4/4' | '3/4' | '6/8';
export interface Tempo {
  bpm: number;
  confidence: number;
  /** 3/4 for any triple metre (6/8 included), as AudioFeatures has always reported it. */
  timeSignature: '4/4' | '3/4';
  metre: Metre;
}
export interface TempoHypothesis { bpm: number; metre: Metre; features: number[] }

export const METRES: readonly Metre[] = ['4/4', '3/4', '6/8'];
// ¾ and 4/3 too: a slow song whose salient pulse is the bar of three (or four) beats of the other metre.
const RATIOS = [1 / 3, 1 / 2, 2 / 3, 3 / 4, 1, 4 / 3, 3 / 2, 2, 3];

/** Onset strength with the local mean (±0.5 s) removed and negative values dropped. */
export function onsetEnvelope(o: Onsets, weights: [number, number, number] = [1, 1, 0]): Float64Array {
  const n = o.onsetLow.length;
  const raw = new Float64Array(n);
  for (let i = 0; i < n; i++) raw[i] = weights[0] * o.onsetLow[i]! + weights[1] * o.onsetMid[i]! + weights[2] * o.onsetHigh[i]!;
  const env = new Float64Array(n);
  const half = Math.round(o.fps / 2);
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cum[i + 1] = cum[i]! + raw[i]!;
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half), b = Math.min(n, i + half + 1);
    env[i] = Math.max(0, raw[i]! - (cum[b]! - cum[a]!) / (b - a));
  }
  return env;
}

export function autocorrelation(env: Float64Array, maxLag: number): Float64Array {
  const n = env.length;
  const acf = new Float64Array(maxLag + 1);
  for (let lag = 0; lag <= maxLag; lag++) {
    let s = 0;
    for (let i = lag; i < n; i++) s += env[i]! * env[i - lag]!;
    acf[lag] = s / (n - lag);
  }
  return acf;
}

/** Kick/bass against snare/notes: Σ low[i]·mid[i+lag] + mid[i]·low[i+lag], normalised. At the true beat a
 * backbeat (kick on 1 and 3, snare on 2 and 4) puts mid onsets one beat after low ones; read at half or
 * double time that offset is half a beat or two beats. */
function crossReader(o: Onsets, maxLag: number): (lag: number) => number {
  const a = onsetEnvelope(o, [1, 0, 0]), b = onsetEnvelope(o, [0, 1, 0]);
  const n = a.length;
  const xc = new Float64Array(maxLag + 1);
  let aa = 0, bb = 0;
  for (let i = 0; i < n; i++) { aa += a[i]! * a[i]!; bb += b[i]! * b[i]!; }
  for (let lag = 0; lag <= maxLag; lag++) {
    let s = 0;
    for (let i = lag; i < n; i++) s += a[i - lag]! * b[i]! + b[i - lag]! * a[i]!;
    xc[lag] = s / (n - lag);
  }
  const zero = (2 * Math.sqrt(aa * bb)) / n || 1;
  const at = (lag: number) => {
    if (lag >= maxLag || lag < 0) return 0;
    const i = Math.floor(lag), f = lag - i;
    return (xc[i]! * (1 - f) + xc[i + 1]! * f) / zero;
  };
  return (lag: number) => Math.max(at(lag - 1), at(lag), at(lag + 1));
}

/** Harmonic change: how much the (bass) pitch-class profile moves from one chroma frame to the next,
 * local mean removed; its autocorrelation peaks at the bar (and two-bar) period, drums or not. Read at
 * onset-frame lags. Without chroma every reading is 0. */
function harmonyReader(o: Onsets, maxLag: number): (lag: number) => number {
  if (!o.chroma || !o.bassChroma) return () => 0;
  const n = Math.floor(o.chroma.length / 12);
  const raw = new Float64Array(n);
  for (let j = 1; j < n; j++) {
    let d = 0;
    for (let k = 0; k < 12; k++) d += Math.abs(o.chroma[j * 12 + k]! - o.chroma[(j - 1) * 12 + k]!) + Math.abs(o.bassChroma[j * 12 + k]! - o.bassChroma[(j - 1) * 12 + k]!);
    raw[j] = d;
  }
  const half = Math.round(o.fps / CHROMA_EVERY / 2), cum = new Float64Array(n + 1), env = new Float64Array(n);
  for (let i = 0; i < n; i++) cum[i + 1] = cum[i]! + raw[i]!;
  for (let i = 0; i < n; i++) { const a = Math.max(0, i - half), b = Math.min(n, i + half + 1); env[i] = Math.max(0, raw[i]! - (cum[b]! - cum[a]!) / (b - a)); }
  const cMax = Math.min(n - 2, Math.ceil(maxLag / CHROMA_EVERY));
  if (cMax < 4) return () => 0;
  const acf = autocorrelation(env, cMax), zero = acf[0]! || 1;
  const at = (lag: number) => {
    if (lag >= cMax || lag < 1) return 0;
    const i = Math.floor(lag), f = lag - i;
    return (acf[i]! * (1 - f) + acf[i + 1]! * f) / zero;
  };
  return (lag: number) => { const c = lag / CHROMA_EVERY; return Math.max(at(c - 0.5), at(c), at(c + 0.5)); };
}

/** Normalised autocorrelation of one band mix, read at fractional lags with ±1 frame tolerance (onsets sit on a frame grid). */
function lagReader(o: Onsets, weights: [number, number, number], maxLag: number): ((lag: number) => number) & { exact: (lag: number) => number } {
  const acf = autocorrelation(onsetEnvelope(o, weights), maxLag);
  const zero = acf[0]! || 1;
  const at = (lag: number) => {
    if (lag >= maxLag || lag < 1) return 0;
    const i = Math.floor(lag), f = lag - i;
    return (acf[i]! * (1 - f) + acf[i + 1]! * f) / zero;
  };
  return Object.assign((lag: number) => Math.max(at(lag - 1), at(lag - 0.5), at(lag), at(lag + 0.5), at(lag + 1)), { exact: at });
}

const log = (x: number) => Math.log(Math.max(1e-3, x));

/** The salient pulse and every metrical reading of it, with the model's features. */
export function tempoHypotheses(o: Onsets): { salient: number; confidence: number; hypotheses: TempoHypothesis[]; refine?: (bpm: number) => number } {
  const fps = o.fps;
  const maxLag = Math.min(o.onsetLow.length - 2, Math.ceil(fps * 8));
  if (maxLag < 8) return { salient: 120, confidence: 0, hypotheses: [] };
  const all = lagReader(o, [1, 1, 0.3], maxLag);
  const high = lagReader(o, [0, 0, 1], maxLag), mid = lagReader(o, [0, 1, 0], maxLag), low = lagReader(o, [1, 0, 0], maxLag);
  // Onsets per second: local maxima of the envelope above its mean + one deviation. Per hypothesised
  // beat this tells a too-slow reading (eight or more onsets a beat) from a too-fast one (one or fewer).
  const rate = (weights: [number, number, number]) => {
    const env = onsetEnvelope(o, weights);
    let mean = 0, sq = 0;
    for (let i = 0; i < env.length; i++) { mean += env[i]!; sq += env[i]! * env[i]!; }
    mean /= env.length;
    const threshold = mean + Math.sqrt(Math.max(0, sq / env.length - mean * mean));
    let peaks = 0;
    for (let i = 1; i + 1 < env.length; i++) if (env[i]! > threshold && env[i]! >= env[i - 1]! && env[i]! > env[i + 1]!) peaks++;
    return (peaks / env.length) * fps;
  };
  // Kick/bass and snare/notes separately too: about one or two kicks a beat at the right level.
  const onsetRate = rate([1, 1, 0.3]), lowRate = rate([1, 0, 0]), midRate = rate([0, 1, 0]);
  let salient = 120, bestScore = -Infinity, sum = 0, count = 0;
  for (let bpm = 40; bpm <= 240; bpm *= 1.002) {
    const L = (60 * fps) / bpm;
    const s = (all(L / 2) + all(L) + all(2 * L) + all(4 * L)) * Math.exp(-0.5 * (Math.log2(bpm / 120) / 1.5) ** 2);
    sum += s; count++;
    if (s > bestScore) { bestScore = s; salient = bpm; }
  }
  const cross = crossReader(o, maxLag), harmony = harmonyReader(o, maxLag);
  // The salient pulse is only as exact as its ±1-frame reading; a ratio of it can miss the true tempo by
  // a few per cent, so each candidate moves to the best comb (its lag's multiples) within ±4 %.
  const settle = (bpm: number) => {
    let best = bpm, top = -Infinity;
    for (let b = bpm * 0.96; b <= bpm * 1.04; b += bpm * 0.002) {
      const L = (60 * fps) / b;
      let s = 0;
      for (let k = 1; k * L < maxLag; k *= 2) s += all.exact(k * L);
      if (s > top) { top = s; best = b; }
    }
    return best;
  };
  const hypotheses: TempoHypothesis[] = [];
  for (const r of RATIOS) {
    if (salient * r < 38 || salient * r > 250) continue;
    const bpm = r === 1 ? salient : settle(salient * r);
    const L = (60 * fps) / bpm;
    for (const metre of METRES) {
      const beats = metre === '4/4' ? 4 : metre === '3/4' ? 3 : 2;
      const sub = metre === '6/8' ? 3 : 2, otherSub = sub === 2 ? 3 : 2;
      hypotheses.push({
        bpm, metre, features: [
          log(all(L)), log(all(L / sub)), log(all(L / otherSub)), log(all(beats * L)), log(all(L * (beats === 4 ? 3 : 4))), log(all(2 * L)),
          log(high(L / sub)), log(high(L / otherSub)), log(mid(2 * L)), log(mid(L)), log(low(L)), log(low(beats * L)),
          log(all(L / 4)), log(high(L / 4)), log(high(L / 8)), log(mid(L / 4)), log((onsetRate * 60) / bpm),
          log(cross(L)), log(cross(L / 2)), log(cross(2 * L)), log(low(2 * L)), log(low(L / 2)),
          log(harmony(beats * L)), log(harmony(2 * beats * L)), log(harmony(L)), log(harmony((beats === 4 ? 3 : 4) * L)),
          log((lowRate * 60) / bpm), log((midRate * 60) / bpm),
        ],
      });
    }
  }
  // The chosen reading's tempo to a finer grid: within ±1.5 %, the lag whose multiples (up to the
  // longest lag) line up best with the exact autocorrelation — long lags pin the period down.
  const refine = (bpm: number) => {
    let best = bpm, top = -Infinity;
    for (let b = bpm * 0.985; b <= bpm * 1.015; b += bpm * 0.0005) {
      const L = (60 * fps) / b;
      let s = 0;
      for (let k = 1; k * L < maxLag; k *= 2) s += all.exact(k * L);
      if (s > top) { top = s; best = b; }
    }
    return best;
  };
  return { salient, confidence: count > 0 && sum > 0 ? bestScore / (sum / count) : 0, hypotheses, refine };
}

/** A conditional-logit model: feature weights, and per metre a bias and a quadratic in x = log2(bpm / 100) (a log-normal tempo prior). */
export interface TempoModel { w: number[]; metre: { bias: number; lin: number; quad: number }[] }

/** The model's inputs for one hypothesis: the rhythm features, then per metre [is, is·x, is·x²]. */
export function hypothesisInputs(h: TempoHypothesis): number[] {
  const x = Math.log2(h.bpm / 100);
  const out = h.features.slice();
  for (const m of METRES) { const is = m === h.metre ? 1 : 0; out.push(is, is * x, is * x * x); }
  return out;
}

export function scoreHypothesis(model: TempoModel, h: TempoHypothesis): number {
  const x = Math.log2(h.bpm / 100);
  const m = model.metre[METRES.indexOf(h.metre)]!;
  let s = m.bias + m.lin * x + m.quad * x * x;
  for (let k = 0; k < h.features.length; k++) s += model.w[k]! * h.features[k]!;
  return s;
}

export function pickTempo(model: TempoModel, found: ReturnType<typeof tempoHypotheses>): Tempo {
  let best: TempoHypothesis | undefined, bestScore = -Infinity;
  for (const h of found.hypotheses) {
    const s = scoreHypothesis(model, h);
    if (s > bestScore) { bestScore = s; best = h; }
  }
  const metre = best?.metre ?? '4/4';
  const bpm = best?.bpm ?? found.salient;
  return { bpm: found.refine ? found.refine(bpm) : bpm, confidence: found.confidence, metre, timeSignature: metre === '4/4' ? '4/4' : '3/4' };
}

/** The tempo estimator analyze() uses. */
export function estimateTempo(o: Onsets): Tempo {
  return pickTempo(TEMPO_MODEL, tempoHypotheses(o));
}

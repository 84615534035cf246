// Audio fingerprints by spectral-peak landmarks (Wang 2003, "Shazam"): the loudest local peaks of a
// log spectrogram at 11.025 kHz, paired anchor → target within a target zone; each pair hashes
// (f_anchor, f_target, Δt) into 24 bits and is stored with the anchor's frame. A query matches a
// track when many of its hashes agree on one time offset — robust to noise, level and excerpting.
import { Fft } from './fft.js';

export const FP_RATE = 11025;
const N = 1024;
const HOP = 256;
/** Frames per second of the landmark grid (t values count these). */
export const FP_FPS = FP_RATE / HOP;
const BINS = 512; // bins 0..511 (up to ~5.5 kHz)
const PEAK_FREQ = 12; // neighbourhood half-width (bins) for a peak
const PEAK_TIME = 6; // … and (frames)
const FAN_OUT = 6;
const ZONE_DT = 48; // targets up to ~1.1 s after the anchor
const ZONE_DF = 96;

export interface Landmark { hash: number; t: number }

/** Low-pass and decimate a stereo 44.1/48 kHz signal to ~11 kHz mono. */
function downmix(left: Float32Array, right: Float32Array, sampleRate: number): Float32Array {
  const factor = Math.max(1, Math.round(sampleRate / FP_RATE));
  // Windowed-sinc low-pass at the new Nyquist (31 taps) before keeping every factor-th sample.
  const taps = 31, half = 15, cutoff = 0.5 / factor;
  const h = new Float64Array(taps);
  for (let i = 0; i < taps; i++) {
    const x = i - half;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    h[i] = sinc * (0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (taps - 1)));
  }
  const out = new Float32Array(Math.floor(left.length / factor));
  for (let o = 0; o < out.length; o++) {
    const c = o * factor;
    let s = 0;
    for (let k = 0; k < taps; k++) {
      const t = c + k - half;
      if (t >= 0 && t < left.length) s += h[k]! * (left[t]! + right[t]!) * 0.5;
    }
    out[o] = s;
  }
  return out;
}

/** Landmarks of a whole signal (streams over frames; peaks need only a window of 2·PEAK_TIME+1 frames). */
export function fingerprint(audio: { left: Float32Array; right: Float32Array; sampleRate: number }): Landmark[] {
  const x = downmix(audio.left, audio.right, audio.sampleRate);
  const frames = Math.max(0, Math.floor((x.length - N) / HOP) + 1);
  const fft = new Fft(N);
  const w = Float64Array.from({ length: N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N));
  const re = new Float64Array(N), im = new Float64Array(N);
  // The log spectrogram (frames × 512 floats: 2 MB per minute) — a fingerprint is computed once per track.
  const spec = new Float32Array(frames * BINS);
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < N; i++) { re[i] = x[f * HOP + i]! * w[i]!; im[i] = 0; }
    fft.transform(re, im);
    for (let b = 0; b < BINS; b++) spec[f * BINS + b] = Math.log(1e-9 + re[b]! * re[b]! + im[b]! * im[b]!);
  }
  // Peaks: the maximum of their neighbourhood and above the frame's mean by a margin.
  const peaks: { t: number; f: number }[] = [];
  for (let f = 0; f < frames; f++) {
    let mean = 0;
    for (let b = 1; b < BINS; b++) mean += spec[f * BINS + b]!;
    mean /= BINS - 1;
    for (let b = 2; b < BINS - 1; b++) {
      const v = spec[f * BINS + b]!;
      if (v < mean + 3) continue;
      let isMax = true;
      for (let df = -PEAK_TIME; df <= PEAK_TIME && isMax; df++) {
        const g = f + df;
        if (g < 0 || g >= frames) continue;
        for (let db = -PEAK_FREQ; db <= PEAK_FREQ; db++) {
          const c = b + db;
          if (c < 1 || c >= BINS || (df === 0 && db === 0)) continue;
          if (spec[g * BINS + c]! > v) { isMax = false; break; }
        }
      }
      if (isMax) peaks.push({ t: f, f: b });
    }
  }
  peaks.sort((a, b) => a.t - b.t || a.f - b.f);
  const out: Landmark[] = [];
  for (let i = 0; i < peaks.length; i++) {
    const a = peaks[i]!;
    let fanned = 0;
    for (let j = i + 1; j < peaks.length && fanned < FAN_OUT; j++) {
      const b = peaks[j]!;
      const dt = b.t - a.t;
      if (dt < 1) continue;
      if (dt > ZONE_DT) break;
      if (Math.abs(b.f - a.f) > ZONE_DF) continue;
      out.push({ hash: (a.f << 15) | (b.f << 6) | (dt & 63), t: a.t });
      fanned++;
    }
  }
  return out;
}

export interface FingerprintHit { trackId: string; t: number; hash: number }
export interface Match { trackId: string; aligned: number; offsetSeconds: number; confidence: number }

/**
 * Scores candidates by the largest set of hashes agreeing on one offset (t_track − t_query).
 * A match needs at least `minAligned` aligned hashes, at least `minShare` of the query's hashes
 * aligned (a true excerpt at 10 dB SNR aligns 25–35 %; another song with the same drum kit and
 * groove ~1 %), and to stand clear of the runner-up.
 */
export function bestMatch(query: Landmark[], hits: FingerprintHit[], minAligned = 15, minShare = 0.04): Match | undefined {
  const byHash = new Map<number, number[]>();
  for (const q of query) {
    const list = byHash.get(q.hash);
    if (list) list.push(q.t); else byHash.set(q.hash, [q.t]);
  }
  const votes = new Map<string, Map<number, number>>();
  for (const hit of hits) {
    for (const qt of byHash.get(hit.hash) ?? []) {
      let perTrack = votes.get(hit.trackId);
      if (!perTrack) votes.set(hit.trackId, (perTrack = new Map()));
      const offset = hit.t - qt;
      perTrack.set(offset, (perTrack.get(offset) ?? 0) + 1);
    }
  }
  const ranked: { trackId: string; aligned: number; offset: number }[] = [];
  for (const [trackId, offsets] of votes) {
    // Neighbouring offsets (±1 frame) count together: peaks jitter by a frame between encodings.
    let best = 0, bestOffset = 0;
    for (const [o, n] of offsets) {
      const total = n + (offsets.get(o - 1) ?? 0) + (offsets.get(o + 1) ?? 0);
      if (total > best) { best = total; bestOffset = o; }
    }
    ranked.push({ trackId, aligned: best, offset: bestOffset });
  }
  ranked.sort((a, b) => b.aligned - a.aligned);
  const top = ranked[0];
  if (!top || top.aligned < Math.max(minAligned, minShare * query.length)) return undefined;
  const second = ranked[1]?.aligned ?? 0;
  if (top.aligned < 2 * second) return undefined;
  // Confidence: how far the aligned count is above chance (the runner-up), saturating near 60 hashes.
  const confidence = Math.min(0.999, (1 - Math.exp(-top.aligned / 20)) * (1 - second / top.aligned));
  return { trackId: top.trackId, aligned: top.aligned, offsetSeconds: top.offset / FP_FPS, confidence: Math.round(confidence * 1000) / 1000 };
}

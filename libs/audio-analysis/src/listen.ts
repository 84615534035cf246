// One streamed pass of STFT frames over a track, collecting the raw measurements every feature is
// computed from: band-wise onset envelopes (rhythm), per-frame chroma and bass chroma (tonality),
// the tuning-deviation histogram of spectral peaks (voice), spectral summary values and the
// spectrogram image. Memory is the image plus a few short vectors per frame, not a spectrogram.
import type { Audio } from './audio-input.js';
import { Fft, splitTwoReal } from './fft.js';

export const HOP = 512;
const N = 2048;
const CHROMA_N = 8192;
export const CHROMA_EVERY = 4;
export const IMAGE_W = 640;
export const IMAGE_H = 256;
/** Deviation-from-equal-temperament histogram: bins of 0.05 semitone over [0, 0.5]. */
export const DEV_BINS = 10;
/** Peaks between these frequencies vote in the deviation histogram: above 800 Hz a semitone spans over two bins of the 2048-point transform, so peak positions resolve it. */
const DEV_LO = 800, DEV_HI = 4000;
export const GLIDE_EDGES = [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.03];

export interface Listening {
  sampleRate: number;
  frames: number;
  /** Onset frames per second (sampleRate / HOP). */
  fps: number;
  /** Positive log-spectral flux below 150 Hz (kick, bass), 150–1500 Hz (snare body, note attacks) and above 1500 Hz (hats). */
  onsetLow: Float32Array;
  onsetMid: Float32Array;
  onsetHigh: Float32Array;
  /** 12 values per chroma frame (one every CHROMA_EVERY hops), each frame normalised to sum 1 (or all zero). */
  chroma: Float32Array;
  /** Same from peaks 40–250 Hz: the bass line's pitch classes. */
  bassChroma: Float32Array;
  /** Energy of each chroma frame (sum of peak magnitudes 80–2000 Hz) — lets silent frames be ignored. */
  chromaEnergy: Float32Array;
  /** Magnitude-weighted histogram of spectral-peak deviations from the nearest semitone (DEV_LO–DEV_HI Hz, mid channel). */
  deviation: Float64Array;
  /** Same for the side channel (L−R)/2. */
  sideDeviation: Float64Array;
  /** Same for peaks panned to the centre (side below a fifth of mid) — where a lead voice sits. */
  centreDeviation: Float64Array;
  /** Magnitude-weighted histogram of the frame-to-frame relative frequency change of centre peaks
   * (bin k: change below GLIDE_EDGES[k]); a held synth note does not move, a sung one glides (vibrato, scoops). */
  centreGlide: Float64Array;
  centroidHz: number;
  lowEndShare: number;
  /** Centre-coherent share of 300–3400 Hz energy (the analyzer@1 vocal score, kept for comparison). */
  centreShare: number;
  image: Float64Array;
  imageCount: Float64Array;
}

/** Parabolic peak interpolation on log magnitude: fractional bin offset in (−0.5, 0.5). */
function peakShift(a: number, m: number, c: number): number {
  const la = Math.log(a + 1e-20), lm = Math.log(m + 1e-20), lc = Math.log(c + 1e-20);
  const d = la - 2 * lm + lc;
  return d < 0 ? (0.5 * (la - lc)) / d : 0;
}

export function listen(audio: Audio): Listening {
  const { left, right, sampleRate } = audio;
  const n = left.length;
  const fft = new Fft(N);
  const bins = N / 2 + 1;
  const window = Float64Array.from({ length: N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N));
  const re = new Float64Array(N), im = new Float64Array(N);
  const lRe = new Float64Array(bins), lIm = new Float64Array(bins), rRe = new Float64Array(bins), rIm = new Float64Array(bins);
  const logMag = new Float64Array(bins), prevLog = new Float64Array(bins);
  const midMag = new Float64Array(bins), sideMag = new Float64Array(bins);
  const freq = (b: number) => (b * sampleRate) / N;
  const lowTop = Math.round((150 * N) / sampleRate), midTop = Math.round((1500 * N) / sampleRate);
  const devLo = Math.ceil((DEV_LO * N) / sampleRate), devHi = Math.min(bins - 2, Math.floor((DEV_HI * N) / sampleRate));
  const rowOf = new Int16Array(bins).fill(-1);
  for (let b = 1; b < bins; b++) {
    const f = freq(b);
    if (f >= 30 && f <= 16000) rowOf[b] = IMAGE_H - 1 - Math.min(IMAGE_H - 1, Math.floor((Math.log(f / 30) / Math.log(16000 / 30)) * IMAGE_H));
  }
  const frames = Math.max(1, Math.ceil(n / HOP));
  const image = new Float64Array(IMAGE_W * IMAGE_H);
  const imageCount = new Float64Array(IMAGE_W * IMAGE_H);
  const onsetLow = new Float32Array(frames), onsetMid = new Float32Array(frames), onsetHigh = new Float32Array(frames);
  const chromaFrames = Math.ceil(frames / CHROMA_EVERY);
  const chroma = new Float32Array(chromaFrames * 12), bassChroma = new Float32Array(chromaFrames * 12), chromaEnergy = new Float32Array(chromaFrames);
  const deviation = new Float64Array(DEV_BINS), sideDeviation = new Float64Array(DEV_BINS), centreDeviation = new Float64Array(DEV_BINS);
  const centreGlide = new Float64Array(GLIDE_EDGES.length + 1);
  let prevPeaks: number[] = [], peaksNow: number[] = [];

  // Chroma needs finer frequency resolution than onsets (a semitone at 100 Hz is 6 Hz): its own
  // 8192-point transform every few hops, spectral peaks only, each near a semitone voting for it.
  const chromaFft = new Fft(CHROMA_N);
  const cWindow = Float64Array.from({ length: CHROMA_N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / CHROMA_N));
  const cRe = new Float64Array(CHROMA_N), cIm = new Float64Array(CHROMA_N), cMag = new Float64Array(CHROMA_N / 2);
  const peaksInto = (out: Float32Array, at: number, loHz: number, hiHz: number): number => {
    let total = 0;
    const lo = Math.max(1, Math.ceil((loHz * CHROMA_N) / sampleRate)), hi = Math.floor((hiHz * CHROMA_N) / sampleRate);
    for (let b = lo; b <= hi; b++) {
      const m = cMag[b]!;
      if (m <= cMag[b - 1]! || m < cMag[b + 1]!) continue;
      const fq = ((b + peakShift(cMag[b - 1]!, m, cMag[b + 1]!)) * sampleRate) / CHROMA_N;
      const midi = 12 * Math.log2(fq / 440) + 69;
      const d = Math.abs(midi - Math.round(midi));
      if (d > 0.4) continue;
      const w = m * (1 - d / 0.4);
      const k = at + (((Math.round(midi) % 12) + 12) % 12);
      out[k] = out[k]! + w;
      total += w;
    }
    if (total > 1e-9) for (let k = 0; k < 12; k++) out[at + k] = out[at + k]! / total;
    return total;
  };
  const chromaFrame = (centre: number, index: number) => {
    for (let i = 0; i < CHROMA_N; i++) {
      const t = centre - CHROMA_N / 2 + i;
      cRe[i] = t >= 0 && t < n ? ((left[t]! + right[t]!) / 2) * cWindow[i]! : 0;
      cIm[i] = 0;
    }
    chromaFft.transform(cRe, cIm);
    for (let b = 0; b < CHROMA_N / 2; b++) cMag[b] = Math.hypot(cRe[b]!, cIm[b]!);
    // Each frame is normalised, so loud passages do not outvote the rest.
    chromaEnergy[index] = peaksInto(chroma, index * 12, 80, 2000);
    peaksInto(bassChroma, index * 12, 40, 250);
  };
  const deviationVotes = (mag: Float64Array, hist: Float64Array, centre: boolean) => {
    if (centre) { const t = prevPeaks; prevPeaks = peaksNow; peaksNow = t; peaksNow.length = 0; }
    for (let b = devLo; b <= devHi; b++) {
      const m = mag[b]!;
      if (m <= mag[b - 1]! || m < mag[b + 1]!) continue;
      const fq = ((b + peakShift(mag[b - 1]!, m, mag[b + 1]!)) * sampleRate) / N;
      const midi = 12 * Math.log2(fq / 440) + 69;
      const d = Math.abs(midi - Math.round(midi));
      const k = Math.min(DEV_BINS - 1, Math.floor(d * 2 * DEV_BINS));
      hist[k] = hist[k]! + m;
      if (centre && sideMag[b]! < 0.2 * m) {
        centreDeviation[k] = centreDeviation[k]! + m;
        peaksNow.push(fq);
        // Nearest centre peak of the previous frame within ±1.5 bins: how far this partial moved.
        let near = Infinity;
        for (const p of prevPeaks) { const r = Math.abs(p - fq) / fq; if (r < near) near = r; }
        if (near < (1.5 * sampleRate) / N / fq) {
          let g = 0;
          while (g < GLIDE_EDGES.length && near >= GLIDE_EDGES[g]!) g++;
          centreGlide[g] = centreGlide[g]! + m;
        }
      }
    }
  };
  let centroidNum = 0, centroidDen = 0, lowEnergy = 0, totalEnergy = 0, vocalBandCentre = 0, vocalBandAll = 0;

  for (let f = 0; f < frames; f++) {
    const start = f * HOP - N / 2;
    for (let i = 0; i < N; i++) {
      const t = start + i;
      const inside = t >= 0 && t < n;
      re[i] = inside ? left[t]! * window[i]! : 0;
      im[i] = inside ? right[t]! * window[i]! : 0;
    }
    fft.transform(re, im);
    splitTwoReal(re, im, lRe, lIm, rRe, rIm);
    let fLow = 0, fMid = 0, fHigh = 0;
    const column = Math.min(IMAGE_W - 1, Math.floor((f / frames) * IMAGE_W));
    for (let b = 1; b < bins; b++) {
      const mr = (lRe[b]! + rRe[b]!) / 2, mi = (lIm[b]! + rIm[b]!) / 2;
      const power = mr * mr + mi * mi;
      const mag = Math.sqrt(power);
      midMag[b] = mag;
      logMag[b] = Math.log1p(100 * mag);
      const rise = Math.max(0, logMag[b]! - prevLog[b]!);
      if (b < lowTop) fLow += rise; else if (b < midTop) fMid += rise; else fHigh += rise;
      const fb = freq(b);
      centroidNum += fb * mag; centroidDen += mag;
      totalEnergy += power;
      if (fb < 150) lowEnergy += power;
      if (b >= devLo - 1 && b <= devHi + 1) sideMag[b] = Math.hypot(lRe[b]! - rRe[b]!, lIm[b]! - rIm[b]!) / 2;
      if (fb >= 300 && fb <= 3400) {
        const lp = lRe[b]! ** 2 + lIm[b]! ** 2, rp = rRe[b]! ** 2 + rIm[b]! ** 2;
        const coherence = (2 * (lRe[b]! * rRe[b]! + lIm[b]! * rIm[b]!)) / (lp + rp + 1e-20);
        vocalBandAll += lp + rp;
        if (coherence > 0.97) vocalBandCentre += lp + rp;
      }
      if (rowOf[b]! >= 0) { const idx = rowOf[b]! * IMAGE_W + column; image[idx] = image[idx]! + logMag[b]!; imageCount[idx] = imageCount[idx]! + 1; }
    }
    onsetLow[f] = fLow; onsetMid[f] = fMid; onsetHigh[f] = fHigh;
    deviationVotes(midMag, deviation, true);
    deviationVotes(sideMag, sideDeviation, false);
    if (f % CHROMA_EVERY === 0) chromaFrame(f * HOP, f / CHROMA_EVERY);
    prevLog.set(logMag);
  }
  return {
    sampleRate, frames, fps: sampleRate / HOP, onsetLow, onsetMid, onsetHigh, chroma, bassChroma, chromaEnergy, deviation, sideDeviation, centreDeviation, centreGlide,
    centroidHz: centroidDen > 0 ? centroidNum / centroidDen : 0,
    lowEndShare: totalEnergy > 0 ? lowEnergy / totalEnergy : 0,
    centreShare: vocalBandAll > 0 ? vocalBandCentre / vocalBandAll : 0,
    image, imageCount,
  };
}

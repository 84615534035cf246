// One pass of listening over a track: every feature the classification and description jobs
// report comes from the same STFT frames (streamed, so memory is the image and a few vectors,
// not a spectrogram of the file). Musical judgements (genre, mood, instruments) are ranked
// guesses from these measurements, and are labelled as such (classifier_version).
import jpeg from 'jpeg-js';
import type { Audio } from './audio-input.js';
import { Fft, splitTwoReal } from './fft.js';
import { integratedLoudness } from './loudness.js';

export const ANALYZER_VERSION = 'muse-dsp-analyzer@1';
export const PITCH_CLASSES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'] as const;

export interface Ranked { label: string; score: number }

export interface AudioFeatures {
  durationSeconds: number;
  tempoBpm: number;
  /** Height of the winning autocorrelation comb relative to the mean candidate (beat regularity). */
  tempoConfidence: number;
  key: string;
  mode: 'major' | 'minor';
  keyConfidence: number;
  loudnessLufs: number;
  energy: number;
  danceability: number;
  vocalScore: number;
  vocalPresence: 'none' | 'low' | 'medium' | 'high';
  timeSignature: '4/4' | '3/4';
  brightnessHz: number;
  percussiveness: number;
  lowEndShare: number;
  genres: Ranked[];
  moods: Ranked[];
  instruments: Ranked[];
}

const N = 2048;
const CHROMA_N = 8192;
const CHROMA_EVERY = 4;
const PRIOR_BPM = 110;
const PRIOR_OCTAVES = 1;
// 3/4 when the three-beat lags out-correlate the four-beat ones by this much (chosen on synthetic and tuning songs).
const METRE_RATIO = 1.04;
// Comb weights of the 2nd–4th beat multiples (tried 0.25–1 on tuning seeds: these were best).
const [W2, W3, W4] = [0.75, 0.5, 0.5];
const HOP = 512;
const IMAGE_W = 640;
const IMAGE_H = 256;

// Krumhansl–Kessler key profiles.
const MAJOR = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ma = 0, mb = 0;
  for (let i = 0; i < a.length; i++) { ma += a[i]!; mb += b[i]!; }
  ma /= a.length; mb /= b.length;
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { const x = a[i]! - ma, y = b[i]! - mb; ab += x * y; aa += x * x; bb += y * y; }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

export interface Analysis {
  features: AudioFeatures;
  /** Log-frequency spectrogram, JPEG. */
  spectrogramJpeg: Buffer;
}

export function analyzeAudio(audio: Audio): Analysis {
  const { left, right, sampleRate } = audio;
  const n = left.length;
  const fft = new Fft(N);
  const bins = N / 2 + 1;
  const window = Float64Array.from({ length: N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N));
  const re = new Float64Array(N), im = new Float64Array(N);
  const lRe = new Float64Array(bins), lIm = new Float64Array(bins), rRe = new Float64Array(bins), rIm = new Float64Array(bins);
  const logMag = new Float64Array(bins), prevLog = new Float64Array(bins);
  const freq = (b: number) => (b * sampleRate) / N;
  // Onsets from the band below 1.5 kHz: kick, snare body and note attacks mark the beat; hi-hats
  // above it mostly mark subdivisions and pull the tempo to double time.
  const fluxTop = Math.min(bins, Math.round((1500 * N) / sampleRate));
  // Bin → image row (log frequency 30 Hz – 16 kHz).
  const rowOf = new Int16Array(bins).fill(-1);
  for (let b = 1; b < bins; b++) {
    const f = freq(b);
    if (f >= 30 && f <= 16000) rowOf[b] = IMAGE_H - 1 - Math.min(IMAGE_H - 1, Math.floor((Math.log(f / 30) / Math.log(16000 / 30)) * IMAGE_H));
  }
  const frames = Math.max(1, Math.ceil(n / HOP));
  const image = new Float64Array(IMAGE_W * IMAGE_H);
  const imageCount = new Float64Array(IMAGE_W * IMAGE_H);
  const onset = new Float64Array(frames);
  const chroma = new Float64Array(12);
  // Chroma needs finer frequency resolution than onsets (a semitone at 100 Hz is 6 Hz): its own
  // 8192-point transform every few hops, spectral peaks only, each near a semitone voting for it.
  const chromaFft = new Fft(CHROMA_N);
  const cWindow = Float64Array.from({ length: CHROMA_N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / CHROMA_N));
  const cRe = new Float64Array(CHROMA_N), cIm = new Float64Array(CHROMA_N), cMag = new Float64Array(CHROMA_N / 2);
  const frameChroma = new Float64Array(12);
  const chromaFrame = (centre: number) => {
    for (let i = 0; i < CHROMA_N; i++) {
      const t = centre - CHROMA_N / 2 + i;
      cRe[i] = t >= 0 && t < n ? ((left[t]! + right[t]!) / 2) * cWindow[i]! : 0;
      cIm[i] = 0;
    }
    chromaFft.transform(cRe, cIm);
    for (let b = 0; b < CHROMA_N / 2; b++) cMag[b] = Math.hypot(cRe[b]!, cIm[b]!);
    frameChroma.fill(0);
    let total = 0;
    const lo = Math.ceil((80 * CHROMA_N) / sampleRate), hi = Math.floor((2000 * CHROMA_N) / sampleRate);
    for (let b = lo; b <= hi; b++) {
      const m = cMag[b]!;
      if (m <= cMag[b - 1]! || m < cMag[b + 1]!) continue;
      // Parabolic interpolation of the peak's true frequency.
      const a = cMag[b - 1]!, c = cMag[b + 1]!;
      const shift = 0.5 * (a - c) / (a - 2 * m + c || 1e-20);
      const fq = ((b + shift) * sampleRate) / CHROMA_N;
      const midi = 12 * Math.log2(fq / 440) + 69;
      const d = Math.abs(midi - Math.round(midi));
      if (d > 0.4) continue;
      const w = m * (1 - d / 0.4);
      frameChroma[((Math.round(midi) % 12) + 12) % 12] += w;
      total += w;
    }
    // Each frame votes with its own normalised chroma, so loud passages do not outvote the rest.
    if (total > 1e-9) for (let k = 0; k < 12; k++) chroma[k] = chroma[k]! + frameChroma[k]! / total;
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
    let flux = 0;
    const column = Math.min(IMAGE_W - 1, Math.floor((f / frames) * IMAGE_W));
    for (let b = 1; b < bins; b++) {
      const mr = (lRe[b]! + rRe[b]!) / 2, mi = (lIm[b]! + rIm[b]!) / 2;
      const power = mr * mr + mi * mi;
      const mag = Math.sqrt(power);
      logMag[b] = Math.log1p(100 * mag);
      if (b < fluxTop) flux += Math.max(0, logMag[b]! - prevLog[b]!);
      const fb = freq(b);
      centroidNum += fb * mag; centroidDen += mag;
      totalEnergy += power;
      if (fb < 150) lowEnergy += power;
      if (fb >= 300 && fb <= 3400) {
        const lp = lRe[b]! ** 2 + lIm[b]! ** 2, rp = rRe[b]! ** 2 + rIm[b]! ** 2;
        const coherence = (2 * (lRe[b]! * rRe[b]! + lIm[b]! * rIm[b]!)) / (lp + rp + 1e-20);
        vocalBandAll += lp + rp;
        if (coherence > 0.97) vocalBandCentre += lp + rp;
      }
      if (rowOf[b]! >= 0) { const idx = rowOf[b]! * IMAGE_W + column; image[idx] = image[idx]! + logMag[b]!; imageCount[idx] = imageCount[idx]! + 1; }
    }
    onset[f] = flux;
    if (f % CHROMA_EVERY === 0) chromaFrame(f * HOP);
    prevLog.set(logMag);
  }

  const fps = sampleRate / HOP;
  const tempo = estimateTempo(onset, fps);
  const keyResult = estimateKey(chroma);
  const loudnessLufs = integratedLoudness(left, right, sampleRate);
  const brightnessHz = centroidDen > 0 ? centroidNum / centroidDen : 0;
  const lowEndShare = totalEnergy > 0 ? lowEnergy / totalEnergy : 0;
  const meanOnset = onset.reduce((a, b) => a + b, 0) / frames;
  const percussiveness = clamp01(meanOnset / 60);
  const vocalScore = vocalBandAll > 0 ? vocalBandCentre / vocalBandAll : 0;
  const vocalPresence = vocalScore < 0.15 ? 'none' : vocalScore < 0.3 ? 'low' : vocalScore < 0.5 ? 'medium' : 'high';
  const loud = Number.isFinite(loudnessLufs) ? clamp01((loudnessLufs + 32) / 24) : 0;
  const tempoNorm = clamp01((tempo.bpm - 60) / 120);
  const energy = clamp01(0.5 * loud + 0.3 * percussiveness + 0.2 * tempoNorm);
  const tempoFit = Math.exp(-0.5 * (Math.log2(tempo.bpm / 118) / 0.35) ** 2);
  const danceability = clamp01(0.45 * clamp01(tempo.confidence / 3) + 0.35 * tempoFit + 0.2 * percussiveness);

  const base = {
    durationSeconds: n / sampleRate,
    tempoBpm: Math.round(tempo.bpm * 10) / 10,
    tempoConfidence: tempo.confidence,
    key: keyResult.key,
    mode: keyResult.mode,
    keyConfidence: keyResult.confidence,
    loudnessLufs: Number.isFinite(loudnessLufs) ? Math.round(loudnessLufs * 10) / 10 : -70,
    energy, danceability, vocalScore, vocalPresence,
    timeSignature: tempo.timeSignature,
    brightnessHz, percussiveness, lowEndShare,
  } as const;
  const features: AudioFeatures = { ...base, genres: rankGenres(base), moods: rankMoods(base), instruments: rankInstruments(base) };
  return { features, spectrogramJpeg: renderSpectrogram(image, imageCount) };
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Autocorrelation of the (locally de-meaned) onset envelope, scored by a comb of beat multiples with a mild prior around 110 BPM. */
export function estimateTempo(onset: Float64Array, fps: number): { bpm: number; confidence: number; timeSignature: '4/4' | '3/4' } {
  const n = onset.length;
  const env = new Float64Array(n);
  const half = Math.round(fps / 2);
  let run = 0;
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cum[i + 1] = cum[i]! + onset[i]!;
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half), b = Math.min(n, i + half + 1);
    env[i] = Math.max(0, onset[i]! - (cum[b]! - cum[a]!) / (b - a));
    run += env[i]!;
  }
  void run;
  const maxLag = Math.min(n - 1, Math.ceil(fps * 5));
  const acf = new Float64Array(maxLag + 1);
  for (let lag = 0; lag <= maxLag; lag++) {
    let s = 0;
    for (let i = lag; i < n; i++) s += env[i]! * env[i - lag]!;
    acf[lag] = s / (n - lag);
  }
  const at = (lag: number) => {
    if (lag >= maxLag) return 0;
    const i = Math.floor(lag), frac = lag - i;
    return acf[i]! * (1 - frac) + acf[i + 1]! * frac;
  };
  // Peak-picking at fractional lags: a small neighbourhood maximum tolerates the frame grid.
  const peak = (lag: number) => Math.max(at(lag - 0.5), at(lag), at(lag + 0.5));
  let best = 120, bestScore = -Infinity, sum = 0, count = 0;
  for (let bpm = 60; bpm <= 200; bpm += 0.05) {
    const L = (60 * fps) / bpm;
    const comb = peak(L) + peak(2 * L) * W2 + peak(3 * L) * W3 + peak(4 * L) * W4;
    const prior = Math.exp(-0.5 * (Math.log2(bpm / PRIOR_BPM) / PRIOR_OCTAVES) ** 2);
    const score = comb * prior;
    sum += score; count++;
    if (score > bestScore) { bestScore = score; best = bpm; }
  }
  const L = (60 * fps) / best;
  // Metre: the bar-length lags' autocorrelation, summed over ±2 frames (onsets sit on a frame grid,
  // so one bar's peak is split between neighbouring lags).
  const around = (lag: number) => {
    let sum = 0;
    for (let k = Math.max(1, Math.round(lag) - 2); k <= Math.min(maxLag, Math.round(lag) + 2); k++) sum += acf[k]!;
    return sum;
  };
  const three = around(3 * L) + around(6 * L);
  const four = around(4 * L) + around(8 * L);
  return { bpm: best, confidence: count > 0 && sum > 0 ? bestScore / (sum / count) : 0, timeSignature: three > four * METRE_RATIO ? '3/4' : '4/4' };
}

export function estimateKey(chroma: ArrayLike<number>): { key: string; mode: 'major' | 'minor'; confidence: number } {
  let best = { key: 'C', mode: 'major' as 'major' | 'minor', r: -Infinity };
  let second = -Infinity;
  for (let tonic = 0; tonic < 12; tonic++) {
    for (const [mode, profile] of [['major', MAJOR], ['minor', MINOR]] as const) {
      const rotated = Array.from({ length: 12 }, (_, i) => profile[(i - tonic + 12) % 12]!);
      const r = pearson(chroma, rotated);
      if (r > best.r) { second = best.r; best = { key: PITCH_CLASSES[tonic]!, mode, r }; } else if (r > second) second = r;
    }
  }
  return { key: best.key, mode: best.mode, confidence: clamp01(best.r - Math.max(0, second) + 0.5) };
}

type Base = Omit<AudioFeatures, 'genres' | 'moods' | 'instruments'>;

function rank(scores: Record<string, number>): Ranked[] {
  const total = Object.values(scores).reduce((a, b) => a + b, 0) || 1;
  return Object.entries(scores).map(([label, s]) => ({ label, score: Math.round((s / total) * 1000) / 1000 })).sort((a, b) => b.score - a.score);
}

// Prototype feature values per genre: tempo (BPM), energy, danceability, brightness (Hz), low-end share.
const GENRES: Record<string, [number, number, number, number, number]> = {
  pop: [118, 0.6, 0.65, 2200, 0.35], electronic: [126, 0.7, 0.75, 2600, 0.45], rock: [125, 0.75, 0.5, 2800, 0.3],
  'hip hop': [92, 0.6, 0.7, 1800, 0.55], trap: [145, 0.65, 0.6, 2000, 0.6], lofi: [80, 0.35, 0.55, 1400, 0.45],
  ambient: [75, 0.2, 0.2, 1500, 0.3], folk: [100, 0.4, 0.4, 1900, 0.25], classical: [85, 0.3, 0.2, 1700, 0.2],
  funk: [110, 0.65, 0.8, 2300, 0.45], metal: [150, 0.85, 0.4, 3200, 0.3], jazz: [105, 0.4, 0.5, 1900, 0.3],
};

function rankGenres(f: Base): Ranked[] {
  const scores: Record<string, number> = {};
  for (const [genre, [tempo, energy, dance, bright, low]] of Object.entries(GENRES)) {
    const d = (Math.log2(f.tempoBpm / tempo) / 0.25) ** 2 + ((f.energy - energy) / 0.2) ** 2 + ((f.danceability - dance) / 0.25) ** 2
      + (Math.log2(Math.max(200, f.brightnessHz) / bright) / 0.5) ** 2 + ((f.lowEndShare - low) / 0.25) ** 2;
    scores[genre] = Math.exp(-d / 2);
  }
  return rank(scores).slice(0, 5);
}

function rankMoods(f: Base): Ranked[] {
  const minor = f.mode === 'minor' ? 1 : 0;
  const fast = clamp01((f.tempoBpm - 70) / 80);
  return rank({
    happy: (1 - minor) * (0.4 + 0.6 * fast) * (0.5 + f.energy / 2),
    uplifting: (1 - minor) * (0.3 + 0.7 * f.energy),
    calm: (1 - f.energy) * (1 - fast),
    sad: minor * (1 - fast) * (1 - f.energy / 2),
    dark: minor * (0.4 + 0.6 * f.lowEndShare),
    energetic: f.energy * fast,
    aggressive: minor * f.energy * fast,
  }).slice(0, 4);
}

function rankInstruments(f: Base): Ranked[] {
  const scores: Record<string, number> = {
    drums: clamp01(f.percussiveness * 1.5),
    bass: clamp01(f.lowEndShare * 2),
    vocals: clamp01(f.vocalScore * 1.6),
    'keys / pads': clamp01(0.6 - f.percussiveness / 2 + (f.brightnessHz < 2000 ? 0.2 : 0)),
    'lead synth / guitar': clamp01((f.brightnessHz - 1500) / 2000),
  };
  return Object.entries(scores).map(([label, score]) => ({ label, score: Math.round(score * 1000) / 1000 })).sort((a, b) => b.score - a.score);
}

/** Magma-like colour ramp so loud reads bright. */
function colour(v: number): [number, number, number] {
  const x = clamp01(v);
  return [Math.round(255 * clamp01(1.5 * x)), Math.round(255 * clamp01(1.8 * x - 0.6)), Math.round(255 * clamp01(x < 0.5 ? 0.3 + x : 3 * x - 2))];
}

function renderSpectrogram(image: Float64Array, count: Float64Array): Buffer {
  let max = 1e-9;
  for (let i = 0; i < image.length; i++) { if (count[i]! > 0) image[i] = image[i]! / count[i]!; if (image[i]! > max) max = image[i]!; }
  const data = Buffer.alloc(IMAGE_W * IMAGE_H * 4);
  // Low-frequency rows are finer than the FFT's bins: a row with no bin takes the row above it (top to bottom).
  for (let i = IMAGE_W; i < image.length; i++) if (count[i]! === 0) { image[i] = image[i - IMAGE_W]!; count[i] = count[i - IMAGE_W]!; }
  for (let i = 0; i < image.length; i++) {
    const v = count[i]! > 0 ? image[i]! / max : 0;
    const [r, g, b] = colour(v);
    data[i * 4] = r; data[i * 4 + 1] = g; data[i * 4 + 2] = b; data[i * 4 + 3] = 255;
  }
  return Buffer.from(jpeg.encode({ data, width: IMAGE_W, height: IMAGE_H }, 85).data);
}

/** A person's sentence from the measurements (the description job's ai_description). */
export function describe(f: AudioFeatures): string {
  const genre = f.genres[0]?.label ?? 'music';
  const mood = f.moods[0]?.label ?? 'neutral';
  const instruments = f.instruments.filter((i) => i.score >= 0.4).map((i) => i.label);
  const pace = f.tempoBpm < 80 ? 'slow' : f.tempoBpm < 110 ? 'mid-tempo' : f.tempoBpm < 140 ? 'upbeat' : 'fast';
  const voice = f.vocalPresence === 'none' ? 'an instrumental' : `${f.vocalPresence === 'high' ? 'a vocal-led' : 'a'} ${f.vocalPresence === 'low' ? 'mostly instrumental' : 'sung'}`;
  return `${voice[0]!.toUpperCase()}${voice.slice(1)} ${pace} ${genre} piece at about ${Math.round(f.tempoBpm)} BPM in ${f.key} ${f.mode} (${f.timeSignature}), ${mood} in mood`
    + `${instruments.length ? `, featuring ${instruments.join(', ')}` : ''}. Energy ${Math.round(f.energy * 100)} %, danceability ${Math.round(f.danceability * 100)} %, integrated loudness ${f.loudnessLufs} LUFS.`;
}

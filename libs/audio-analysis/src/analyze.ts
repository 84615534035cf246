// One pass of listening over a track: every feature the classification and description jobs
// report comes from the same STFT frames (streamed, so memory is the image and a few vectors,
// not a spectrogram of the file). Musical judgements (genre, mood, instruments) are ranked
// guesses from these measurements, and are labelled as such (classifier_version).
import jpeg from 'jpeg-js';
import type { Audio } from './audio-input.js';
import { IMAGE_H, IMAGE_W, listen, type Listening } from './listen.js';
import { integratedLoudness } from './loudness.js';
import { estimateTempo, type Tempo } from './rhythm.js';
import { estimateKeyOf, type Key } from './tonality.js';
import { vocalLevel, vocalScore } from './voice.js';

export { PITCH_CLASSES, estimateKey } from './tonality.js';

// @2: fitted tempo/metre model, template key finder, voice-pitch vocal score (bench/audio-results.md).
// @3: tempo model with backbeat (kick→snare), chord-change and per-band onset-density evidence.
export const ANALYZER_VERSION = 'muse-dsp-analyzer@3';

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
  /** The metre told apart further: 6/8 (tempo counted in dotted quarters) reads '3/4' in timeSignature. */
  meter: '4/4' | '3/4' | '6/8';
  brightnessHz: number;
  percussiveness: number;
  lowEndShare: number;
  genres: Ranked[];
  moods: Ranked[];
  instruments: Ranked[];
}

export interface Analysis {
  features: AudioFeatures;
  /** Log-frequency spectrogram, JPEG. */
  spectrogramJpeg: Buffer;
}

/** The musical judgements made from one listening pass (everything but loudness and the image). */
export interface Detection {
  tempo: Tempo;
  key: Key;
  vocalScore: number;
}

export function detect(raw: Omit<Listening, 'image' | 'imageCount'>): Detection {
  return { tempo: estimateTempo(raw), key: estimateKeyOf(raw), vocalScore: vocalScore(raw) };
}

export function analyzeAudio(audio: Audio): Analysis {
  const { left, right, sampleRate } = audio;
  const raw = listen(audio);
  const { tempo, key: keyResult, vocalScore } = detect(raw);
  const loudnessLufs = integratedLoudness(left, right, sampleRate);
  let onsetSum = 0;
  for (let i = 0; i < raw.frames; i++) onsetSum += raw.onsetLow[i]! + raw.onsetMid[i]!;
  const percussiveness = clamp01(onsetSum / raw.frames / 60);
  const vocalPresence = vocalLevel(vocalScore);
  const loud = Number.isFinite(loudnessLufs) ? clamp01((loudnessLufs + 32) / 24) : 0;
  const tempoNorm = clamp01((tempo.bpm - 60) / 120);
  const energy = clamp01(0.5 * loud + 0.3 * percussiveness + 0.2 * tempoNorm);
  const tempoFit = Math.exp(-0.5 * (Math.log2(tempo.bpm / 118) / 0.35) ** 2);
  const danceability = clamp01(0.45 * clamp01(tempo.confidence / 3) + 0.35 * tempoFit + 0.2 * percussiveness);

  const base = {
    durationSeconds: left.length / sampleRate,
    tempoBpm: Math.round(tempo.bpm * 10) / 10,
    tempoConfidence: tempo.confidence,
    key: keyResult.key,
    mode: keyResult.mode,
    keyConfidence: keyResult.confidence,
    loudnessLufs: Number.isFinite(loudnessLufs) ? Math.round(loudnessLufs * 10) / 10 : -70,
    energy, danceability, vocalScore, vocalPresence,
    timeSignature: tempo.timeSignature,
    meter: tempo.metre,
    brightnessHz: raw.centroidHz, percussiveness, lowEndShare: raw.lowEndShare,
  } as const;
  const features: AudioFeatures = { ...base, genres: rankGenres(base), moods: rankMoods(base), instruments: rankInstruments(base) };
  return { features, spectrogramJpeg: renderSpectrogram(raw.image, raw.imageCount) };
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
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

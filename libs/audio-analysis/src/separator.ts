// Local source separation by spectrogram masking, streamed frame by frame over the file:
// harmonic/percussive split by median filtering (Fitzgerald 2010), a low band for the bass,
// inter-channel coherence for the centre-panned voice, and Wiener-style soft masks that sum to
// one — so the four stems always re-sum to the mix. Memory: (2k+1) spectra, never the whole file.
import { Fft, packTwoReal, splitTwoReal } from './fft.js';

export const SEPARATED_STEMS = ['vocals', 'drums', 'bass', 'other'] as const;
export type SeparatedStem = (typeof SEPARATED_STEMS)[number];

export interface StereoChunk {
  left: Float32Array;
  right: Float32Array;
}

export interface SeparatorOptions {
  fftSize?: number;
  /** Frames on each side of the time median (harmonic estimate). */
  timeHalfWidth?: number;
  /** Bins on each side of the frequency median (percussive estimate). */
  freqHalfWidth?: number;
  /** Sharpness of the centre-channel (vocal) weight. */
  centrePower?: number;
  /** The bass band fades out between these frequencies (Hz). */
  bassBand?: [number, number];
  /**
   * Frames on each side of the time median in the bass band: longer than a kick drum's ring, so a
   * steady kick pattern reads as drums there and only held notes read as bass.
   */
  bassTimeHalfWidth?: number;
  /** Exponent of the magnitude estimates in the soft masks (2 = Wiener on power). */
  maskPower?: number;
}

/** Called with each finished block of samples of every stem; buffers are reused, copy what you keep. */
export type StemBlockSink = (block: Record<SeparatedStem, StereoChunk>, length: number) => void;

function hann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n); // periodic: exact COLA
  return w;
}

function median(values: Float64Array, count: number): number {
  // Insertion sort: count ≤ ~33, faster than anything clever at this size.
  for (let i = 1; i < count; i++) {
    const v = values[i]!;
    let j = i - 1;
    while (j >= 0 && values[j]! > v) { values[j + 1] = values[j]!; j--; }
    values[j + 1] = v;
  }
  return values[count >> 1]!;
}

interface Frame {
  lRe: Float64Array; lIm: Float64Array; rRe: Float64Array; rIm: Float64Array;
  mag: Float64Array;
}

export class StreamingSeparator {
  private readonly n: number;
  private readonly hop: number;
  private readonly bins: number;
  private readonly k: number;
  private readonly kLow: number;
  private readonly kf: number;
  private readonly centrePower: number;
  private readonly maskPower: number;
  private readonly fft: Fft;
  private readonly window: Float64Array;
  private readonly olaGain: number;
  private readonly ring: Frame[];
  private readonly weights: { low: Float64Array; voiceBand: Float64Array };
  private readonly re: Float64Array; private readonly im: Float64Array;
  private readonly acc: Record<SeparatedStem, { l: Float64Array; r: Float64Array }>;
  private readonly out: Record<SeparatedStem, StereoChunk>;
  private readonly tmp: Float64Array;
  private readonly maskRe: { l: Float64Array; li: Float64Array; r: Float64Array; ri: Float64Array };
  private readonly masks: Record<SeparatedStem, Float64Array>;
  private framesIn = 0;

  constructor(readonly sampleRate: number, options: SeparatorOptions = {}) {
    this.n = options.fftSize ?? 2048;
    this.hop = this.n / 4;
    this.bins = this.n / 2 + 1;
    this.k = options.timeHalfWidth ?? 8;
    this.kLow = Math.max(this.k, options.bassTimeHalfWidth ?? 40);
    this.kf = options.freqHalfWidth ?? 8;
    this.centrePower = options.centrePower ?? 3;
    this.maskPower = options.maskPower ?? 1.5;
    const [bassFull, bassNone] = options.bassBand ?? [100, 200];
    this.fft = new Fft(this.n);
    this.window = hann(this.n);
    // Hann analysis × Hann synthesis at 75 % overlap sums to 1.5 everywhere.
    this.olaGain = 1 / 1.5;
    this.ring = Array.from({ length: 2 * this.kLow + 1 }, () => ({
      lRe: new Float64Array(this.bins), lIm: new Float64Array(this.bins), rRe: new Float64Array(this.bins), rIm: new Float64Array(this.bins), mag: new Float64Array(this.bins),
    }));
    const low = new Float64Array(this.bins);
    const voiceBand = new Float64Array(this.bins);
    for (let b = 0; b < this.bins; b++) {
      const f = (b * sampleRate) / this.n;
      low[b] = f <= bassFull ? 1 : f >= bassNone ? 0 : (bassNone - f) / (bassNone - bassFull);
      voiceBand[b] = f < 150 ? 0 : f < 250 ? (f - 150) / 100 : f <= 5000 ? 1 : Math.max(0.2, 1 - (f - 5000) / 6000);
    }
    this.weights = { low, voiceBand };
    this.re = new Float64Array(this.n); this.im = new Float64Array(this.n);
    this.acc = Object.fromEntries(SEPARATED_STEMS.map((s) => [s, { l: new Float64Array(this.n), r: new Float64Array(this.n) }])) as never;
    this.out = Object.fromEntries(SEPARATED_STEMS.map((s) => [s, { left: new Float32Array(this.hop), right: new Float32Array(this.hop) }])) as never;
    this.masks = { vocals: new Float64Array(this.bins), drums: new Float64Array(this.bins), bass: new Float64Array(this.bins), other: new Float64Array(this.bins) };
    this.tmp = new Float64Array(Math.max(2 * this.kLow + 1, 2 * this.kf + 1));
    this.maskRe = { l: new Float64Array(this.bins), li: new Float64Array(this.bins), r: new Float64Array(this.bins), ri: new Float64Array(this.bins) };
  }

  /**
   * Separates a whole signal, delivering finished samples block by block. Frame c starts at
   * c·hop − (N − hop), so every output sample is covered by exactly N/hop frames.
   */
  run(input: StereoChunk, sink: StemBlockSink): void {
    const total = input.left.length;
    const lead = this.n - this.hop;
    const frames = Math.ceil((total + lead) / this.hop);
    let emitted = -lead; // sample index of acc[0]
    const emit = () => {
      // acc[0..hop) is final once the frame starting there has been added.
      const from = Math.max(0, -emitted);
      const length = Math.min(this.hop, total - emitted) - from;
      if (length > 0) {
        for (const s of SEPARATED_STEMS) {
          const a = this.acc[s]; const o = this.out[s];
          for (let i = 0; i < length; i++) { o.left[i] = a.l[from + i]! * this.olaGain; o.right[i] = a.r[from + i]! * this.olaGain; }
        }
        sink(this.out, length);
      }
      for (const s of SEPARATED_STEMS) {
        const a = this.acc[s];
        a.l.copyWithin(0, this.hop); a.l.fill(0, this.n - this.hop);
        a.r.copyWithin(0, this.hop); a.r.fill(0, this.n - this.hop);
      }
      emitted += this.hop;
    };
    for (let f = 0; f < frames + this.kLow; f++) {
      this.analyse(f < frames ? input : undefined, f * this.hop - lead);
      const c = f - this.kLow;
      if (c >= 0) { this.synthesise(c); emit(); }
    }
  }

  private analyse(input: StereoChunk | undefined, start: number): void {
    const frame = this.ring[this.framesIn++ % this.ring.length]!;
    const { re, im, window } = this;
    for (let i = 0; i < this.n; i++) {
      const t = start + i;
      const inside = input !== undefined && t >= 0 && t < input.left.length;
      re[i] = inside ? input.left[t]! * window[i]! : 0;
      im[i] = inside ? input.right[t]! * window[i]! : 0;
    }
    this.fft.transform(re, im);
    splitTwoReal(re, im, frame.lRe, frame.lIm, frame.rRe, frame.rIm);
    for (let b = 0; b < this.bins; b++) {
      frame.mag[b] = (Math.hypot(frame.lRe[b]!, frame.lIm[b]!) + Math.hypot(frame.rRe[b]!, frame.rIm[b]!)) / 2;
    }
  }

  private synthesise(c: number): void {
    const size = this.ring.length;
    const frame = this.ring[c % size]!;
    const framesSoFar = this.framesIn; // frames c−kLow … c+kLow are in the ring (those before 0 do not exist)
    const { tmp, bins } = this;
    const { low, voiceBand } = this.weights;
    const m = this.maskRe;
    const masks = this.masks;
    const { vocals: mv, drums: md, bass: mb, other: mo } = masks;
    for (let b = 0; b < bins; b++) {
      let j = 0;
      for (let f = Math.max(0, c - this.k); f <= c + this.k && f < framesSoFar; f++) tmp[j++] = this.ring[f % size]!.mag[b]!;
      const h = median(tmp, j);
      let hLow = 0;
      if (low[b]! > 0) {
        j = 0;
        for (let f = Math.max(0, c - this.kLow); f <= c + this.kLow && f < framesSoFar; f++) tmp[j++] = this.ring[f % size]!.mag[b]!;
        hLow = Math.min(h, median(tmp, j));
      }
      j = 0;
      for (let q = Math.max(0, b - this.kf); q <= Math.min(bins - 1, b + this.kf); q++) tmp[j++] = frame.mag[q]!;
      const p = median(tmp, j);
      const harmAll = h ** this.maskPower;
      const bass = hLow ** this.maskPower * low[b]!;
      // In the bass band, what the short median calls harmonic but the long one does not is a kick's ring.
      const kickRing = (harmAll - hLow ** this.maskPower) * low[b]!;
      const harm = harmAll - bass - kickRing;
      const perc = p ** this.maskPower + kickRing;
      const lPow = frame.lRe[b]! ** 2 + frame.lIm[b]! ** 2;
      const rPow = frame.rRe[b]! ** 2 + frame.rIm[b]! ** 2;
      const cross = frame.lRe[b]! * frame.rRe[b]! + frame.lIm[b]! * frame.rIm[b]!;
      const coherence = Math.max(0, (2 * cross) / (lPow + rPow + 1e-20));
      const centre = coherence ** this.centrePower * voiceBand[b]!;
      const upper = harm;
      const vocals = upper * centre;
      const total = vocals + perc + bass + (upper - vocals) + 1e-20;
      mv[b] = vocals / total; md[b] = perc / total; mb[b] = bass / total; mo[b] = (upper - vocals) / total;
    }
    for (const s of SEPARATED_STEMS) {
      const mask = masks[s];
      for (let b = 0; b < bins; b++) {
        m.l[b] = frame.lRe[b]! * mask[b]!; m.li[b] = frame.lIm[b]! * mask[b]!;
        m.r[b] = frame.rRe[b]! * mask[b]!; m.ri[b] = frame.rIm[b]! * mask[b]!;
      }
      packTwoReal(m.l, m.li, m.r, m.ri, this.re, this.im);
      this.fft.transform(this.re, this.im, true);
      const a = this.acc[s];
      const scale = 1 / this.n;
      for (let i = 0; i < this.n; i++) {
        a.l[i] = a.l[i]! + this.re[i]! * scale * this.window[i]!;
        a.r[i] = a.r[i]! + this.im[i]! * scale * this.window[i]!;
      }
    }
  }
}

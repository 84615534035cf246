// In-place iterative radix-2 complex FFT with precomputed twiddles and bit reversal, plus the
// two-real-signals-in-one-complex-FFT trick so a stereo frame costs one transform each way.

export class Fft {
  readonly size: number;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly rev: Uint32Array;

  constructor(size: number) {
    if (!Number.isInteger(Math.log2(size)) || size < 4) throw new RangeError(`FFT size must be a power of two ≥ 4, got ${size}`);
    this.size = size;
    this.cos = new Float64Array(size / 2);
    this.sin = new Float64Array(size / 2);
    for (let i = 0; i < size / 2; i++) {
      this.cos[i] = Math.cos((2 * Math.PI * i) / size);
      this.sin[i] = -Math.sin((2 * Math.PI * i) / size);
    }
    this.rev = new Uint32Array(size);
    const bits = Math.log2(size);
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
    }
  }

  /** Forward (inverse = false) or inverse (unscaled) transform of re/im in place. */
  transform(re: Float64Array, im: Float64Array, inverse = false): void {
    const n = this.size;
    for (let i = 0; i < n; i++) {
      const j = this.rev[i]!;
      if (j > i) {
        const tr = re[i]!; re[i] = re[j]!; re[j] = tr;
        const ti = im[i]!; im[i] = im[j]!; im[j] = ti;
      }
    }
    const sign = inverse ? -1 : 1;
    for (let len = 2; len <= n; len <<= 1) {
      const half = len >> 1;
      const step = n / len;
      for (let start = 0; start < n; start += len) {
        for (let k = 0; k < half; k++) {
          const wr = this.cos[k * step]!;
          const wi = sign * this.sin[k * step]!;
          const a = start + k;
          const b = a + half;
          const xr = re[b]! * wr - im[b]! * wi;
          const xi = re[b]! * wi + im[b]! * wr;
          re[b] = re[a]! - xr; im[b] = im[a]! - xi;
          re[a] = re[a]! + xr; im[a] = im[a]! + xi;
        }
      }
    }
  }
}

/**
 * Spectra (bins 0..N/2) of two real frames from one complex FFT: Z = FFT(a + i·b), then
 * A[k] = (Z[k] + conj Z[N−k]) / 2 and B[k] = (Z[k] − conj Z[N−k]) / 2i.
 */
export function splitTwoReal(re: Float64Array, im: Float64Array, aRe: Float64Array, aIm: Float64Array, bRe: Float64Array, bIm: Float64Array): void {
  const n = re.length;
  for (let k = 0; k <= n / 2; k++) {
    const j = k === 0 ? 0 : n - k;
    const zr = re[k]!, zi = im[k]!, cr = re[j]!, ci = -im[j]!;
    aRe[k] = (zr + cr) / 2; aIm[k] = (zi + ci) / 2;
    // (z - c) / 2i = (zi - ci)/2 - i (zr - cr)/2
    bRe[k] = (zi - ci) / 2; bIm[k] = -(zr - cr) / 2;
  }
}

/** Inverse of splitTwoReal: packs two Hermitian half-spectra so one inverse FFT yields a (real) and b (imaginary). */
export function packTwoReal(aRe: Float64Array, aIm: Float64Array, bRe: Float64Array, bIm: Float64Array, re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let k = 0; k <= n / 2; k++) {
    // Z[k] = A[k] + i B[k]
    re[k] = aRe[k]! - bIm[k]!; im[k] = aIm[k]! + bRe[k]!;
    if (k > 0 && k < n / 2) {
      // Z[N-k] = conj(A[k]) + i conj(B[k])
      re[n - k] = aRe[k]! + bIm[k]!; im[n - k] = -aIm[k]! + bRe[k]!;
    }
  }
}

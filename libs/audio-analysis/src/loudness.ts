// EBU R128 / ITU-R BS.1770-4 integrated loudness: K-weighting (high shelf + high pass, designed
// for the actual sample rate), 400 ms blocks with 75 % overlap, absolute (−70 LUFS) and relative
// (−10 LU) gates.

interface Biquad { b0: number; b1: number; b2: number; a1: number; a2: number }

/** Coefficients from the analogue prototypes of BS.1770 (as derived for any rate, e.g. by pyloudnorm). */
function kWeighting(sampleRate: number): [Biquad, Biquad] {
  // Stage 1: high shelf, +4 dB above ~1.7 kHz (head effects).
  let g = 3.999843853973347, f0 = 1681.974450955533, q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / sampleRate);
  const Vh = 10 ** (g / 20);
  const Vb = Vh ** 0.4996667741545416;
  let a0 = 1 + K / q + K * K;
  const shelf: Biquad = {
    b0: (Vh + (Vb * K) / q + K * K) / a0, b1: (2 * (K * K - Vh)) / a0, b2: (Vh - (Vb * K) / q + K * K) / a0,
    a1: (2 * (K * K - 1)) / a0, a2: (1 - K / q + K * K) / a0,
  };
  // Stage 2: high pass at ~38 Hz (RLB weighting).
  f0 = 38.13547087602444; q = 0.5003270373238773; g = 0;
  K = Math.tan((Math.PI * f0) / sampleRate);
  a0 = 1 + K / q + K * K;
  const highPass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (K * K - 1)) / a0, a2: (1 - K / q + K * K) / a0 };
  void g;
  return [shelf, highPass];
}

function filter(x: Float32Array, f: Biquad): Float64Array {
  const y = new Float64Array(x.length);
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = f.b0 * x[i]! + f.b1 * x1 + f.b2 * x2 - f.a1 * y1 - f.a2 * y2;
    x2 = x1; x1 = x[i]!; y2 = y1; y1 = v; y[i] = v;
  }
  return y;
}

/** Integrated loudness in LUFS (−Infinity for digital silence). */
export function integratedLoudness(left: Float32Array, right: Float32Array, sampleRate: number): number {
  const [shelf, hp] = kWeighting(sampleRate);
  const weigh = (ch: Float32Array) => filter(Float32Array.from(filter(ch, shelf)), hp);
  const l = weigh(left);
  const r = weigh(right);
  const block = Math.round(0.4 * sampleRate);
  const step = Math.round(0.1 * sampleRate);
  const powers: number[] = [];
  // Running sums of squares make each block O(1).
  const cum = new Float64Array(l.length + 1);
  for (let i = 0; i < l.length; i++) cum[i + 1] = cum[i]! + l[i]! * l[i]! + r[i]! * r[i]!;
  for (let start = 0; start + block <= l.length; start += step) powers.push((cum[start + block]! - cum[start]!) / block);
  const lufs = (p: number) => -0.691 + 10 * Math.log10(p);
  const absGated = powers.filter((p) => lufs(p) > -70);
  if (absGated.length === 0) return -Infinity;
  const relThreshold = lufs(absGated.reduce((a, b) => a + b, 0) / absGated.length) - 10;
  const gated = absGated.filter((p) => lufs(p) > relThreshold);
  return lufs(gated.reduce((a, b) => a + b, 0) / gated.length);
}

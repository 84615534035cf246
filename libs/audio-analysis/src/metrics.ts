// Separation quality: signal-to-distortion ratio against a known reference (the simple, scale-
// faithful definition 10·log10(‖s‖² / ‖s − ŝ‖²) over both channels, as in the SiSEC "SDR" of
// music demixing challenges; no allowed distortion filter, so it is the stricter number).
import type { StereoChunk } from './separator.js';

export function sdr(reference: StereoChunk, estimate: StereoChunk): number {
  const n = Math.min(reference.left.length, estimate.left.length);
  let signal = 1e-12;
  let error = 1e-12;
  for (let i = 0; i < n; i++) {
    const l = reference.left[i]!, r = reference.right[i]!;
    signal += l * l + r * r;
    const el = l - estimate.left[i]!, er = r - estimate.right[i]!;
    error += el * el + er * er;
  }
  return 10 * Math.log10(signal / error);
}

export function sumStereo(parts: StereoChunk[], length: number): StereoChunk {
  const left = new Float32Array(length);
  const right = new Float32Array(length);
  for (const p of parts) {
    for (let i = 0; i < length; i++) { left[i] = left[i]! + (p.left[i] ?? 0); right[i] = right[i]! + (p.right[i] ?? 0); }
  }
  return { left, right };
}

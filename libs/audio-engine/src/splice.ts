// Splicing a regenerated range into a song with equal-power crossfades, keeping everything outside it untouched.
import type { StereoBuffer } from './types.js';

export interface SpliceRange {
  /** First replaced frame. */
  start: number;
  /** One past the last replaced frame. */
  end: number;
  /** Crossfade length in frames at each edge, inside the range (clamped to half of it). */
  fade: number;
}

/**
 * Returns a new buffer of the original's length: frames outside [start, end) are the original's,
 * bit for bit; inside, the replacement (which must be exactly end - start frames long), faded in
 * from and out to the original over `fade` frames so the edits do not click.
 */
export function spliceSection(original: StereoBuffer, replacement: StereoBuffer, range: SpliceRange): StereoBuffer {
  const { start, end } = range;
  const length = original.left.length;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end > start && end <= length)) {
    throw new RangeError(`splice range ${start}…${end} is outside 0…${length}`);
  }
  if (replacement.left.length !== end - start || replacement.right.length !== end - start) {
    throw new RangeError(`replacement has ${replacement.left.length} frames, the range ${end - start}`);
  }
  const fade = Math.max(0, Math.min(Math.floor(range.fade), Math.floor((end - start) / 2)));
  const out: StereoBuffer = { left: original.left.slice(), right: original.right.slice() };
  for (const [src, rep, dst] of [[original.left, replacement.left, out.left], [original.right, replacement.right, out.right]] as const) {
    for (let i = start; i < end; i++) {
      const k = i - start;
      // Equal-power gains: cos/sin keep the summed energy steady for uncorrelated material.
      let g = 1;
      if (k < fade) g = Math.sin(((k + 0.5) / fade) * (Math.PI / 2));
      else if (end - 1 - i < fade) g = Math.sin(((end - 1 - i + 0.5) / fade) * (Math.PI / 2));
      dst[i] = g >= 1 ? rep[k]! : rep[k]! * g + src[i]! * Math.sqrt(1 - g * g);
    }
  }
  return out;
}

/** Seconds → frame index at a rate, rounded to the nearest frame. */
export const toFrame = (seconds: number, sampleRate: number): number => Math.round(seconds * sampleRate);

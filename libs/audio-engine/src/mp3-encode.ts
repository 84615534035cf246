// MP3 encoding with lamejs (pure JS LAME port), fed in 1152-sample frames as the encoder expects.
import { Mp3Encoder } from '@breezystack/lamejs';
import type { StereoBuffer } from './types.js';

const FRAME = 1152;

export function floatToInt16(x: number): number {
  const v = x < -1 ? -1 : x > 1 ? 1 : x;
  return v < 0 ? Math.round(v * 32768) : Math.round(v * 32767);
}

export function encodeMp3(audio: StereoBuffer, sampleRate: number, kbps = 192): Buffer {
  if (audio.left.length !== audio.right.length) throw new RangeError('left and right channels differ in length');
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`invalid sample rate ${sampleRate}`);
  const encoder = new Mp3Encoder(2, sampleRate, kbps);
  const l16 = new Int16Array(FRAME);
  const r16 = new Int16Array(FRAME);
  const chunks: Buffer[] = [];
  const n = audio.left.length;
  for (let start = 0; start < n; start += FRAME) {
    const len = Math.min(FRAME, n - start);
    for (let i = 0; i < len; i++) {
      l16[i] = floatToInt16(audio.left[start + i]!);
      r16[i] = floatToInt16(audio.right[start + i]!);
    }
    const out = encoder.encodeBuffer(len === FRAME ? l16 : l16.subarray(0, len), len === FRAME ? r16 : r16.subarray(0, len));
    if (out.length > 0) chunks.push(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
  }
  const tail = encoder.flush();
  if (tail.length > 0) chunks.push(Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength));
  return Buffer.concat(chunks);
}

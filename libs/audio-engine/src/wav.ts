// PCM WAV (RIFF/WAVE) writer, 16- or 24-bit little endian, clipped to range.
import type { StereoBuffer } from './types.js';

export function encodeWav(audio: StereoBuffer, sampleRate: number, bitDepth: 16 | 24): Buffer {
  if (bitDepth !== 16 && bitDepth !== 24) throw new RangeError(`bitDepth must be 16 or 24, got ${String(bitDepth)}`);
  if (audio.left.length !== audio.right.length) throw new RangeError('left and right channels differ in length');
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`invalid sample rate ${sampleRate}`);
  const channels = 2;
  const bytesPerSample = bitDepth / 8;
  const frames = audio.left.length;
  const dataBytes = frames * channels * bytesPerSample;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(channels, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * channels * bytesPerSample, 28);
  buf.writeUInt16LE(channels * bytesPerSample, 32);
  buf.writeUInt16LE(bitDepth, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
  const max = bitDepth === 16 ? 32767 : 8388607;
  const min = -max - 1;
  let o = 44;
  for (let i = 0; i < frames; i++) {
    for (const ch of [audio.left, audio.right]) {
      const x = ch[i]!;
      // Asymmetric scaling maps -1 to the most negative code and +1 to the most positive one.
      let v = Math.round(x < 0 ? x * (max + 1) : x * max);
      if (!(v >= min)) v = min; // also catches NaN
      if (v > max) v = max;
      if (bitDepth === 16) buf.writeInt16LE(v, o);
      else buf.writeIntLE(v, o, 3);
      o += bytesPerSample;
    }
  }
  return buf;
}

// PCM WAV (RIFF/WAVE) reader: 16/24/32-bit integer and 32-bit float, any channel count (first two kept).
import type { DecodedAudio } from './mp3-decode.js';

export interface DecodedWav extends DecodedAudio {
  bitDepth: number;
}

/** True when the bytes start like a RIFF/WAVE file. */
export function isWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...bytes.subarray(8, 12)) === 'WAVE';
}

/**
 * Integer samples are scaled the inverse way encodeWav scales them (negative by 2^(n-1), positive by
 * 2^(n-1)-1), so decodeWav → encodeWav at the same depth reproduces the file's samples bit for bit.
 */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  if (!isWav(bytes)) throw new RangeError('not a RIFF/WAVE file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format = 0, channels = 0, sampleRate = 0, bitDepth = 0;
  let data: { offset: number; length: number } | undefined;
  for (let o = 12; o + 8 <= bytes.length; ) {
    const id = String.fromCharCode(...bytes.subarray(o, o + 4));
    const size = view.getUint32(o + 4, true);
    const body = o + 8;
    if (id === 'fmt ') {
      format = view.getUint16(body, true);
      channels = view.getUint16(body + 2, true);
      sampleRate = view.getUint32(body + 4, true);
      bitDepth = view.getUint16(body + 14, true);
      if (format === 0xfffe && size >= 40) format = view.getUint16(body + 24, true); // WAVE_FORMAT_EXTENSIBLE: the sub-format says
    } else if (id === 'data') {
      data = { offset: body, length: Math.min(size, bytes.length - body) };
      break;
    }
    o = body + size + (size & 1); // chunks are word-aligned
  }
  if (!data || channels === 0 || sampleRate === 0) throw new RangeError('WAV file has no fmt or data chunk');
  const isFloat = format === 3 && bitDepth === 32;
  if (!isFloat && !(format === 1 && (bitDepth === 16 || bitDepth === 24 || bitDepth === 32))) {
    throw new RangeError(`unsupported WAV encoding (format ${format}, ${bitDepth} bit)`);
  }
  const bytesPerSample = bitDepth / 8;
  const frames = Math.floor(data.length / (bytesPerSample * channels));
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  const neg = 2 ** (bitDepth - 1);
  const pos = neg - 1;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < Math.min(channels, 2); c++) {
      const at = data.offset + (i * channels + c) * bytesPerSample;
      let x: number;
      if (isFloat) x = view.getFloat32(at, true);
      else {
        const v = bitDepth === 16 ? view.getInt16(at, true) : bitDepth === 24 ? (view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) : view.getInt32(at, true);
        x = v < 0 ? v / neg : v / pos;
      }
      (c === 0 ? left : right)[i] = x;
    }
  }
  if (channels === 1) right.set(left);
  return { left, right, sampleRate, durationSeconds: frames / sampleRate, bitDepth };
}

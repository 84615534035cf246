// PCM WAV (RIFF/WAVE) reader: 16/24/32-bit integer and 32-bit float, 1 to 32 channels (first two kept).
import { AudioTooLongError, type DecodedAudio } from './mp3-decode.js';

export interface DecodedWav extends DecodedAudio {
  bitDepth: number;
}

/** True when the bytes start like a RIFF/WAVE file. */
export function isWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...bytes.subarray(8, 12)) === 'WAVE';
}

/** Rates a WAV may have: below 4 kHz is no music, above 768 kHz no converter's; outside them a header lies. */
export const WAV_MIN_SAMPLE_RATE = 4000;
export const WAV_MAX_SAMPLE_RATE = 768_000;
/** More channels than any real layout (22.2 has 24): such a header is damage, and each frame would be huge. */
export const WAV_MAX_CHANNELS = 32;

/** What the header of a WAV says, checked against itself and the file's length; no sample is read. */
export interface WavInfo {
  format: number;
  channels: number;
  sampleRate: number;
  bitDepth: number;
  isFloat: boolean;
  /** Where the samples start, and how many bytes of them the file really holds. */
  dataOffset: number;
  dataLength: number;
  frames: number;
  durationSeconds: number;
}

/**
 * Reads and checks a WAV's header before anything is allocated: a missing or short fmt chunk, zero or
 * absurd channels, sample rates or sample sizes, and a file with no samples are refused with a RangeError
 * saying which. A data chunk longer than the file (a cut file, or a streaming writer's 0xFFFFFFFF) counts
 * only the bytes present.
 */
export function probeWav(bytes: Uint8Array): WavInfo {
  if (!isWav(bytes)) throw new RangeError('not a RIFF/WAVE file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: Pick<WavInfo, 'format' | 'channels' | 'sampleRate' | 'bitDepth'> | undefined;
  let data: { offset: number; length: number } | undefined;
  for (let o = 12; o + 8 <= bytes.length; ) {
    const id = String.fromCharCode(...bytes.subarray(o, o + 4));
    const size = view.getUint32(o + 4, true);
    const body = o + 8;
    if (id === 'fmt ') {
      if (size < 16) throw new RangeError(`the WAV fmt chunk is ${size} bytes; at least 16 are needed`);
      if (body + 16 > bytes.length) throw new RangeError('the WAV file ends inside its fmt chunk');
      let format = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE: the sub-format says.
      if (format === 0xfffe && size >= 40 && body + 26 <= bytes.length) format = view.getUint16(body + 24, true);
      fmt = { format, channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), bitDepth: view.getUint16(body + 14, true) };
    } else if (id === 'data') {
      data = { offset: body, length: Math.min(size, bytes.length - body) };
      break;
    }
    o = body + size + (size & 1); // chunks are word-aligned
  }
  if (!fmt) throw new RangeError('the WAV file has no fmt chunk');
  if (!data) throw new RangeError('the WAV file has no data chunk');
  const { format, channels, sampleRate, bitDepth } = fmt;
  if (channels === 0 || channels > WAV_MAX_CHANNELS) throw new RangeError(`the WAV header says ${channels} channels (1 to ${WAV_MAX_CHANNELS} are supported)`);
  if (sampleRate < WAV_MIN_SAMPLE_RATE || sampleRate > WAV_MAX_SAMPLE_RATE) throw new RangeError(`the WAV header says ${sampleRate} Hz (${WAV_MIN_SAMPLE_RATE} to ${WAV_MAX_SAMPLE_RATE} Hz are supported)`);
  const isFloat = format === 3 && bitDepth === 32;
  if (!isFloat && !(format === 1 && (bitDepth === 16 || bitDepth === 24 || bitDepth === 32))) {
    throw new RangeError(`unsupported WAV encoding (format ${format}, ${bitDepth} bit; 16/24/32-bit PCM or 32-bit float are supported)`);
  }
  const frames = Math.floor(data.length / ((bitDepth / 8) * channels));
  if (frames === 0) throw new RangeError('the WAV file holds no samples');
  return { format, channels, sampleRate, bitDepth, isFloat, dataOffset: data.offset, dataLength: data.length, frames, durationSeconds: frames / sampleRate };
}

/**
 * Integer samples are scaled the inverse way encodeWav scales them (negative by 2^(n-1), positive by
 * 2^(n-1)-1), so decodeWav → encodeWav at the same depth reproduces the file's samples bit for bit.
 * `maxSeconds` refuses longer audio from the header, before the samples are allocated.
 */
export function decodeWav(bytes: Uint8Array, options: { maxSeconds?: number } = {}): DecodedWav {
  const { channels, sampleRate, bitDepth, isFloat, dataOffset, frames } = probeWav(bytes);
  if (options.maxSeconds !== undefined && frames > options.maxSeconds * sampleRate) {
    throw new AudioTooLongError(options.maxSeconds);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bytesPerSample = bitDepth / 8;
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  const neg = 2 ** (bitDepth - 1);
  const pos = neg - 1;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < Math.min(channels, 2); c++) {
      const at = dataOffset + (i * channels + c) * bytesPerSample;
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

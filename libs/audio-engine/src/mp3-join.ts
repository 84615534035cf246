// Joining two MPEG-1 layer III streams encoded from overlapping parts of one signal, so one song can be
// encoded by two threads (parallel.ts). A frame's audio (its "main data") does not have to sit in the frame:
// main_data_begin points up to 511 bytes back, into space the frames before it left unused (LAME's bit
// reservoir). So a frame of the second stream cannot simply follow a frame of the first: the bytes it
// borrows from its own predecessors are not there. They are moved: a seam is a frame F where the first
// stream's frames before F left at least as many bytes unused as the second stream's frame F borrows; those
// bytes are copied into that unused space, in front of F's header, and everything else is kept byte for
// byte (frame headers, side information and main data of both streams). The decoder then reads every frame
// of both streams exactly as it would have read it in its own stream.

/** Where one frame and its main data are. */
interface Frame {
  /** Byte offset of the header in the stream. */
  offset: number;
  length: number;
  /** Byte offset of the frame's main-data area (after header, CRC and side information). */
  area: number;
  /** Position of that area in the stream's main data (all main-data areas end to end). */
  mainStart: number;
  /** main_data_begin: how many bytes before `mainStart` this frame's main data starts. */
  begin: number;
  /** Bytes of main data this frame uses (part2_3_length of its granules and channels, rounded up). */
  used: number;
}

const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const RATES_V1 = [44100, 48000, 32000];

/**
 * The frames of a stream of MPEG-1 layer III frames back to back (the engine's encoder output: no tags),
 * or undefined for anything else (MPEG-2/2.5, another layer, damage): the caller then does not split.
 */
function framesOf(bytes: Uint8Array): Frame[] | undefined {
  const frames: Frame[] = [];
  let pos = 0;
  let mainStart = 0;
  while (pos < bytes.length) {
    if (pos + 4 > bytes.length || bytes[pos] !== 0xff || (bytes[pos + 1]! & 0xfe) !== 0xfa) return undefined; // sync, MPEG-1, layer III
    const b2 = bytes[pos + 2]!;
    const kbps = BITRATES_V1[b2 >> 4];
    const rate = RATES_V1[(b2 >> 2) & 3];
    if (!kbps || !rate) return undefined;
    const length = Math.floor((144 * kbps * 1000) / rate) + ((b2 >> 1) & 1);
    const crc = (bytes[pos + 1]! & 1) === 0 ? 2 : 0;
    const channels = bytes[pos + 3]! >> 6 === 3 ? 1 : 2;
    const side = pos + 4 + crc;
    const area = side + (channels === 1 ? 17 : 32);
    if (pos + length > bytes.length || area > pos + length) return undefined;
    // Side information: main_data_begin (9 bits), private bits (5 mono / 3 stereo), scfsi (4 per channel),
    // then per granule and channel 59 bits starting with part2_3_length (12).
    let bit = 9 + (channels === 1 ? 5 : 3) + 4 * channels;
    let usedBits = 0;
    for (let g = 0; g < 2 * channels; g++, bit += 59) usedBits += readBits(bytes, side, bit, 12);
    frames.push({ offset: pos, length, area, mainStart, begin: readBits(bytes, side, 0, 9), used: Math.ceil(usedBits / 8) });
    mainStart += pos + length - area;
    pos += length;
  }
  return frames;
}

function readBits(bytes: Uint8Array, start: number, bit: number, count: number): number {
  let v = 0;
  for (let i = bit; i < bit + count; i++) v = (v << 1) | ((bytes[start + (i >> 3)]! >> (7 - (i & 7))) & 1);
  return v;
}

/** Byte offsets in `bytes` of main-data positions [from, to) of `frames` (to ≤ the stream's main data). */
function mainBytes(bytes: Uint8Array, frames: Frame[], from: number, to: number): Uint8Array {
  const out = new Uint8Array(to - from);
  for (const f of frames) {
    const areaLength = f.offset + f.length - f.area;
    const lo = Math.max(from, f.mainStart);
    const hi = Math.min(to, f.mainStart + areaLength);
    if (lo < hi) out.set(bytes.subarray(f.area + lo - f.mainStart, f.area + hi - f.mainStart), lo - from);
  }
  return out;
}

function writeMain(bytes: Uint8Array, frames: Frame[], from: number, data: Uint8Array): void {
  const to = from + data.length;
  for (const f of frames) {
    const areaLength = f.offset + f.length - f.area;
    const lo = Math.max(from, f.mainStart);
    const hi = Math.min(to, f.mainStart + areaLength);
    if (lo < hi) bytes.set(data.subarray(lo - from, hi - from), f.area + lo - f.mainStart);
  }
}

/**
 * Frames [0, F) of `first`, then frames [F, …) of `second`, whose frame 0 is frame `secondStart` of the
 * whole (both encoded with the same settings, `second` from sample 1152·secondStart of the same signal).
 * F is the first frame in [from, to) where the seam works (see the top of this file); undefined if there is
 * none there (or a stream is not MPEG-1 layer III frames back to back).
 */
export function joinMp3Streams(first: Uint8Array, second: Uint8Array, secondStart: number, from: number, to = Infinity): { bytes: Buffer; seam: number } | undefined {
  const a = framesOf(first);
  const b = framesOf(second);
  if (!a || !b || from < secondStart || from < 1) return undefined;
  for (let seam = from; seam < to && seam < a.length && seam - secondStart < b.length; seam++) {
    const last = a[seam - 1]!;
    const unused = a[seam]!.mainStart - (last.mainStart - last.begin + last.used);
    const fb = b[seam - secondStart]!;
    if (fb.begin > unused) continue;
    const headA = a.slice(0, seam);
    const out = Buffer.alloc(a[seam]!.offset + second.length - fb.offset);
    out.set(first.subarray(0, a[seam]!.offset), 0);
    out.set(second.subarray(fb.offset), a[seam]!.offset);
    // The bytes frame F borrows go where the decoder will look for them: the end of the first part's main data.
    writeMain(out, headA, a[seam]!.mainStart - fb.begin, mainBytes(second, b, fb.mainStart - fb.begin, fb.mainStart));
    return { bytes: out, seam };
  }
  return undefined;
}

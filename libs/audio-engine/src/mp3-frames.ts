// A strict walk over an MPEG audio layer III stream's frame headers: every frame must start exactly where
// the previous one ended, with a valid header. Used to check encoder output (tests, benchmarks) without
// trusting the decoder, which resynchronises silently over damage.

/** kbps by bitrate index, MPEG-1 layer III and MPEG-2/2.5 layer III. */
const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const RATES_V1 = [44100, 48000, 32000];
const MODES = ['stereo', 'joint_stereo', 'dual_channel', 'mono'] as const;

export type Mp3ChannelMode = (typeof MODES)[number];

export interface Mp3FrameScan {
  /** Number of complete frames. */
  frames: number;
  /** Samples per channel the frames carry (1152 per MPEG-1 frame, 576 per MPEG-2/2.5 frame). */
  samples: number;
  sampleRate: number;
  /** Every distinct bitrate seen, in kbps (one entry for constant bitrate). */
  bitrates: number[];
  /** Every distinct channel mode seen. */
  modes: Mp3ChannelMode[];
  /** Bytes before the first frame (an ID3v2 tag, if any) — 0 for the engine's own output. */
  leadingBytes: number;
  /** samples / sampleRate. */
  durationSeconds: number;
}

/**
 * Walks the frames of an MP3 (an ID3v2 tag in front is skipped). Throws RangeError at the first byte
 * that is not a valid layer III frame header where one must be, and at a truncated last frame.
 */
export function scanMp3Frames(bytes: Uint8Array): Mp3FrameScan {
  let pos = 0;
  if (bytes.length >= 10 && bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33) {
    pos = 10 + (((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f));
  }
  const leadingBytes = pos;
  let frames = 0;
  let samples = 0;
  let sampleRate = 0;
  const bitrates = new Set<number>();
  const modes = new Set<Mp3ChannelMode>();
  while (pos < bytes.length) {
    if (pos + 4 > bytes.length) throw new RangeError(`truncated frame header at byte ${pos}`);
    const b1 = bytes[pos + 1]!, b2 = bytes[pos + 2]!, b3 = bytes[pos + 3]!;
    if (bytes[pos] !== 0xff || (b1 & 0xe0) !== 0xe0) throw new RangeError(`no frame sync at byte ${pos}`);
    const version = (b1 >> 3) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5, 1 reserved
    const layer = (b1 >> 1) & 3; // 1 = layer III
    const bitrateIndex = b2 >> 4;
    const rateIndex = (b2 >> 2) & 3;
    if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) {
      throw new RangeError(`invalid layer III frame header at byte ${pos}`);
    }
    const mpeg1 = version === 3;
    const kbps = (mpeg1 ? BITRATES_V1 : BITRATES_V2)[bitrateIndex]!;
    const rate = RATES_V1[rateIndex]! / (mpeg1 ? 1 : version === 2 ? 2 : 4);
    if (sampleRate !== 0 && rate !== sampleRate) throw new RangeError(`sample rate changes at byte ${pos}`);
    sampleRate = rate;
    const padding = (b2 >> 1) & 1;
    const length = Math.floor(((mpeg1 ? 144 : 72) * kbps * 1000) / rate) + padding;
    if (pos + length > bytes.length) throw new RangeError(`truncated frame at byte ${pos}`);
    bitrates.add(kbps);
    modes.add(MODES[b3 >> 6]!);
    frames++;
    samples += mpeg1 ? 1152 : 576;
    pos += length;
  }
  if (frames === 0) throw new RangeError('no MP3 frames');
  return { frames, samples, sampleRate, bitrates: [...bitrates].sort((a, b) => a - b), modes: [...modes], leadingBytes, durationSeconds: samples / sampleRate };
}

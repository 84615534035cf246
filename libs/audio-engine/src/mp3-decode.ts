// MP3 decoding through mpg123 compiled to WebAssembly.
import { MPEGDecoder } from 'mpg123-decoder';

export interface DecodedAudio {
  left: Float32Array;
  right: Float32Array;
  sampleRate: number;
  durationSeconds: number;
}

/** Bytes fed to the decoder at a time: the length cap is checked between feeds. */
const FEED_BYTES = 256 * 1024;

export class AudioTooLongError extends RangeError {
  constructor(readonly maxSeconds: number) {
    super(`the audio is longer than the ${maxSeconds} s accepted`);
    this.name = 'AudioTooLongError';
  }
}

/**
 * Decodes in slices so `maxSeconds` bounds the memory: MP3 compresses silence to ~1 kB a second (8 kbps
 * frames), so a file's size says nothing about its decoded length — a 2 MB upload can be half an hour,
 * and mpg123 resynchronises over garbage to find more frames than any header walk counted.
 */
export async function decodeMp3(bytes: Uint8Array, options: { maxSeconds?: number } = {}): Promise<DecodedAudio> {
  const decoder = new MPEGDecoder();
  try {
    await decoder.ready;
    const lefts: Float32Array[] = [];
    const rights: Float32Array[] = [];
    let samples = 0;
    let sampleRate = 0;
    for (let at = 0; at < bytes.length; at += FEED_BYTES) {
      const part = decoder.decode(bytes.subarray(at, at + FEED_BYTES));
      if (part.samplesDecoded > 0) {
        lefts.push(part.channelData[0]!);
        // Mono files are returned as dual-mono so callers always get two channels.
        rights.push(part.channelData[1] ?? part.channelData[0]!);
        samples += part.samplesDecoded;
        sampleRate = part.sampleRate;
      }
      if (options.maxSeconds !== undefined && sampleRate > 0 && samples > options.maxSeconds * sampleRate) throw new AudioTooLongError(options.maxSeconds);
    }
    const join = (parts: Float32Array[]) => {
      if (parts.length === 1) return parts[0]!;
      const out = new Float32Array(samples);
      let o = 0;
      for (const p of parts) (out.set(p, o), (o += p.length));
      return out;
    };
    const left = join(lefts);
    const right = rights.every((r, i) => r === lefts[i]) ? left : join(rights);
    return { left, right, sampleRate, durationSeconds: sampleRate > 0 ? samples / sampleRate : 0 };
  } finally {
    decoder.free();
  }
}

// MP3 decoding through mpg123 compiled to WebAssembly.
import { MPEGDecoder } from 'mpg123-decoder';

export interface DecodedAudio {
  left: Float32Array;
  right: Float32Array;
  sampleRate: number;
  durationSeconds: number;
}

export async function decodeMp3(bytes: Uint8Array): Promise<DecodedAudio> {
  const decoder = new MPEGDecoder();
  try {
    await decoder.ready;
    const result = decoder.decode(bytes);
    const left = result.channelData[0] ?? new Float32Array(0);
    // Mono files are returned as dual-mono so callers always get two channels.
    const right = result.channelData[1] ?? left;
    const sampleRate = result.sampleRate;
    return { left, right, sampleRate, durationSeconds: sampleRate > 0 ? result.samplesDecoded / sampleRate : 0 };
  } finally {
    decoder.free();
  }
}

// MP3 decoding through mpg123 compiled to WebAssembly.
import { MPEGDecoder } from 'mpg123-decoder';
import { PcmCollector, type DecodedAudio } from './decoded-pcm.js';

export { AudioTooLongError, type DecodedAudio } from './decoded-pcm.js';

/** Bytes fed to the decoder at a time: the length cap is checked between feeds. */
const FEED_BYTES = 256 * 1024;

/**
 * Decodes in slices so `maxSeconds` bounds the memory: MP3 compresses silence to ~1 kB a second (8 kbps
 * frames), so a file's size says nothing about its decoded length — a 2 MB upload can be half an hour,
 * and mpg123 resynchronises over garbage to find more frames than any header walk counted.
 */
export async function decodeMp3(bytes: Uint8Array, options: { maxSeconds?: number } = {}): Promise<DecodedAudio> {
  const decoder = new MPEGDecoder();
  try {
    await decoder.ready;
    const pcm = new PcmCollector(options.maxSeconds);
    for (let at = 0; at < bytes.length; at += FEED_BYTES) pcm.add(decoder.decode(bytes.subarray(at, at + FEED_BYTES)));
    return pcm.result();
  } finally {
    decoder.free();
  }
}

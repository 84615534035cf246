// Any audio file the platform reads, decoded by the reader its first bytes call for.
import { sniffAudioFormat, UnsupportedAudioFormatError, type AudioFormat } from './audio-format.js';
import type { DecodedAudio } from './decoded-pcm.js';
import { decodeFlac } from './flac-decode.js';
import { decodeMp3 } from './mp3-decode.js';
import { decodeOgg } from './ogg-decode.js';
import { decodeWav } from './wav-decode.js';

/**
 * WAV, FLAC, Ogg (Vorbis, Opus, FLAC) or MP3, each capped at `maxSeconds` while decoding. Throws
 * AudioTooLongError, UnsupportedAudioFormatError (MP4/M4A, AAC, WebM, other Ogg codecs) or another
 * RangeError (AudioDecodeError for FLAC and Ogg) saying what is wrong with the bytes.
 */
export async function decodeAudioFile(bytes: Uint8Array, options: { maxSeconds?: number } = {}): Promise<DecodedAudio & { format: AudioFormat }> {
  const format = sniffAudioFormat(bytes);
  const pick = ({ left, right, sampleRate, durationSeconds }: DecodedAudio) => ({ left, right, sampleRate, durationSeconds, format });
  switch (format) {
    case 'wav':
      return pick(decodeWav(bytes, options));
    case 'mp3':
      return pick(await decodeMp3(bytes, options));
    case 'flac':
      return pick(await decodeFlac(bytes, options));
    case 'ogg-vorbis':
    case 'ogg-opus':
    case 'ogg-flac':
    case 'ogg-other': // the page walk tells an unknown codec (unsupported) from junk behind "OggS" (not audio)
      return pick(await decodeOgg(bytes, options));
    default:
      throw new UnsupportedAudioFormatError(format);
  }
}

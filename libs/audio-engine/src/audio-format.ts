// What kind of audio a file holds, told from its bytes (never from a declared type or a file name).
import { AudioTooLongError } from './decoded-pcm.js';

/** 'mp3' stands for everything not recognised otherwise: the MP3 reader decides whether it is audio. */
export type AudioFormat = 'wav' | 'mp3' | 'flac' | 'ogg-vorbis' | 'ogg-opus' | 'ogg-flac' | 'ogg-other' | 'mp4' | 'webm' | 'aac';

export const AUDIO_FORMAT_NAMES: Record<AudioFormat, string> = {
  wav: 'WAV',
  mp3: 'MP3',
  flac: 'FLAC',
  'ogg-vorbis': 'Ogg Vorbis',
  'ogg-opus': 'Ogg Opus',
  'ogg-flac': 'Ogg FLAC',
  'ogg-other': 'Ogg (a codec other than Vorbis, Opus or FLAC)',
  mp4: 'MP4/M4A',
  webm: 'WebM/Matroska',
  aac: 'AAC (ADTS)',
};

/** The formats the platform decodes, for messages. */
export const DECODED_FORMATS = 'MP3, WAV, FLAC, Ogg Vorbis and Ogg Opus';

/** Bad input found while reading a compressed file: which kind of bad, for the caller's error codes. */
export class AudioDecodeError extends RangeError {
  constructor(
    readonly reason: 'not-audio' | 'truncated' | 'damaged',
    message: string,
  ) {
    super(message);
    this.name = 'AudioDecodeError';
  }
}

/** codec-parser's generators are typed as bare iterators: this makes them iterable again. */
export function* each<T>(iterator: Iterator<T>): Generator<T> {
  for (let r = iterator.next(); !r.done; r = iterator.next()) yield r.value;
}

/**
 * Runs a step of a third-party parser: our own refusals pass through, anything the parser itself throws
 * on bytes it did not expect (a DataView read past the end, say) becomes `fallback`.
 */
export function parsing<T>(step: () => T, fallback: () => AudioDecodeError): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof AudioDecodeError || error instanceof AudioTooLongError || error instanceof UnsupportedAudioFormatError) throw error;
    throw fallback();
  }
}

/** The same for a decoder's call: a WebAssembly trap on damaged data becomes `fallback`. */
export async function decoding<T>(step: () => Promise<T>, fallback: () => AudioDecodeError): Promise<T> {
  try {
    return await step();
  } catch {
    throw fallback();
  }
}

/** A decoder that trapped may throw again when freed; its memory goes with its instance either way. */
export function freeQuietly(decoder: { free(): unknown }): void {
  try {
    decoder.free();
  } catch {
    // nothing to do: the instance is garbage once dropped
  }
}

/** A container or codec that is recognised (the library stores it) but that no decoder here reads. */
export class UnsupportedAudioFormatError extends RangeError {
  constructor(readonly format: AudioFormat) {
    super(`${AUDIO_FORMAT_NAMES[format]} audio cannot be decoded here; the formats read are ${DECODED_FORMATS}`);
    this.name = 'UnsupportedAudioFormatError';
  }
}

const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, Math.min(to, b.length)));

/** Length of an ID3v2 tag at the start (some taggers put one even before FLAC or ADTS), else 0. */
export function id3v2Length(b: Uint8Array): number {
  if (b.length < 10 || ascii(b, 0, 3) !== 'ID3') return 0;
  const size = ((b[6]! & 0x7f) << 21) | ((b[7]! & 0x7f) << 14) | ((b[8]! & 0x7f) << 7) | (b[9]! & 0x7f);
  return 10 + size + (b[5]! & 0x10 ? 10 : 0); // a footer, when flagged
}

/**
 * The codec of an Ogg file, from its first pages: every stream starts with a beginning-of-stream page
 * whose first packet names the codec, and all of them come before any data page (RFC 3533), so a
 * Skeleton or video stream in front does not hide the audio behind it.
 */
function oggCodec(b: Uint8Array): AudioFormat {
  for (let pos = 0; pos + 27 <= b.length && ascii(b, pos, pos + 4) === 'OggS' && b[pos + 5]! & 0x02; ) {
    const segments = b[pos + 26]!;
    let body = 0;
    for (let i = 0; i < segments; i++) body += b[pos + 27 + i] ?? 0;
    const packet = pos + 27 + segments;
    const id = ascii(b, packet, packet + 8);
    if (id === 'OpusHead') return 'ogg-opus';
    if (id.startsWith('\x01vorbis')) return 'ogg-vorbis';
    if (id.startsWith('\x7fFLAC')) return 'ogg-flac';
    pos = packet + body;
  }
  return 'ogg-other';
}

export function sniffAudioFormat(bytes: Uint8Array): AudioFormat {
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WAVE') return 'wav';
  if (ascii(bytes, 0, 4) === 'OggS') return oggCodec(bytes);
  if (ascii(bytes, 4, 8) === 'ftyp') return 'mp4';
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return 'webm';
  const at = id3v2Length(bytes);
  if (ascii(bytes, at, at + 4) === 'fLaC') return 'flac';
  if (ascii(bytes, at, at + 4) === 'ADIF') return 'aac';
  // ADTS: a 12-bit sync like MPEG audio's, but with the layer bits 00 (MP3 has 01).
  if (bytes[at] === 0xff && ((bytes[at + 1] ?? 0) & 0xf6) === 0xf0) return 'aac';
  return 'mp3';
}

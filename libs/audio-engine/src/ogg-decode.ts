// Ogg Vorbis, Opus and FLAC decoding through the codecs' reference libraries compiled to WebAssembly,
// after a walk of the Ogg pages and the packet headers in them.
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis';
import CodecParser, { type CodecValue, type OggPage } from 'codec-parser';
import { OggOpusDecoder } from 'ogg-opus-decoder';
import { AudioDecodeError, decoding, each, freeQuietly, parsing, UnsupportedAudioFormatError } from './audio-format.js';
import { AudioTooLongError, PcmCollector, type DecodedAudio, type DecodedSlice } from './decoded-pcm.js';

export type OggCodec = 'vorbis' | 'opus' | 'flac';

export interface OggInfo {
  codec: OggCodec;
  /** The decoded rate: Opus always decodes at 48 kHz, whatever rate it was made from. */
  sampleRate: number;
  pages: number;
  /** Samples per channel counted from the packets (trimmed to the last page's granule position). */
  samples: number;
  durationSeconds: number;
}

/** Bytes handed to the parser and to the decoder at a time. */
const FEED_BYTES = 64 * 1024;
/** The longest an Ogg page can be: its header, 255 lacing values and 255 segments of 255 bytes. */
const MAX_PAGE_BYTES = 27 + 255 + 255 * 255;
const CODECS = new Set<CodecValue>(['vorbis', 'opus', 'flac']);

/** A page's length as its header declares it (27 bytes, the lacing values, the segments). */
function declaredLength(raw: Uint8Array): number {
  if (raw.length < 27) return 27;
  const segments = raw[26]!;
  let length = 27 + segments;
  for (let i = 0; i < segments; i++) length += raw[27 + i] ?? 0;
  return length;
}

/**
 * Walks every page and the packets in it, decoding nothing: the true length from the packets (Opus
 * codes up to 120 ms in a 1-byte packet, so pages full of them are hours in a few kB), refused as soon
 * as it passes `maxSeconds`. A file that ends inside a page or without an end-of-stream page is cut;
 * bytes that are no page are damage.
 */
export function probeOgg(bytes: Uint8Array, maxSeconds?: number): OggInfo {
  if (bytes.length === 0 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'OggS') throw new AudioDecodeError('not-audio', 'the file is not Ogg audio (no OggS page)');
  const codecs = new Set<CodecValue>();
  const parser = new CodecParser<OggPage>('audio/ogg', { enableFrameCRC32: false, onCodec: (codec) => codecs.add(codec) });
  const rates = new Set<number>();
  let pages = 0;
  let samples = 0;
  let read = 0;
  let last: OggPage | undefined;
  let maxSamples = Infinity;
  const count = (page: OggPage) => {
    pages++;
    last = page;
    if (page.rawData.length < declaredLength(page.rawData)) throw new AudioDecodeError('truncated', `the Ogg file ends inside page ${pages}`);
    read += page.rawData.length;
    for (const frame of page.codecFrames) {
      samples += frame.samples;
      if (!rates.has(frame.header.sampleRate)) {
        rates.add(frame.header.sampleRate);
        if (rates.size > 1) throw new AudioDecodeError('damaged', 'the Ogg file changes its sample rate between streams');
        if (maxSeconds !== undefined) maxSamples = maxSeconds * frame.header.sampleRate;
      }
    }
    if (samples > maxSamples) throw new AudioTooLongError(maxSeconds!);
  };
  for (let at = 0; at < bytes.length; at += FEED_BYTES) {
    const slice = bytes.subarray(at, at + FEED_BYTES);
    parsing(() => { for (const page of each(parser.parseChunk(slice))) count(page); }, () => new AudioDecodeError('damaged', `the Ogg stream is broken after page ${pages}`));
    // The parser holds back at most one unfinished page; more means it is searching through junk, byte
    // by byte (half a second a megabyte): stop there.
    if (Math.min(at + FEED_BYTES, bytes.length) - read > MAX_PAGE_BYTES) throw new AudioDecodeError('damaged', `the Ogg stream is broken at byte ${read}: no page follows`);
  }
  parsing(() => { for (const page of each(parser.flush())) count(page); }, () => new AudioDecodeError('truncated', `the Ogg file ends inside page ${pages + 1}`));
  if (!last) throw new AudioDecodeError('not-audio', 'no Ogg page could be read');
  const codec = [...codecs][0];
  if (!codec) throw new UnsupportedAudioFormatError('ogg-other');
  if (codecs.size > 1 || !CODECS.has(codec)) throw new AudioDecodeError('damaged', `the Ogg file mixes codecs (${[...codecs].join(', ')})`);
  if (!last.isLastPage) throw new AudioDecodeError('truncated', `the Ogg file is cut short: its last page (${pages}) is not the end of its stream`);
  if (read < bytes.length) throw new AudioDecodeError('damaged', `the Ogg stream is broken: ${bytes.length - read} of its ${bytes.length} bytes are not in any page`);
  const sampleRate = [...rates][0];
  if (!sampleRate || samples === 0) throw new AudioDecodeError('not-audio', `the Ogg ${codec} stream holds no audio`);
  return { codec: codec as OggCodec, sampleRate, pages, samples, durationSeconds: samples / sampleRate };
}

interface SliceDecoder {
  ready: Promise<void>;
  decode(data: Uint8Array): Promise<DecodedSlice & { errors: unknown[] }>;
  flush(): Promise<DecodedSlice & { errors: unknown[] }>;
  free(): void;
}

function decoderFor(codec: OggCodec): SliceDecoder {
  // Opus: a surround stream is mixed down to stereo by libopus (and mono doubled) rather than cut to two channels.
  if (codec === 'opus') return new OggOpusDecoder({ forceStereo: true }) as unknown as SliceDecoder;
  return codec === 'vorbis' ? new OggVorbisDecoder() : new FLACDecoder();
}

/**
 * Probes, then decodes in slices with the codec's decoder (the cap is checked after each slice too).
 * Packets the decoder rejects, or clearly fewer samples than the packets promise, are damage.
 */
export async function decodeOgg(bytes: Uint8Array, options: { maxSeconds?: number } = {}): Promise<DecodedAudio & { info: OggInfo }> {
  const info = probeOgg(bytes, options.maxSeconds);
  const decoder = decoderFor(info.codec);
  try {
    await decoder.ready;
    const pcm = new PcmCollector(options.maxSeconds);
    let errors = 0;
    const take = (part: DecodedSlice & { errors: unknown[] }) => {
      errors += part.errors.length;
      pcm.add(part);
    };
    // libFLAC, libvorbis and libopus can trap on packets the walk let through (damage inside a packet).
    const failed = () => new AudioDecodeError('damaged', `the Ogg ${info.codec} packets could not be decoded`);
    for (let at = 0; at < bytes.length; at += FEED_BYTES) take(await decoding(() => decoder.decode(bytes.subarray(at, at + FEED_BYTES)), failed));
    take(await decoding(() => decoder.flush(), failed));
    const decoded = pcm.result();
    if (errors > 0 || decoded.sampleRate !== info.sampleRate || decoded.left.length < info.samples * 0.99) {
      throw new AudioDecodeError('damaged', `the Ogg ${info.codec} packets could not be decoded (${errors} errors, ${decoded.left.length} of ${info.samples} samples)`);
    }
    return { ...decoded, info };
  } finally {
    freeQuietly(decoder);
  }
}

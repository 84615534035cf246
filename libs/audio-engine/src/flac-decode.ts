// FLAC decoding through libFLAC compiled to WebAssembly, after a walk of the frame headers.
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import CodecParser, { type CodecFrame } from 'codec-parser';
import { AudioDecodeError, decoding, each, freeQuietly, id3v2Length, parsing } from './audio-format.js';
import { AudioTooLongError, PcmCollector, type DecodedAudio } from './decoded-pcm.js';

/** What a FLAC file's STREAMINFO says and what its frames really hold (no sample decoded). */
export interface FlacInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** The samples STREAMINFO announces per channel; 0 when the encoder did not know (a stream). */
  declaredSamples: number;
  /** The longest frame in bytes, from STREAMINFO; 0 when unknown. */
  maxFrameBytes: number;
  /** Where the first frame starts (after any ID3v2 tag, the marker and the metadata blocks). */
  audioOffset: number;
  frames: number;
  /** Samples per channel counted from the frame headers: exactly what decoding yields. */
  samples: number;
  durationSeconds: number;
}

/** Bytes handed to the parser and to the decoder at a time. */
const FEED_BYTES = 64 * 1024;
/** The longest frame the parser looks for (when STREAMINFO does not say). */
const MAX_FRAME_BYTES = 512 * 1024;

const notAudio = (message: string) => new AudioDecodeError('not-audio', message);
const truncated = (message: string) => new AudioDecodeError('truncated', message);
const damaged = (message: string) => new AudioDecodeError('damaged', message);

/** "fLaC", then metadata blocks of which the first must be STREAMINFO; each is checked against the file's end. */
function readHeader(b: Uint8Array): Pick<FlacInfo, 'sampleRate' | 'channels' | 'bitsPerSample' | 'declaredSamples' | 'maxFrameBytes' | 'audioOffset'> {
  let pos = id3v2Length(b);
  if (String.fromCharCode(...b.subarray(pos, pos + 4)) !== 'fLaC') throw notAudio('the file is not FLAC audio (no fLaC marker)');
  pos += 4;
  let info: Omit<ReturnType<typeof readHeader>, 'audioOffset'> | undefined;
  for (let last = false; !last; ) {
    if (pos + 4 > b.length) throw truncated('the FLAC file ends inside its metadata');
    last = (b[pos]! & 0x80) !== 0;
    const type = b[pos]! & 0x7f;
    const size = (b[pos + 1]! << 16) | (b[pos + 2]! << 8) | b[pos + 3]!;
    const body = pos + 4;
    if (!info) {
      if (type !== 0 || size < 34) throw notAudio('the FLAC file does not begin with a STREAMINFO block');
      if (body + 34 > b.length) throw truncated('the FLAC file ends inside its STREAMINFO block');
      const s = b.subarray(body, body + 34);
      info = {
        maxFrameBytes: (s[7]! << 16) | (s[8]! << 8) | s[9]!,
        sampleRate: (s[10]! << 12) | (s[11]! << 4) | (s[12]! >> 4),
        channels: ((s[12]! >> 1) & 7) + 1,
        bitsPerSample: (((s[12]! & 1) << 4) | (s[13]! >> 4)) + 1,
        declaredSamples: (s[13]! & 0x0f) * 2 ** 32 + (((s[14]! << 24) | (s[15]! << 16) | (s[16]! << 8) | s[17]!) >>> 0),
      };
      if (info.sampleRate === 0) throw notAudio('the FLAC STREAMINFO gives a sample rate of 0 Hz');
      if (info.bitsPerSample < 4) throw notAudio(`the FLAC STREAMINFO gives ${info.bitsPerSample}-bit samples`);
    } else if (type === 127) {
      throw notAudio('the FLAC metadata holds an invalid block type');
    }
    pos = body + size;
    if (pos > b.length) throw truncated('the FLAC file ends inside its metadata');
  }
  return { ...info!, audioOffset: pos };
}

/**
 * Walks every frame header (each is confirmed by the CRC-16 of the frame before the next sync), with
 * no decoding: the true length, refused as soon as it passes `maxSeconds` — FLAC stores silence in
 * ~14-byte frames of 65535 samples, so a 6 kB file can be an hour. A file whose frames stop before
 * its end, or before the length its STREAMINFO announces, is cut or damaged.
 */
export function probeFlac(bytes: Uint8Array, maxSeconds?: number): FlacInfo {
  const head = readHeader(bytes);
  const maxSamples = maxSeconds === undefined ? Infinity : maxSeconds * head.sampleRate;
  if (head.declaredSamples > maxSamples) throw new AudioTooLongError(maxSeconds!);
  const audio = bytes.subarray(head.audioOffset);
  if (audio.length === 0) throw truncated('the FLAC file ends after its metadata, before any audio frame');
  const parser = new CodecParser<CodecFrame>('audio/flac', { enableFrameCRC32: false });
  let frames = 0;
  let samples = 0;
  let read = 0;
  const count = (frame: CodecFrame) => {
    // Rates the frame header cannot code are "as in STREAMINFO" (a string here).
    const rate = frame.header.sampleRate;
    if (typeof rate === 'number' && rate !== head.sampleRate) throw damaged(`FLAC frame ${frames + 1} is at ${rate} Hz but the stream at ${head.sampleRate} Hz`);
    frames++;
    samples += frame.samples;
    read += frame.data.length;
    if (samples > maxSamples) throw new AudioTooLongError(maxSeconds!);
  };
  // A frame is confirmed by the header after it, so the parser holds back up to two; more is junk.
  const maxPending = 2 * (head.maxFrameBytes || MAX_FRAME_BYTES) + 64;
  for (let at = 0; at < audio.length; at += FEED_BYTES) {
    const slice = audio.subarray(at, at + FEED_BYTES);
    parsing(() => { for (const frame of each(parser.parseChunk(slice))) count(frame); }, () => damaged(`the FLAC stream is broken after frame ${frames}`));
    if (Math.min(at + FEED_BYTES, audio.length) - read > maxPending) throw damaged(`the FLAC stream is broken after frame ${frames}: no frame follows`);
  }
  parsing(() => { for (const frame of each(parser.flush())) count(frame); }, () => truncated(`the FLAC file ends inside frame ${frames + 1}`));
  if (frames === 0) throw damaged('no FLAC frame could be read after the metadata');
  const seconds = (n: number) => (n / head.sampleRate).toFixed(2);
  const rest = audio.length - read;
  // A trailing ID3v1 tag is common; other bytes the frames do not account for are a cut last frame
  // (the parser drops a frame whose CRC fails) or, more than two frames' worth, damage.
  const id3v1 = rest === 128 && String.fromCharCode(...audio.subarray(read, read + 3)) === 'TAG';
  if (rest > maxPending) throw damaged(`the FLAC stream is broken after frame ${frames}: ${rest} of its ${audio.length} bytes of frames cannot be read`);
  if ((rest > 0 && !id3v1) || samples < head.declaredSamples) {
    throw truncated(`the FLAC file is cut short: its frames hold ${seconds(samples)} s${head.declaredSamples > 0 ? ` of the ${seconds(head.declaredSamples)} s it announces` : ''}`);
  }
  if (head.declaredSamples > 0 && samples > head.declaredSamples) {
    throw damaged(`the FLAC frames hold ${seconds(samples)} s but the file announces ${seconds(head.declaredSamples)} s`);
  }
  return { ...head, frames, samples, durationSeconds: samples / head.sampleRate };
}

/**
 * Probes, then decodes in slices (the cap is checked after each, should libFLAC ever find more than
 * the walk counted). Frames libFLAC rejects, or fewer samples than the headers promise, are damage.
 */
export async function decodeFlac(bytes: Uint8Array, options: { maxSeconds?: number } = {}): Promise<DecodedAudio & { info: FlacInfo }> {
  const info = probeFlac(bytes, options.maxSeconds);
  const audio = bytes.subarray(info.audioOffset);
  const decoder = new FLACDecoder();
  try {
    await decoder.ready;
    const pcm = new PcmCollector(options.maxSeconds);
    let errors = 0;
    const take = (part: Awaited<ReturnType<FLACDecoder['flush']>>) => {
      errors += part.errors.length;
      pcm.add(part);
    };
    // libFLAC can trap on a frame whose CRC happened to hold (damage the walk cannot see).
    const failed = () => damaged('the FLAC frames could not be decoded');
    for (let at = 0; at < audio.length; at += FEED_BYTES) take(await decoding(() => decoder.decode(audio.subarray(at, at + FEED_BYTES)), failed));
    take(await decoding(() => decoder.flush(), failed));
    const decoded = pcm.result();
    if (errors > 0 || decoded.sampleRate !== info.sampleRate || decoded.left.length !== info.samples) {
      throw new AudioDecodeError('damaged', `the FLAC frames could not be decoded (${errors} frame errors, ${decoded.left.length} of ${info.samples} samples)`);
    }
    return { ...decoded, info };
  } finally {
    freeQuietly(decoder);
  }
}

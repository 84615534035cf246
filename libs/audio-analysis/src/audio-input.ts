// Untrusted audio in: the format is told from the bytes, and the MP3 frames, the WAV header, the FLAC frame
// headers or the Ogg pages are checked before anything is decoded, so empty, non-audio, truncated and
// absurdly long inputs are refused with a clear reason and bounded work.
import {
  AUDIO_FORMAT_NAMES, AudioDecodeError, AudioTooLongError, decodeFlac, decodeMp3, decodeOgg, decodeWav, DECODED_FORMATS, resampleStereo,
  sniffAudioFormat, UnsupportedAudioFormatError, type AudioFormat, type DecodedAudio,
} from '@muse/audio-engine';

export type AudioInputErrorCode =
  | 'empty-audio' | 'not-audio' | 'truncated-audio' | 'audio-too-long' | 'audio-too-short' | 'undecodable-audio' | 'unsupported-audio-format';

export class AudioInputError extends Error {
  constructor(readonly code: AudioInputErrorCode, message: string) {
    super(message);
    this.name = 'AudioInputError';
  }
}

export interface Mp3Probe {
  sampleRate: number;
  frames: number;
  durationSeconds: number;
}

const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** Layer III frame at `pos`: its byte length, sample rate and samples, or undefined if no valid header is there. */
function frameAt(b: Uint8Array, pos: number): { length: number; sampleRate: number; samples: number } | undefined {
  if (pos + 4 > b.length || b[pos] !== 0xff || (b[pos + 1]! & 0xe0) !== 0xe0) return undefined;
  const version = (b[pos + 1]! >> 3) & 3; // 3 = MPEG1, 2 = MPEG2, 0 = MPEG2.5
  const layer = (b[pos + 1]! >> 1) & 3; // 1 = Layer III
  if (version === 1 || layer !== 1) return undefined;
  const bitrateIndex = b[pos + 2]! >> 4;
  const rateIndex = (b[pos + 2]! >> 2) & 3;
  if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const padding = (b[pos + 2]! >> 1) & 1;
  const sampleRate = RATES[version]![rateIndex]!;
  const kbps = (version === 3 ? BITRATES_V1 : BITRATES_V2)[bitrateIndex]!;
  const samples = version === 3 ? 1152 : 576;
  const length = Math.floor(((samples / 8) * kbps * 1000) / sampleRate) + padding;
  return { length, sampleRate, samples };
}

/** Walks every frame header (no decoding): the true duration, and whether the file ends inside a frame. */
export function probeMp3(bytes: Uint8Array, maxSeconds: number): Mp3Probe {
  if (bytes.length === 0) throw new AudioInputError('empty-audio', 'the audio file is empty (0 bytes)');
  let pos = 0;
  // ID3v2 tag: 10-byte header with a synchsafe size.
  if (bytes.length >= 10 && bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33) {
    pos = 10 + (((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f));
  }
  // The first frame must be confirmed by the next one: random bytes often look like one header.
  let first: ReturnType<typeof frameAt>;
  const scanLimit = Math.min(bytes.length, pos + 64 * 1024);
  for (; pos < scanLimit; pos++) {
    first = frameAt(bytes, pos);
    if (first && (pos + first.length === bytes.length || frameAt(bytes, pos + first.length)?.sampleRate === first.sampleRate)) break;
    first = undefined;
  }
  if (!first) throw new AudioInputError('not-audio', 'the file is not MP3 audio (no MPEG Layer III frames found)');
  let frames = 0;
  let samples = 0;
  const maxSamples = maxSeconds * first.sampleRate;
  while (pos < bytes.length) {
    const frame = frameAt(bytes, pos);
    if (!frame) {
      const rest = bytes.length - pos;
      // A trailing ID3v1 tag or a few padding bytes are normal; anything else after the frames is not.
      if ((rest === 128 && bytes[pos] === 0x54 && bytes[pos + 1] === 0x41 && bytes[pos + 2] === 0x47) || rest < 4) break;
      throw new AudioInputError('truncated-audio', `the MP3 stream is broken at byte ${pos} of ${bytes.length} (after ${frames} frames)`);
    }
    if (frame.sampleRate !== first.sampleRate) throw new AudioInputError('not-audio', `the MP3 stream changes sample rate at byte ${pos}`);
    if (pos + frame.length > bytes.length) {
      throw new AudioInputError('truncated-audio', `the MP3 file is truncated: frame ${frames + 1} needs ${frame.length} bytes but only ${bytes.length - pos} remain`);
    }
    frames++;
    samples += frame.samples;
    if (samples > maxSamples) throw new AudioInputError('audio-too-long', `the audio is longer than the ${maxSeconds} s this service analyses`);
    pos += frame.length;
  }
  return { sampleRate: first.sampleRate, frames, durationSeconds: samples / first.sampleRate };
}

export interface Audio {
  left: Float32Array;
  right: Float32Array;
  sampleRate: number;
  durationSeconds: number;
}

export interface DecodeOptions {
  /** Longest audio accepted (checked from the frame headers before decoding). */
  maxSeconds?: number;
  minSeconds?: number;
}

/** The rate the analysers are tuned for; audio at another common rate is converted to it. */
const ANALYSIS_RATE = 44100;
/** Rates converted in few resampler phases (44.1 and 48 kHz are analysed as they are). */
const CONVERTIBLE_RATES = new Set([8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000, 176400, 192000]);

/** Decoded WAV, FLAC or Ogg audio, long enough, at 44.1 or 48 kHz. */
function forAnalysis(audio: DecodedAudio, format: AudioFormat, minSeconds: number): Audio {
  if (audio.durationSeconds < minSeconds) throw new AudioInputError('audio-too-short', `the audio is ${audio.durationSeconds.toFixed(2)} s long; at least ${minSeconds} s is needed`);
  if (!CONVERTIBLE_RATES.has(audio.sampleRate)) {
    throw new AudioInputError('undecodable-audio', `the ${AUDIO_FORMAT_NAMES[format]} file's sample rate of ${audio.sampleRate} Hz is not supported (use a common rate such as 44100 or 48000 Hz)`);
  }
  if (audio.sampleRate === 44100 || audio.sampleRate === 48000) return { left: audio.left, right: audio.right, sampleRate: audio.sampleRate, durationSeconds: audio.durationSeconds };
  const { left, right } = resampleStereo(audio, audio.sampleRate, ANALYSIS_RATE);
  return { left, right, sampleRate: ANALYSIS_RATE, durationSeconds: left.length / ANALYSIS_RATE };
}

const tooLong = (maxSeconds: number) => new AudioInputError('audio-too-long', `the audio is longer than the ${maxSeconds} s this service analyses`);

/** A WAV upload (the library takes them): the header is checked and the length capped before the samples are read. */
function decodeWavInput(bytes: Uint8Array, maxSeconds: number, minSeconds: number): Audio {
  let wav: DecodedAudio;
  try {
    wav = decodeWav(bytes, { maxSeconds });
  } catch (error) {
    if (error instanceof AudioTooLongError) throw tooLong(maxSeconds);
    if (error instanceof RangeError) throw new AudioInputError(/ends inside/.test(error.message) ? 'truncated-audio' : 'not-audio', `the WAV file cannot be read: ${error.message}`);
    throw error;
  }
  return forAnalysis(wav, 'wav', minSeconds);
}

const DECODE_ERROR_CODES = { 'not-audio': 'not-audio', truncated: 'truncated-audio', damaged: 'undecodable-audio' } as const;

/** FLAC or Ogg (Vorbis, Opus, FLAC): frame headers or pages walked and the length capped before decoding. */
async function decodeCompressedInput(bytes: Uint8Array, format: AudioFormat, maxSeconds: number, minSeconds: number): Promise<Audio> {
  let audio: DecodedAudio;
  try {
    audio = format === 'flac' ? await decodeFlac(bytes, { maxSeconds }) : await decodeOgg(bytes, { maxSeconds });
  } catch (error) {
    if (error instanceof AudioTooLongError) throw tooLong(maxSeconds);
    if (error instanceof UnsupportedAudioFormatError) throw unsupported(error.format);
    if (error instanceof AudioDecodeError) throw new AudioInputError(DECODE_ERROR_CODES[error.reason], error.message);
    throw error;
  }
  return forAnalysis(audio, format, minSeconds);
}

const unsupported = (format: AudioFormat) =>
  new AudioInputError('unsupported-audio-format', `${AUDIO_FORMAT_NAMES[format]} audio cannot be analysed; the formats analysed are ${DECODED_FORMATS}`);

/**
 * Tells the format from the bytes, probes, then decodes. MP3's decoded length must agree with its frame
 * headers; WAV is read from its header; FLAC and Ogg are decoded after their frames or pages are walked.
 * MP4/M4A, AAC and WebM (which the library stores) are refused with the formats that are analysed.
 */
export async function decodeAudio(bytes: Uint8Array, options: DecodeOptions = {}): Promise<Audio> {
  const maxSeconds = options.maxSeconds ?? 15 * 60;
  const minSeconds = options.minSeconds ?? 1;
  const format = sniffAudioFormat(bytes);
  if (format === 'wav') return decodeWavInput(bytes, maxSeconds, minSeconds);
  if (format === 'flac' || format.startsWith('ogg-')) return decodeCompressedInput(bytes, format, maxSeconds, minSeconds);
  if (format !== 'mp3') throw unsupported(format);
  const probe = probeMp3(bytes, maxSeconds);
  if (probe.durationSeconds < minSeconds) throw new AudioInputError('audio-too-short', `the audio is ${probe.durationSeconds.toFixed(2)} s long; at least ${minSeconds} s is needed`);
  const decoded = await decodeMp3(bytes);
  if (decoded.sampleRate !== probe.sampleRate || decoded.left.length === 0) {
    throw new AudioInputError('undecodable-audio', 'the MP3 frames could not be decoded');
  }
  // The decoder may drop a damaged frame or two; far fewer samples than the headers promise is damage.
  if (decoded.durationSeconds < probe.durationSeconds * 0.9) {
    throw new AudioInputError('undecodable-audio', `only ${decoded.durationSeconds.toFixed(1)} s of the ${probe.durationSeconds.toFixed(1)} s in the file could be decoded`);
  }
  return { left: decoded.left, right: decoded.right, sampleRate: decoded.sampleRate, durationSeconds: decoded.durationSeconds };
}

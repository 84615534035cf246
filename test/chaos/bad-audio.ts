// The bad audio of the audio fuzz: a fixed corpus of the classic malformed files (empty, random, truncated,
// lying headers, bombs, other formats) built from two valid files, plus fast-check mutants of those files
// (bit flips, truncations, splices, header fields overwritten).
import fc from 'fast-check';
import { encodeMp3, encodeWav, renderSong } from '@muse/audio-engine';
import { fixture } from '../../libs/audio-engine/fixtures/index.js';

export interface AudioCase {
  what: string;
  bytes: Buffer;
  /** The type declared when the upload starts (and sent with the PUT). */
  contentType: string;
  /** The type the PUT sends when it differs from the declared one (the upload's second lie). */
  putType?: string;
  /** Declared size when it differs from the real one (a lie, or the oversize refusal). */
  declaredSize?: number;
  /** Whether the bytes are a valid, decodable file that every kind must process. */
  valid?: boolean;
}

/** A short real song (the local engine), so fingerprints, tempo and key have something to find. */
export function validFiles(): { mp3: Buffer; wav: Buffer } {
  const song = renderSong({ prompt: 'upbeat funk groove with drums and bass', durationSeconds: 8, seed: 4242 }, 0);
  return { mp3: encodeMp3(song.mix, 44100, 128), wav: encodeWav(song.mix, 44100, 16) };
}

/** A canonical 44-byte PCM WAV header followed by `data`, every field given (to lie with). */
export function wavWith(fields: { channels: number; sampleRate: number; bitDepth: number; dataSize: number; format?: number; fmtSize?: number }, data: Buffer): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE((36 + data.length) >>> 0, 4);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(fields.fmtSize ?? 16, 16);
  h.writeUInt16LE(fields.format ?? 1, 20);
  h.writeUInt16LE(fields.channels & 0xffff, 22);
  h.writeUInt32LE(fields.sampleRate >>> 0, 24);
  const blockAlign = (fields.channels * fields.bitDepth) / 8;
  h.writeUInt32LE((fields.sampleRate * blockAlign) >>> 0, 28);
  h.writeUInt16LE(blockAlign & 0xffff, 32);
  h.writeUInt16LE(fields.bitDepth & 0xffff, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(fields.dataSize >>> 0, 40);
  return Buffer.concat([h, data]);
}

/**
 * A decompression bomb in MP3 form: MPEG-2.5 layer III frames at 8 kbps / 8 kHz with empty main data.
 * Each 72-byte frame is 72 ms of (silent) audio, so `seconds` of audio cost ~1 kB a second: a 2 MB upload
 * is half an hour, and 768 MB of samples once resampled to 48 kHz stereo.
 */
export function mp3Bomb(seconds: number): Buffer {
  const frame = Buffer.alloc(72);
  frame.set([0xff, 0xe3, 0x18, 0xc0]);
  return Buffer.concat(Array.from({ length: Math.ceil(seconds / 0.072) }, () => frame));
}

/** An ID3v2 header whose synchsafe size claims `size` bytes of tag, then `rest`. */
export function id3With(size: number, rest: Buffer): Buffer {
  const h = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, (size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f]);
  return Buffer.concat([h, rest]);
}

const half = (b: Buffer) => b.subarray(0, b.length >> 1);
const withJunk = (b: Buffer, junk: Buffer) => Buffer.concat([half(b), junk.subarray(0, 3000), b.subarray(b.length >> 1)]);

/** The fixed corpus: every case the brief names, deterministic. */
export function corpus(mp3: Buffer, wav: Buffer, maxUploadBytes: number): AudioCase[] {
  const random = Buffer.from(fc.sample(fc.uint8Array({ minLength: 4096, maxLength: 4096 }), { numRuns: 1, seed: 7 })[0]!);
  const pcm = wav.subarray(44);
  // A JPEG's start of image and JFIF header, then noise: a real photo's first bytes.
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]), random]);
  return [
    { what: 'valid MP3', bytes: mp3, contentType: 'audio/mpeg', valid: true },
    { what: 'valid WAV', bytes: wav, contentType: 'audio/wav', valid: true },
    { what: 'empty file', bytes: Buffer.alloc(0), contentType: 'audio/mpeg' },
    { what: 'empty file declared 1 byte', bytes: Buffer.alloc(0), contentType: 'audio/mpeg', declaredSize: 1 },
    { what: 'random bytes', bytes: random, contentType: 'audio/mpeg' },
    { what: 'random bytes behind a frame sync', bytes: Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), random]), contentType: 'audio/mpeg' },
    { what: 'MP3 header only', bytes: mp3.subarray(0, 4), contentType: 'audio/mpeg' },
    { what: 'MP3 cut mid-frame', bytes: mp3.subarray(0, 1000), contentType: 'audio/mpeg' },
    { what: 'MP3 cut in half', bytes: mp3.subarray(0, mp3.length >> 1), contentType: 'audio/mpeg' },
    { what: 'MP3 with a 256 MB ID3 size', bytes: id3With(0x0fffffff, mp3), contentType: 'audio/mpeg' },
    { what: 'ID3 tag and nothing else', bytes: id3With(100, Buffer.alloc(100)), contentType: 'audio/mpeg' },
    { what: 'MP3 bomb (30 min of 8 kbps frames)', bytes: mp3Bomb(30 * 60), contentType: 'audio/mpeg' },
    { what: 'WAV header only', bytes: wav.subarray(0, 44), contentType: 'audio/wav' },
    { what: 'WAV cut inside fmt', bytes: wav.subarray(0, 30), contentType: 'audio/wav' },
    { what: 'WAV cut mid-sample', bytes: wav.subarray(0, 44 + 4001), contentType: 'audio/wav' },
    { what: 'WAV cut in half', bytes: wav.subarray(0, wav.length >> 1), contentType: 'audio/wav' },
    { what: 'WAV claiming a 4 GB data chunk', bytes: wavWith({ channels: 2, sampleRate: 44100, bitDepth: 16, dataSize: 0xfffffff0 }, pcm), contentType: 'audio/wav' },
    { what: 'WAV at 1 Hz', bytes: wavWith({ channels: 2, sampleRate: 1, bitDepth: 16, dataSize: pcm.length }, pcm), contentType: 'audio/wav' },
    { what: 'WAV at 16 Hz (a 48 kHz resample bomb)', bytes: wavWith({ channels: 2, sampleRate: 16, bitDepth: 16, dataSize: pcm.length }, pcm), contentType: 'audio/wav' },
    { what: 'WAV at 4 GHz', bytes: wavWith({ channels: 2, sampleRate: 0xffffffff, bitDepth: 16, dataSize: pcm.length }, pcm), contentType: 'audio/wav' },
    { what: 'WAV with zero channels', bytes: wavWith({ channels: 0, sampleRate: 44100, bitDepth: 16, dataSize: pcm.length }, pcm), contentType: 'audio/wav' },
    { what: 'WAV with 65535 channels', bytes: wavWith({ channels: 65535, sampleRate: 44100, bitDepth: 16, dataSize: pcm.length }, pcm), contentType: 'audio/wav' },
    { what: 'WAV with 0-bit samples', bytes: wavWith({ channels: 2, sampleRate: 44100, bitDepth: 0, dataSize: pcm.length }, pcm), contentType: 'audio/wav' },
    { what: 'WAV with a 4 GB fmt chunk', bytes: wavWith({ channels: 2, sampleRate: 44100, bitDepth: 16, dataSize: pcm.length, fmtSize: 0xfffffff0 }, pcm), contentType: 'audio/wav' },
    { what: 'WAV with a 2-byte fmt chunk', bytes: wavWith({ channels: 2, sampleRate: 44100, bitDepth: 16, dataSize: pcm.length, fmtSize: 2 }, pcm), contentType: 'audio/wav' },
    { what: 'WAV, A-law', bytes: wavWith({ channels: 2, sampleRate: 44100, bitDepth: 8, dataSize: pcm.length, format: 6 }, pcm), contentType: 'audio/wav' },
    { what: 'WAV, 1.5 h of silence at 8 kHz claimed by a tiny file', bytes: wavWith({ channels: 1, sampleRate: 8000, bitDepth: 16, dataSize: 8000 * 2 * 5400 }, Buffer.alloc(1024)), contentType: 'audio/wav' },
    // FLAC and Ogg (Vorbis, Opus) are decoded: their magic before noise, real files cut or with junk inside, and a
    // FLAC bomb (libs/audio-engine/fixtures) must fail cleanly. MP4/M4A and WebM pass the library's sniffing but
    // are not decoded: they fail as an unsupported format.
    { what: 'FLAC magic, then noise', bytes: Buffer.concat([Buffer.from('fLaC', 'latin1'), random]), contentType: 'audio/flac' },
    { what: 'Ogg magic, then noise', bytes: Buffer.concat([Buffer.from('OggS', 'latin1'), random]), contentType: 'audio/ogg' },
    { what: 'FLAC cut in half', bytes: half(fixture('sine-440-660-stereo-16k.flac')), contentType: 'audio/flac' },
    { what: 'Ogg Opus cut in half', bytes: half(fixture('sine-440-mono.opus')), contentType: 'audio/ogg' },
    { what: 'Ogg Vorbis with junk inside', bytes: withJunk(fixture('sine-440-660-stereo-44k.ogg'), random), contentType: 'audio/ogg' },
    { what: 'FLAC bomb (1 h of silence in 6 kB)', bytes: fixture('silence-1h-8k.flac'), contentType: 'audio/flac' },
    { what: 'MP4 ftyp, then noise', bytes: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypM4A ', 'latin1'), random]), contentType: 'audio/mp4' },
    { what: 'WebM header, then noise', bytes: Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), random]), contentType: 'audio/webm' },
    { what: 'JPEG', bytes: jpeg, contentType: 'image/jpeg' },
    { what: 'JPEG declared audio/mpeg', bytes: jpeg, contentType: 'audio/mpeg' },
    { what: 'JPEG declared audio/mpeg, PUT as image/jpeg', bytes: jpeg, contentType: 'audio/mpeg', putType: 'image/jpeg' },
    { what: 'MP3 declared audio/mpeg, PUT as text/plain', bytes: mp3, contentType: 'audio/mpeg', putType: 'text/plain' },
    { what: 'text declared audio/wav', bytes: Buffer.from('this is not audio at all\n'.repeat(200)), contentType: 'audio/wav' },
    { what: 'zip-bomb-like zeros declared audio/mpeg', bytes: Buffer.alloc(1024 * 1024), contentType: 'audio/mpeg' },
    { what: 'WAV declared audio/mpeg', bytes: wav, contentType: 'audio/mpeg', valid: true },
    { what: 'MP3 declared audio/wav', bytes: mp3, contentType: 'audio/wav', valid: true },
    { what: 'MP3 declared smaller than it is', bytes: mp3, contentType: 'audio/mpeg', declaredSize: 1000 },
    { what: 'oversize (beyond the upload limit)', bytes: Buffer.alloc(16), contentType: 'audio/mpeg', declaredSize: maxUploadBytes + 1 },
  ];
}

/** Mutants of the valid files: bit flips, truncations, splices of the two, header fields overwritten. */
export function mutants(mp3: Buffer, wav: Buffer, runs: number, seed: number): AudioCase[] {
  const base = fc.constantFrom({ name: 'MP3', bytes: mp3, type: 'audio/mpeg' }, { name: 'WAV', bytes: wav, type: 'audio/wav' });
  const flips = fc.tuple(base, fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 64 }), fc.boolean()).map(([b, at, inHeader]) => {
    const out = Buffer.from(b.bytes);
    // Half the time the flips land in the first 64 bytes, where the headers are.
    for (const [f, bit] of at) out[Math.floor(f * (inHeader ? Math.min(64, out.length) : out.length))]! ^= 1 << bit;
    return { what: `${b.name}, ${at.length} bit flips${inHeader ? ' in the header' : ''}`, bytes: out, contentType: b.type };
  });
  const cut = fc.tuple(base, fc.double({ min: 0, max: 1, noNaN: true })).map(([b, f]) => {
    const n = Math.floor(f * b.bytes.length);
    return { what: `${b.name} cut at ${n} of ${b.bytes.length}`, bytes: b.bytes.subarray(0, n), contentType: b.type };
  });
  const splice = fc.tuple(base, base, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })).map(([a, b, fa, fb]) => {
    const i = Math.floor(fa * a.bytes.length), j = Math.floor(fb * b.bytes.length);
    return { what: `${a.name}[0,${i}) + ${b.name}[${j},…)`, bytes: Buffer.concat([a.bytes.subarray(0, i), b.bytes.subarray(j)]), contentType: a.type };
  });
  const wavField = fc.tuple(fc.constantFrom(4, 16, 20, 22, 24, 28, 32, 34, 40), fc.constantFrom(0, 1, 2, 0xff, 0xffff, 0x7fffffff, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff })).map(([offset, special, any]) => {
    const out = Buffer.from(wav);
    const v = offset === 20 || offset === 22 || offset === 32 || offset === 34 ? (special || any) & 0xffff : (special || any) >>> 0;
    if (offset === 20 || offset === 22 || offset === 32 || offset === 34) out.writeUInt16LE(v, offset);
    else out.writeUInt32LE(v, offset);
    return { what: `WAV with header field @${offset} = ${v}`, bytes: out, contentType: 'audio/wav' };
  });
  const mp3Header = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 20 })).map(([byte, value, frame]) => {
    // A header byte of one of the first frames (MPEG-1 128 kbps at 44.1 kHz: 417 or 418 bytes each).
    const out = Buffer.from(mp3);
    let pos = 0;
    for (let k = 0; k < frame && pos + 4 < out.length; k++) pos += 417 + ((out[pos + 2]! >> 1) & 1);
    out[pos + byte] = value;
    return { what: `MP3 with header byte ${byte} of frame ${frame} = ${value}`, bytes: out, contentType: 'audio/mpeg' };
  });
  return fc.sample(fc.oneof(flips, cut, splice, wavField, mp3Header), { numRuns: runs, seed });
}

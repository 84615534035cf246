// MP3 encoding with LAME 3.100 compiled to WebAssembly (the `mp3.wasm` binary shipped inside the
// `wasm-media-encoders` package; nothing is fetched at run time). It replaced lamejs, the pure JS port,
// which took ~5× the CPU time for the same constant bitrate (bench/studio-results.md, encoder A/B).
//
// The package's own JS glue only offers an asynchronous `createEncoder()`; `encodeMp3` is synchronous
// (song generation, workers and scripts call it inline), so this file compiles and instantiates the same
// binary synchronously, once per thread, and drives its small C ABI (`enc_init`, `enc_get_pcm`,
// `enc_encode`, `enc_flush`, `enc_free`) directly, exactly as that glue does. The version string
// baked into the binary is checked, so a package upgrade that changed the ABI fails loudly at load.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { StereoBuffer } from './types.js';

/** The binary this file's ABI use was written against (`version()` of wasm-media-encoders' mp3.wasm). */
const WASM_VERSION = 'wasm-media-encoders-0.7.0';
/** Samples per channel handed to LAME per call: 32 MP3 frames, ~0.84 s at 44.1 kHz. */
const CHUNK = 1152 * 32;
/** Constant bitrates LAME accepts for MPEG-1/2/2.5 layer III. */
const BITRATES = new Set([8, 16, 24, 32, 40, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]);
/** Output rates LAME can write; the input rate is kept when it is one of them (never resampled). */
const MPEG_RATES = new Set([8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000]);

// The project compiles without the DOM lib, which is where TypeScript declares WebAssembly: the few
// members used here, typed by hand.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, (...args: number[]) => unknown>>) => { exports: unknown };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface LameWasm {
  memory: { buffer: ArrayBuffer };
  version(): number;
  mime_type(): number;
  malloc(size: number): number;
  free(ptr: number): void;
  enc_init(params: number): number;
  enc_get_pcm(cfg: number, samples: number): number;
  enc_get_out_buf(cfg: number): number;
  enc_encode(cfg: number, samples: number): number;
  enc_flush(cfg: number): number;
  enc_free(cfg: number): void;
  _initialize(): void;
}

let lame: LameWasm | undefined;

function cString(wasm: LameWasm, ptr: number): string {
  const bytes = new Uint8Array(wasm.memory.buffer, ptr);
  const end = bytes.indexOf(0);
  return Buffer.from(bytes.subarray(0, end < 0 ? 0 : end)).toString('latin1');
}

function loadLame(): LameWasm {
  if (lame) return lame;
  const path = createRequire(import.meta.url).resolve('wasm-media-encoders/wasm/mp3');
  const instance = new Instance(new Module(readFileSync(path)), {
    wasi_snapshot_preview1: {
      proc_exit: (code: number) => {
        throw new Error(`LAME wasm exited (${code})`);
      },
    },
    env: { emscripten_notify_memory_growth: () => {} },
  });
  const wasm = instance.exports as unknown as LameWasm;
  wasm._initialize();
  const version = cString(wasm, wasm.version());
  const mime = cString(wasm, wasm.mime_type());
  if (version !== WASM_VERSION || mime !== 'audio/mpeg') {
    throw new Error(`unexpected MP3 encoder binary ${version} (${mime}); mp3-encode.ts drives ${WASM_VERSION}`);
  }
  lame = wasm;
  return wasm;
}

/** The encoder's library and version, for logs and benchmark reports. */
export const MP3_ENCODER = `LAME 3.100 (WebAssembly, ${WASM_VERSION})`;

function copyClipped(src: Float32Array, from: number, dst: Float32Array): void {
  for (let i = 0; i < dst.length; i++) {
    const v = src[from + i]!;
    // NaN becomes silence; everything else is clipped to the encoder's full scale.
    dst[i] = v > 1 ? 1 : v < -1 ? -1 : v === v ? v : 0;
  }
}

/**
 * Constant-bitrate MP3 (joint stereo, LAME's default psychoacoustic quality, no ID3 or Xing tag) of a
 * stereo buffer. Same input → same bytes, in any thread. Samples outside ±1 are clipped.
 */
export function encodeMp3(audio: StereoBuffer, sampleRate: number, kbps = 192): Buffer {
  if (audio.left.length !== audio.right.length) throw new RangeError('left and right channels differ in length');
  const encoder = new Mp3StreamEncoder(sampleRate, kbps);
  try {
    encoder.write(audio.left, audio.right);
    return encoder.finish();
  } finally {
    encoder.dispose();
  }
}

/**
 * The same encoder fed piece by piece, for audio that is produced in blocks (the stem separator): the
 * bytes are those `encodeMp3` writes for the concatenated input, because LAME buffers its input into
 * frames itself, whatever the block sizes. Encoded frames are copied out after every call, so only
 * LAME's own state (a few hundred KiB of wasm memory) is held per stream. Call `finish()` once for the
 * file; `dispose()` frees the encoder's wasm memory when a stream is abandoned (a no-op after `finish`).
 */
export class Mp3StreamEncoder {
  private readonly wasm: LameWasm;
  private cfg: number;
  private readonly chunks: Buffer[] = [];
  /** Samples per channel written so far. */
  samples = 0;

  constructor(sampleRate: number, kbps = 192) {
    if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`invalid sample rate ${sampleRate}`);
    if (!BITRATES.has(kbps)) throw new RangeError(`invalid MP3 bitrate ${kbps} kbps`);
    const wasm = loadLame();
    // PARAMS (packed): in_channel_count, in_sample_rate, bitrate, vbr_quality (float, < 0 = CBR), out_sample_rate.
    const params = wasm.malloc(20);
    if (!params) throw new Error('MP3 encoder: out of memory');
    let cfg = 0;
    try {
      const p = new DataView(wasm.memory.buffer, params, 20);
      p.setUint32(0, 2, true);
      p.setUint32(4, sampleRate, true);
      p.setUint32(8, kbps, true);
      p.setFloat32(12, -1, true);
      p.setUint32(16, MPEG_RATES.has(sampleRate) ? sampleRate : 0, true);
      cfg = wasm.enc_init(params);
    } finally {
      wasm.free(params);
    }
    if (!cfg) throw new RangeError(`MP3 encoder refused ${sampleRate} Hz at ${kbps} kbps`);
    this.wasm = wasm;
    this.cfg = cfg;
  }

  /** Encodes `length` samples of each channel (from index 0). */
  write(left: Float32Array, right: Float32Array, length = left.length): void {
    const { wasm } = this;
    const cfg = this.live();
    if (length > left.length || length > right.length) throw new RangeError(`cannot write ${length} samples from ${left.length} / ${right.length}`);
    for (let start = 0; start < length; start += CHUNK) {
      const len = Math.min(CHUNK, length - start);
      const pointers = wasm.enc_get_pcm(cfg, len);
      if (!pointers) throw new Error('MP3 encoder: out of memory');
      // Views are made after every call that can grow (and so detach) the wasm memory.
      const [leftPtr, rightPtr] = new Uint32Array(wasm.memory.buffer, pointers, 2);
      copyClipped(left, start, new Float32Array(wasm.memory.buffer, leftPtr!, len));
      copyClipped(right, start, new Float32Array(wasm.memory.buffer, rightPtr!, len));
      this.take(wasm.enc_encode(cfg, len));
    }
    this.samples += length;
  }

  /** Flushes the last frames and returns the whole file; the encoder is freed. */
  finish(): Buffer {
    const cfg = this.live();
    try {
      this.take(this.wasm.enc_flush(cfg));
    } finally {
      this.dispose();
    }
    return Buffer.concat(this.chunks);
  }

  dispose(): void {
    if (!this.cfg) return;
    this.wasm.enc_free(this.cfg);
    this.cfg = 0;
  }

  private live(): number {
    if (!this.cfg) throw new Error('MP3 stream already finished');
    return this.cfg;
  }

  // The returned bytes live in wasm memory and are overwritten by the next call: copy them out.
  private take(written: number): void {
    if (written < 0) throw new Error(`MP3 encoder failed (${written})`);
    if (written > 0) this.chunks.push(Buffer.from(new Uint8Array(this.wasm.memory.buffer, this.wasm.enc_get_out_buf(this.cfg), written)));
  }
}

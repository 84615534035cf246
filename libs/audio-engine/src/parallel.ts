// Parallel generation: each variant is rendered and MP3-encoded in its own worker thread. Rendering and
// encoding are single-threaded, so two variants on two cores take about as long as one. A single song
// (the transformation's re-render) is rendered as two disjoint sets of stems in two workers and mastered
// here (renderSongParallel), and one MP3 is encoded as two halves in two workers and joined
// (SplitMp3Encoder: renderSongToMp3Parallel, encodeMp3Parallel).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { generateSongFiles, VARIANT_COUNT } from './generate.js';
import { encodeMp3 } from './mp3-encode.js';
import { joinMp3Streams } from './mp3-join.js';
import type { GeneratedVariant } from './generate.js';
import { deriveSongContext, deriveSongParams } from './params.js';
import { finishSong, renderSong, type RenderedStems } from './render.js';
import { SAMPLE_RATE, type LayerName, type RenderedSong, type SongRequest, type StereoBuffer } from './types.js';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * What a worker is asked (variant-worker.ts): a whole variant, some stems of one (`stems` set), or an MP3
 * stream (`encode` set: the audio arrives in blocks on `port`, an empty message ends it, `abort` drops it).
 */
export interface WorkerJob {
  id: number;
  req?: SongRequest;
  variantIndex?: number;
  stems?: LayerName[];
  encode?: { sampleRate: number; kbps: number; port: MessagePort };
}

/** An MP3 being encoded in a worker thread while the caller produces its audio (VariantWorkerPool.encodeStream). */
export interface WorkerMp3Stream {
  /** Queues the next block of both channels (the arrays are moved to the worker: do not reuse them). */
  write(left: Float32Array, right: Float32Array): void;
  /** Ends the input; resolves to the whole file, the bytes encodeMp3 gives for the concatenated blocks. */
  finish(): Promise<Buffer>;
  /** Drops the stream (the encoder is freed; finish() rejects). */
  abort(): void;
}

interface WorkerReply {
  id: number;
  ok: boolean;
  result?: (GeneratedVariant & { mp3: Uint8Array; cover: Uint8Array }) | RenderedStems;
  error?: { name: string; message: string };
}

const WORKER_URL = new URL('./variant-worker.js', import.meta.url);

/** False when running from TypeScript sources (e.g. under Jest), where no compiled worker file exists. */
export function parallelAvailable(): boolean {
  return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL));
}

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function rebuildError(e: { name: string; message: string }): Error {
  const err = e.name === 'RangeError' ? new RangeError(e.message) : new Error(e.message);
  if (err.name !== e.name) err.name = e.name;
  return err;
}

/** A small pool of long-lived workers; idle workers are unref'd so they never keep the process alive. */
export class VariantWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: WorkerJob[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly busy = new Map<Worker, number>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly size = Math.max(1, Math.min(VARIANT_COUNT, availableParallelism())),
    private readonly workerUrl: URL = WORKER_URL,
  ) {}

  async run(req: SongRequest, variantIndex: number): Promise<GeneratedVariant> {
    const v = (await this.submit({ req, variantIndex })) as GeneratedVariant & { mp3: Uint8Array; cover: Uint8Array };
    return { ...v, mp3: toBuffer(v.mp3), cover: toBuffer(v.cover) };
  }

  /** The stems in `stems` of a variant, with their per-stem effects (renderStems); their buffers are moved here, not copied. */
  renderStems(req: SongRequest, variantIndex: number, stems: LayerName[]): Promise<RenderedStems> {
    return this.submit({ req, variantIndex, stems }) as Promise<RenderedStems>;
  }

  /**
   * An MP3 encoder in a worker, fed block by block: the blocks are encoded while the caller works on the next
   * ones (LAME buffers frames itself, so the bytes do not depend on the block sizes: Mp3StreamEncoder).
   */
  encodeStream(sampleRate: number, kbps = 192): WorkerMp3Stream {
    const { port1, port2 } = new MessageChannel();
    const done = this.submit({ encode: { sampleRate, kbps, port: port2 } }).then((mp3) => toBuffer(mp3 as Uint8Array));
    let open = true;
    const close = (message: object): void => {
      if (!open) return;
      open = false;
      port1.postMessage(message);
      port1.close();
    };
    return {
      write: (left, right) => {
        if (!open) throw new Error('MP3 stream already finished');
        port1.postMessage({ left, right }, [left.buffer as ArrayBuffer, right.buffer as ArrayBuffer]);
      },
      finish: () => {
        close({});
        return done;
      },
      abort: () => {
        close({ abort: true });
        done.catch(() => {}); // nobody waits for an abandoned file
      },
    };
  }

  private submit(job: Omit<WorkerJob, 'id'>): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('VariantWorkerPool is closed'));
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, ...job });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.workers];
    this.workers.length = 0;
    this.idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
    for (const [, p] of this.pending) p.reject(new Error('VariantWorkerPool closed'));
    this.pending.clear();
  }

  private spawn(): Worker {
    const w = new Worker(this.workerUrl);
    w.on('message', (msg: WorkerReply) => this.onReply(w, msg));
    w.on('error', (err) => this.onFailure(w, err));
    w.on('exit', (code) => {
      if (code !== 0) this.onFailure(w, new Error(`variant worker exited with code ${code}`));
    });
    this.workers.push(w);
    return w;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let w = this.idle.pop();
      if (!w && this.workers.length < this.size) w = this.spawn();
      if (!w) return;
      const job = this.queue.shift()!;
      this.busy.set(w, job.id);
      w.ref();
      w.postMessage(job, job.encode ? [job.encode.port] : []);
    }
  }

  private release(w: Worker): void {
    this.busy.delete(w);
    w.unref();
    if (!this.closed && this.workers.includes(w)) this.idle.push(w);
    this.pump();
  }

  private onReply(w: Worker, msg: WorkerReply): void {
    const p = this.pending.get(msg.id);
    this.pending.delete(msg.id);
    this.release(w);
    if (!p) return;
    if (msg.ok && msg.result) p.resolve(msg.result);
    else p.reject(rebuildError(msg.error ?? { name: 'Error', message: 'variant worker failed' }));
  }

  private onFailure(w: Worker, err: Error): void {
    const id = this.busy.get(w);
    this.busy.delete(w);
    const i = this.workers.indexOf(w);
    if (i >= 0) this.workers.splice(i, 1);
    const j = this.idle.indexOf(w);
    if (j >= 0) this.idle.splice(j, 1);
    if (id !== undefined) {
      const p = this.pending.get(id);
      this.pending.delete(id);
      p?.reject(err);
    }
    if (!this.closed) this.pump();
  }
}

let shared: VariantWorkerPool | null = null;

/**
 * Same result as generateSongFiles (byte-identical), with the variants rendered concurrently in worker
 * threads. Falls back to in-thread generation when the compiled worker is unavailable.
 */
export async function generateSongFilesParallel(req: SongRequest): Promise<{ variants: GeneratedVariant[] }> {
  deriveSongParams(req, 0); // validate up front so bad requests fail fast without touching workers
  if (!parallelAvailable()) return generateSongFiles(req);
  shared ??= new VariantWorkerPool();
  const pool = shared;
  const variants = await Promise.all(Array.from({ length: VARIANT_COUNT }, (_, v) => pool.run(req, v)));
  return { variants };
}

/**
 * Which stems each of the two workers renders: about half of a song's synthesis and per-stem effects each
 * (a 3-minute instrumental: drums + chords 2.2 s, bass + melody 2.0 s of CPU on the bench machine).
 */
const STEM_SPLIT: LayerName[][] = [['drums', 'chords'], ['bass', 'melody', 'vocals']];

/**
 * The same song as renderSong (bit-identical stems and mix, render.spec.ts), in about half the wall time on
 * two cores: the stems are rendered by two worker threads and mastered in this thread (the master needs all
 * of them). The event loop stays free while the workers render. Falls back to renderSong in this thread
 * when the compiled worker is unavailable. `workers`: another pool than the shared one (tests).
 */
export async function renderSongParallel(req: SongRequest, variantIndex: number, workers?: VariantWorkerPool): Promise<RenderedSong> {
  const ctx = deriveSongContext(req, variantIndex); // validates, so a bad request fails before any work
  if (!workers && !parallelAvailable()) return renderSong(req, variantIndex);
  const pool = workers ?? (shared ??= new VariantWorkerPool());
  const parts = await Promise.all(STEM_SPLIT.map((stems) => pool.renderStems(req, variantIndex, stems)));
  const layers = Object.assign({}, ...parts.map((part) => part.layers)) as Record<LayerName, StereoBuffer>;
  // Every worker derives the same lyric timing (the arrangement is computed whatever it renders).
  return finishSong(ctx, layers, parts[0]!.timedLyrics);
}

/**
 * renderSongParallel and the song's MP3, encoded by worker threads while this thread masters: the master's
 * last pass hands over the mix block by block as it becomes final, so the encoder (about as much CPU as the
 * whole render) starts before the mix is done instead of after. A song of SPLIT_MIN_SECONDS or more is
 * encoded as two halves in two workers (SplitMp3Encoder); a shorter one gets exactly encodeMp3's bytes.
 */
export async function renderSongToMp3Parallel(req: SongRequest, variantIndex: number, kbps = 192, workers?: VariantWorkerPool): Promise<{ song: RenderedSong; mp3: Buffer }> {
  const ctx = deriveSongContext(req, variantIndex);
  if (!workers && !parallelAvailable()) {
    const song = renderSong(req, variantIndex);
    return { song, mp3: encodeMp3(song.mix, song.sampleRate, kbps) };
  }
  const pool = workers ?? (shared ??= new VariantWorkerPool());
  const parts = await Promise.all(STEM_SPLIT.map((stems) => pool.renderStems(req, variantIndex, stems)));
  const layers = Object.assign({}, ...parts.map((part) => part.layers)) as Record<LayerName, StereoBuffer>;
  const n = layers.drums.left.length;
  const encoder = new SplitMp3Encoder(pool, n, SAMPLE_RATE, kbps);
  let sent = 0;
  let song: RenderedSong;
  try {
    song = finishSong(ctx, layers, parts[0]!.timedLyrics, undefined, (mix, end) => {
      encoder.write(mix, sent, end);
      sent = end;
    });
  } catch (error) {
    encoder.abort();
    throw error;
  }
  // No seam in reach (not seen on the engine's songs): the whole song in one stream, as before, here.
  return { song, mp3: (await encoder.finish()) ?? encodeMp3(song.mix, SAMPLE_RATE, kbps) };
}

/**
 * encodeMp3's file of `audio` made by two worker threads, each encoding one half (SplitMp3Encoder): half the
 * wall time of the encoder on two cores; the effects and section-replacement jobs encode their result with
 * it. Falls back to encodeMp3 in this thread when the compiled worker is unavailable.
 */
export async function encodeMp3Parallel(audio: StereoBuffer, sampleRate: number, kbps = 192, workers?: VariantWorkerPool): Promise<Buffer> {
  if (audio.left.length !== audio.right.length) throw new RangeError('left and right channels differ in length');
  if (!workers && !parallelAvailable()) return encodeMp3(audio, sampleRate, kbps);
  const encoder = new SplitMp3Encoder(workers ?? (shared ??= new VariantWorkerPool()), audio.left.length, sampleRate, kbps);
  encoder.write(audio, 0, audio.left.length);
  return (await encoder.finish()) ?? encodeMp3(audio, sampleRate, kbps);
}

/** Samples per MPEG-1 layer III frame. */
const FRAME = 1152;
/** Below this, one encoder: the overlap and the workers' start are not worth it. */
const SPLIT_MIN_SECONDS = 20;
/** Frames the second half's encoder runs before the seam (~0.4 s): its reservoir and psychoacoustic state settle. */
const PRE_ROLL = 16;
/** Frames after the middle where a seam is looked for (a seam is usually found in the first few). */
const SEAM_SEARCH = 32;
/** Frames the first encoder runs past the last candidate seam, so the frames kept are not its flushed tail. */
const FLUSH_MARGIN = 4;
/** The rates LAME writes as MPEG-1 (1152-sample frames), the only streams joinMp3Streams joins. */
const MPEG1_RATES = new Set([32000, 44100, 48000]);

/**
 * One MP3 of `length` samples per channel, written in order in blocks, encoded by worker threads: two for
 * SPLIT_MIN_SECONDS or more of MPEG-1 audio, the halves overlapping around the middle frame — the second
 * from PRE_ROLL frames before it (its encoder's state settles on the audio before the seam), the first to
 * SEAM_SEARCH frames after it (room for the seam) — and joined (joinMp3Streams): the frames up to the seam
 * are encodeMp3's bytes, the rest the second encoder's, same settings, same length, same quality
 * (mp3-join.spec, parallel.spec: SNR against the source as encodeMp3's within 0.05 dB, also around the
 * seam). Shorter audio: one worker, exactly encodeMp3's bytes.
 */
class SplitMp3Encoder {
  private readonly middle: number;
  private readonly split: boolean;
  private readonly streams: { from: number; to: number; stream: WorkerMp3Stream }[];

  constructor(pool: VariantWorkerPool, length: number, sampleRate: number, kbps: number) {
    this.middle = Math.floor(length / 2 / FRAME);
    this.split = MPEG1_RATES.has(sampleRate) && length >= SPLIT_MIN_SECONDS * sampleRate;
    this.streams = this.split
      ? [
        { from: 0, to: (this.middle + SEAM_SEARCH + FLUSH_MARGIN) * FRAME, stream: pool.encodeStream(sampleRate, kbps) },
        { from: (this.middle - PRE_ROLL) * FRAME, to: length, stream: pool.encodeStream(sampleRate, kbps) },
      ]
      : [{ from: 0, to: length, stream: pool.encodeStream(sampleRate, kbps) }];
  }

  /** Samples [from, to) of `audio` (copied: the workers get their own, moved to them; `audio` stays the caller's). */
  write(audio: StereoBuffer, from: number, to: number): void {
    for (const s of this.streams) {
      const lo = Math.max(from, s.from), hi = Math.min(to, s.to);
      if (lo < hi) s.stream.write(audio.left.slice(lo, hi), audio.right.slice(lo, hi));
    }
  }

  /** The file; undefined in the (not seen) case of no seam in reach, where the caller encodes in one stream. */
  async finish(): Promise<Buffer | undefined> {
    const files = await Promise.all(this.streams.map(({ stream }) => stream.finish()));
    if (!this.split) return files[0]!;
    return joinMp3Streams(files[0]!, files[1]!, this.middle - PRE_ROLL, this.middle, this.middle + SEAM_SEARCH)?.bytes;
  }

  abort(): void {
    for (const { stream } of this.streams) stream.abort();
  }
}

/**
 * Spawns the shared workers and runs a short song through each, so the first real request does not pay for
 * thread start-up, JIT warm-up and the MP3 encoder's WebAssembly compilation (once per thread).
 */
export async function warmUpEngineWorkers(): Promise<void> {
  if (!parallelAvailable()) return;
  shared ??= new VariantWorkerPool();
  const pool = shared;
  const req: SongRequest = { prompt: 'warm-up', durationSeconds: 5, seed: 1, instrumental: false };
  await Promise.all(Array.from({ length: VARIANT_COUNT }, (_, v) => pool.run(req, v)));
}

/** Terminates the shared worker pool (optional: idle workers never keep the process alive). */
export async function closeEngineWorkers(): Promise<void> {
  const pool = shared;
  shared = null;
  if (pool) await pool.close();
}

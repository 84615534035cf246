// Parallel generation: each variant is rendered and MP3-encoded in its own worker thread. Rendering and
// encoding are single-threaded, so two variants on two cores take about as long as one.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { generateSongFiles, VARIANT_COUNT } from './generate.js';
import type { GeneratedVariant } from './generate.js';
import { deriveSongParams } from './params.js';
import type { SongRequest } from './types.js';

interface Pending {
  resolve: (v: GeneratedVariant) => void;
  reject: (e: Error) => void;
}

interface WorkerReply {
  id: number;
  ok: boolean;
  result?: GeneratedVariant & { mp3: Uint8Array; cover: Uint8Array };
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
  private readonly queue: { id: number; req: SongRequest; variantIndex: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly busy = new Map<Worker, number>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly size = Math.max(1, Math.min(VARIANT_COUNT, availableParallelism())),
    private readonly workerUrl: URL = WORKER_URL,
  ) {}

  run(req: SongRequest, variantIndex: number): Promise<GeneratedVariant> {
    if (this.closed) return Promise.reject(new Error('VariantWorkerPool is closed'));
    const id = this.nextId++;
    return new Promise<GeneratedVariant>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, req, variantIndex });
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
      w.postMessage(job);
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
    if (msg.ok && msg.result) p.resolve({ ...msg.result, mp3: toBuffer(msg.result.mp3), cover: toBuffer(msg.result.cover) });
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

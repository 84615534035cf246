// The whole CPU-heavy part of a stems job (decode, exact re-render or DSP separation, five MP3
// encodes) as one task, run in a worker thread when compiled so the service's event loop keeps
// renewing job locks and answering health checks; from TypeScript sources (tests) it runs inline.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SongRequest } from '@muse/audio-engine';
import { AudioInputError, decodeAudio } from './audio-input.js';
import { analyzeAudio, type Analysis } from './analyze.js';
import { engineStemsIfIdentical, separateToMp3, type StemFiles } from './stems.js';

export interface StemsTask {
  audio: Uint8Array;
  maxSeconds: number;
  /** Set when the audio claims to come from the local engine: its request, to re-render exactly. */
  engine?: { request: SongRequest; variantIndex: number };
}

export interface AnalyzeTask {
  audio: Uint8Array;
  maxSeconds: number;
}

export async function runAnalyzeTaskInline(task: AnalyzeTask): Promise<Analysis> {
  return analyzeAudio(await decodeAudio(task.audio, { maxSeconds: task.maxSeconds }));
}

export async function runStemsTaskInline(task: StemsTask): Promise<StemFiles> {
  const audio = await decodeAudio(task.audio, { maxSeconds: task.maxSeconds });
  if (task.engine) {
    try {
      const exact = engineStemsIfIdentical(task.engine.request, task.engine.variantIndex, audio);
      if (exact) return exact;
    } catch {
      // An old or odd request the engine refuses now: the DSP separator still answers.
    }
  }
  return separateToMp3(audio);
}

const WORKER_URL = new URL('./stems-task-worker.js', import.meta.url);

export function threadAvailable(): boolean {
  return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL));
}

interface Reply {
  ok: boolean;
  result?: unknown;
  error?: { name: string; message: string; code?: string };
}

/** Runs the task in a fresh worker thread (one per job: its memory is returned when it ends). */
export async function runStemsTask(task: StemsTask): Promise<StemFiles> {
  if (!threadAvailable()) return runStemsTaskInline(task);
  const result = (await inThread({ kind: 'stems', task })) as StemFiles;
  return { ...result, files: Object.fromEntries(Object.entries(result.files).map(([k, v]) => [k, toBuffer(v)])) as StemFiles['files'] };
}

/** Decode + analysis in a worker thread (inline from TypeScript sources). */
export async function runAnalyzeTask(task: AnalyzeTask): Promise<Analysis> {
  if (!threadAvailable()) return runAnalyzeTaskInline(task);
  const result = (await inThread({ kind: 'analyze', task })) as Analysis;
  return { ...result, spectrogramJpeg: toBuffer(result.spectrogramJpeg) };
}

const toBuffer = (v: Uint8Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

function inThread(workerData: { kind: 'stems' | 'analyze'; task: unknown }): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData });
    let settled = false;
    worker.once('message', (reply: Reply) => {
      settled = true;
      void worker.terminate();
      if (reply.ok) return resolve(reply.result);
      const e = reply.error ?? { name: 'Error', message: 'audio task failed' };
      reject(e.name === 'AudioInputError' && e.code ? new AudioInputError(e.code as AudioInputError['code'], e.message) : new Error(e.message));
    });
    worker.once('error', (error) => { if (!settled) { settled = true; reject(error); } });
    worker.once('exit', (code) => { if (!settled) { settled = true; reject(new Error(`audio task thread exited with code ${code}`)); } });
  });
}

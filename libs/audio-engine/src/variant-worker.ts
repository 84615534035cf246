// Worker-thread entry: renders and encodes one variant per message, or renders some of its stems (see parallel.ts).
import { parentPort } from 'node:worker_threads';
import { generateVariant } from './generate.js';
import { Mp3StreamEncoder } from './mp3-encode.js';
import type { WorkerJob } from './parallel.js';
import { deriveSongContext } from './params.js';
import { renderStems } from './render.js';

const port = parentPort;
if (!port) throw new Error('variant-worker must run inside a worker thread');

function fail(id: number, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  port!.postMessage({ id, ok: false, error: { name: e.name, message: e.message } });
}

/** Encodes the blocks arriving on the job's port; the file is the job's reply when an empty message ends the input. */
function encodeStream(id: number, { sampleRate, kbps, port: blocks }: NonNullable<WorkerJob['encode']>): void {
  let encoder: Mp3StreamEncoder;
  try {
    encoder = new Mp3StreamEncoder(sampleRate, kbps);
  } catch (err) {
    blocks.close();
    fail(id, err);
    return;
  }
  blocks.on('message', (m: { left?: Float32Array; right?: Float32Array; abort?: true }) => {
    try {
      if (m.left && m.right) return encoder.write(m.left, m.right);
      blocks.close();
      if (m.abort) {
        encoder.dispose();
        return fail(id, new Error('MP3 stream aborted'));
      }
      port!.postMessage({ id, ok: true, result: encoder.finish() });
    } catch (err) {
      encoder.dispose();
      blocks.close();
      fail(id, err);
    }
  });
}

port.on('message', (job: WorkerJob) => {
  try {
    if (job.encode) return encodeStream(job.id, job.encode);
    if (job.stems) {
      const result = renderStems(deriveSongContext(job.req!, job.variantIndex!), job.stems);
      // The stems' buffers are moved to the main thread (a 3-minute stem is 64 MB): no copy.
      const buffers = Object.values(result.layers).flatMap((b) => [b.left.buffer as ArrayBuffer, b.right.buffer as ArrayBuffer]);
      port.postMessage({ id: job.id, ok: true, result }, buffers);
      return;
    }
    const result = generateVariant(job.req!, job.variantIndex!);
    port.postMessage({ id: job.id, ok: true, result });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ id: job.id, ok: false, error: { name: e.name, message: e.message } });
  }
});

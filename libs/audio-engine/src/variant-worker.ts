// Worker-thread entry: renders and encodes one variant per message (see parallel.ts).
import { parentPort } from 'node:worker_threads';
import { generateVariant } from './generate.js';
import type { SongRequest } from './types.js';

interface Job {
  id: number;
  req: SongRequest;
  variantIndex: number;
}

const port = parentPort;
if (!port) throw new Error('variant-worker must run inside a worker thread');

port.on('message', (job: Job) => {
  try {
    const result = generateVariant(job.req, job.variantIndex);
    port.postMessage({ id: job.id, ok: true, result });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ id: job.id, ok: false, error: { name: e.name, message: e.message } });
  }
});

// Worker-thread entry for runStemsTask and runAnalyzeTask (see stems-task.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { AudioInputError } from './audio-input.js';
import { runAnalyzeTaskInline, runStemsTaskInline, type AnalyzeTask, type StemsTask } from './stems-task.js';

const port = parentPort;
if (!port) throw new Error('stems-task-worker must run inside a worker thread');

try {
  const data = workerData as { kind: 'stems' | 'analyze'; task: unknown };
  const result = data.kind === 'stems' ? await runStemsTaskInline(data.task as StemsTask) : await runAnalyzeTaskInline(data.task as AnalyzeTask);
  // Copied, not transferred: small Buffers share Node's pool, which must not be detached.
  port.postMessage({ ok: true, result });
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  port.postMessage({ ok: false, error: { name: e.name, message: e.message, code: e instanceof AudioInputError ? e.code : undefined } });
}

// Graceful shutdown: SIGTERM while a job runs loses nothing. With enough grace the job finishes in the
// dying process and it exits 0; when the grace period runs out first, the job is handed back to its
// queue just before (the process still exits 0) and another worker runs it to completion.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { createRedis, type Redis } from '@muse/platform';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { serviceEnv, waitFor } from '../support/env.js';

interface Child {
  proc: ChildProcess;
  out: string[];
  exit: Promise<number | null>;
}

function startWorker(env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['test/ops/fixtures/slow-worker.mjs'], { env: { ...process.env, NODE_NO_WARNINGS: '1', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const out: string[] = [];
  let buffer = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    out.push(...parts);
  });
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, out, exit };
}
const saw = (c: Child, line: string) => async () => c.out.includes(line);

describe('SIGTERM during a running job', () => {
  let t: TestDatabase;
  let redis: Redis;
  const children: Child[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    redis = createRedis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', 'shutdown-test');
  });
  afterAll(async () => {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
    redis?.disconnect();
    await t?.drop();
  });

  const setup = (extra: Record<string, string>) => {
    const env = serviceEnv(t.url, { HEALTH_PORT: '0', WORKER_CONCURRENCY: '1', LOG_LEVEL: 'silent', ...extra });
    const queue = new Queue('generation', { connection: redis, prefix: env.QUEUE_PREFIX });
    const message = () => ({ jobId: randomUUID(), userId: randomUUID(), correlationId: randomUUID() });
    return { env, queue, message };
  };

  it('finishes the active job, then exits 0', async () => {
    const { env, queue, message } = setup({ JOB_DELAY_MS: '1500', SHUTDOWN_GRACE_MS: '20000' });
    const worker = startWorker(env);
    children.push(worker);
    await waitFor(saw(worker, 'ready'), 'the worker to start');
    const data = message();
    await queue.add('generation.run', data, { jobId: data.jobId, attempts: 1 });
    await waitFor(saw(worker, `started ${data.jobId}`), 'the job to start');
    worker.proc.kill('SIGTERM');
    expect(await worker.exit).toBe(0);
    expect(worker.out).toContain(`finished ${data.jobId}`);
    expect(await queue.getJobState(data.jobId)).toBe('completed');
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('hands the job back when the grace period runs out, and another worker completes it', async () => {
    const { env, queue, message } = setup({ JOB_DELAY_MS: '3000', SHUTDOWN_GRACE_MS: '300', JOB_LOCK_MS: '5000' });
    const dying = startWorker(env);
    children.push(dying);
    await waitFor(saw(dying, 'ready'), 'the first worker to start');
    const data = message();
    await queue.add('generation.run', data, { jobId: data.jobId, attempts: 1 });
    await waitFor(saw(dying, `started ${data.jobId}`), 'the job to start');
    dying.proc.kill('SIGTERM');
    expect(await dying.exit).toBe(0); // out within the grace period, mid-job, the job handed back
    expect(dying.out).not.toContain(`finished ${data.jobId}`);
    expect(await queue.getJobState(data.jobId)).toBe('waiting'); // not locked by the dead worker until its lock expires

    const heir = startWorker({ ...env, SHUTDOWN_GRACE_MS: '20000' });
    children.push(heir);
    await waitFor(saw(heir, `finished ${data.jobId}`), 'the job to be run again by the other worker', 45_000);
    await waitFor(async () => (await queue.getJobState(data.jobId)) === 'completed', 'the job to complete');
    heir.proc.kill('SIGTERM');
    expect(await heir.exit).toBe(0);
    await queue.obliterate({ force: true });
    await queue.close();
  });
});

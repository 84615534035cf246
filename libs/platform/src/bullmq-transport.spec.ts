import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { BullMqTransport, workerName } from './bullmq-transport.js';
import { createLogger } from './logger.js';
import { createMetricsRegistry, jobMetrics } from './metrics.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('BullMqTransport', () => {
  // Found by the worker-kill chaos experiment at a load average of 14: a job that lost its worker three times
  // (one kill -9, then workers too busy to renew a 5 s lock) was failed by BullMQ's stall limit without our
  // handler running, and stayed `processing` in Postgres, charged, with nothing left to end it.
  it('a job that lost its worker as many times as a job may be attempted still reaches its handler', async () => {
    const prefix = `{transport-spec-${randomUUID().slice(0, 8)}}`;
    const jobId = randomUUID();
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue('generation', { connection, prefix });
    const transport = new BullMqTransport({ connection, prefix, queues: ['generation'], concurrency: 8, logger: createLogger('transport-spec', 'silent'), metrics: jobMetrics(createMetricsRegistry('transport-spec')), lockDurationMs: 1_000 });
    // Each delivery counts as the workers' claim does (attempts + 1). The first three "die": they never return and
    // their lock disappears as a dead process's would; the fourth is the one a worker answers by settling the job
    // from Postgres (attempts exhausted: failed and refunded).
    let deliveries = 0;
    transport.addHandler('generation.run', async () => {
      deliveries++;
      if (deliveries <= 3) {
        await connection.del(`${prefix}:generation:${jobId}:lock`);
        return new Promise(() => undefined);
      }
      return { settled: true };
    });
    try {
      await queue.add('generation.run', { jobId, userId: randomUUID(), correlationId: 'transport-spec' }, { jobId, attempts: 3 });
      transport.listen(() => undefined);
      const deadline = Date.now() + 45_000;
      let state = await queue.getJobState(jobId);
      while (state !== 'completed' && state !== 'failed' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        state = await queue.getJobState(jobId);
      }
      const job = await queue.getJob(jobId);
      expect({ state, deliveries, failedReason: job?.failedReason, returned: job?.returnvalue }).toEqual({ state: 'completed', deliveries: 4, failedReason: undefined, returned: { settled: true } });
    } finally {
      // The "dead" deliveries never finish: close without waiting for them.
      await Promise.all(transport.unwrap<Worker[]>().map((w) => w.close(true)));
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  }, 60_000);

  // Operators (and the chaos suite) need to know which replica holds a job: the pod's host name and the pid.
  it('stores the replica that ran a job on it (processedBy = host:pid)', async () => {
    const prefix = `{transport-spec-${randomUUID().slice(0, 8)}}`;
    const jobId = randomUUID();
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue('generation', { connection, prefix });
    const transport = new BullMqTransport({ connection, prefix, queues: ['generation'], concurrency: 1, logger: createLogger('transport-spec', 'silent'), metrics: jobMetrics(createMetricsRegistry('transport-spec')) });
    transport.addHandler('generation.run', async () => ({ done: true }));
    try {
      await queue.add('generation.run', { jobId, userId: randomUUID(), correlationId: 'transport-spec' }, { jobId });
      transport.listen(() => undefined);
      const deadline = Date.now() + 20_000;
      while ((await queue.getJobState(jobId)) !== 'completed' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const job = await queue.getJob(jobId);
      expect({ processedBy: job?.processedBy, returned: job?.returnvalue }).toEqual({ processedBy: workerName(), returned: { done: true } });
      expect(workerName()).toMatch(new RegExp(`^[^:]+:${process.pid}$`));
    } finally {
      await transport.close();
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  }, 30_000);
});

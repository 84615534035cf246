// What a worker handler throws must reach BullMQ as itself: its class decides retry or not (UnrecoverableError),
// its message is the job's failedReason operators see in the queue dashboard, its stack the job's stacktrace.
// A real worker app (startWorkerService) on real Redis, with a handler that throws what the test tells it to.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Module } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { Queue as BullQueue, UnrecoverableError, type Job } from 'bullmq';
import { Queue, type SystemJobMessage } from '@muse/contracts';
import { loadConfig } from './config.js';
import { WaitForBreaker } from './wait-for-breaker.js';
import { startWorkerService, WorkerConfig, type WorkerService } from './worker-app.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';

class ProviderBlewUp extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderBlewUp';
  }
}

/** What each job (by its jobId) throws: the first entry on its first run, and so on; nothing once they run out. */
const script = new Map<string, Array<() => Error>>();

@Controller()
class ThrowingHandler {
  @MessagePattern('limits.reset-daily')
  async run(message: SystemJobMessage): Promise<{ ok: true }> {
    const next = script.get(message.jobId)?.shift();
    if (next) throw next();
    return { ok: true };
  }
}

@Module({ controllers: [ThrowingHandler] })
class ThrowingModule {}

describe('errors thrown by a worker handler', () => {
  let worker: WorkerService;
  let queue: BullQueue;

  beforeAll(async () => {
    // The handler touches neither Postgres nor S3; their clients connect on first use.
    const config = loadConfig(WorkerConfig, { ...serviceEnv('postgres://postgres@127.0.0.1:5432/postgres'), HEALTH_PORT: '0' });
    worker = await startWorkerService({ service: 'worker-errors-test', config, queues: [Queue.Archiving], module: ThrowingModule });
    queue = new BullQueue(Queue.Archiving, { connection: worker.resources.redis, prefix: config.QUEUE_PREFIX });
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true });
    await queue?.close();
    await worker?.close();
  });

  async function run(jobId: string, throws: Array<() => Error>, attempts: number): Promise<Job> {
    script.set(jobId, throws);
    await queue.add('limits.reset-daily', { jobId, correlationId: jobId }, { jobId, attempts, backoff: { type: 'fixed', delay: 10 } });
    return waitFor(async () => {
      const job = await queue.getJob(jobId);
      const state = await job?.getState();
      return state === 'failed' || state === 'completed' ? job : undefined;
    }, `job ${jobId} to settle`);
  }

  it('an UnrecoverableError fails the job at once, with its own message', async () => {
    const unrecoverable = () => new UnrecoverableError('job j1 does not match its queue message');
    const job = await run('unrecoverable', [unrecoverable, unrecoverable, unrecoverable], 3);
    expect({ attemptsMade: job.attemptsMade, failedReason: job.failedReason }).toEqual({ attemptsMade: 1, failedReason: 'job j1 does not match its queue message' });
    expect(await job.getState()).toBe('failed');
    expect(script.get('unrecoverable')).toHaveLength(2);
  });

  it('any other error is retried, and the failed job keeps its message and stack', async () => {
    const job = await run('retried', [() => new ProviderBlewUp('provider answered 502'), () => new ProviderBlewUp('provider answered 503')], 2);
    expect({ attemptsMade: job.attemptsMade, failedReason: job.failedReason }).toEqual({ attemptsMade: 2, failedReason: 'provider answered 503' });
    expect(await job.getState()).toBe('failed');
    expect((job.stacktrace ?? []).join('\n')).toMatch(/ProviderBlewUp: provider answered 502[\s\S]*worker-app\.spec/);
  });

  it('a retried job that then succeeds completes', async () => {
    const job = await run('recovers', [() => new Error('flaky')], 3);
    expect(await job.getState()).toBe('completed');
    expect(job.attemptsMade).toBe(2);
    expect(job.returnvalue).toEqual({ ok: true });
  });

  it('WaitForBreaker delays the job without using an attempt', async () => {
    const job = await run('breaker', [() => new WaitForBreaker(Date.now() + 50, ['sim'])], 1);
    expect(await job.getState()).toBe('completed');
    expect(job.attemptsMade).toBe(1);
  });

  it('the HTTP side (health, metrics) still answers as Nest does: the filter only passes job errors through', async () => {
    const base = (await worker.app.getUrl()).replace('[::1]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');
    const live = await fetch(`${base}/health/live`);
    expect({ status: live.status, body: await live.json() }).toEqual({ status: 200, body: { status: 'ok' } });
    const missing = await fetch(`${base}/no-such-route`);
    expect({ status: missing.status, body: await missing.json() }).toMatchObject({ status: 404, body: { statusCode: 404 } });
  });
});

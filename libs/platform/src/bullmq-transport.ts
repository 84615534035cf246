import { hostname } from 'node:os';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { DelayedError, Worker, type Job, type WorkerOptions } from 'bullmq';
import { isObservable, lastValueFrom } from 'rxjs';
import { JOBS, type JobName, type QueueName } from '@muse/contracts';
import { requestContext } from './context.js';
import { fromJobTelemetry, SpanKind, withSpan } from './tracing.js';
import type { Logger } from './logger.js';
import type { JobMetrics, RecoveryMetrics } from './metrics.js';
import type { Redis } from './redis.js';
import { WaitForBreaker } from './wait-for-breaker.js';

export interface BullMqTransportOptions {
  connection: Redis;
  prefix: string;
  queues: QueueName[];
  concurrency: number;
  logger: Logger;
  metrics: JobMetrics;
  /** Counts jobs this worker's stalled check handed back (their worker died or lost its lock). */
  recovery?: RecoveryMetrics;
  /** How long a job may run without renewing its lock before it counts as stalled (worker died). */
  lockDurationMs?: number;
  workerOptions?: Partial<WorkerOptions>;
}

/**
 * How many times a job may lose its worker (lock expired: the process died, or was too busy to renew it) and
 * still be delivered. Past it BullMQ fails the job itself, without running our handler — so Postgres would
 * keep it `processing`, charged and never refunded, and the stale sweep skips it while BullMQ keeps the failed
 * entry (7 days). The handlers bound the re-runs instead: every delivery claims the job (attempts + 1) and the
 * one after `max_attempts` (≤ 3, jobs_max_attempts_check) fails and refunds it ('attempts-exhausted'). So this
 * is above 3, with room for deaths between a delivery and its claim.
 */
export const MAX_STALLED_COUNT = 5;

/** host:pid — on Kubernetes the host name is the pod's, so a job's processedBy names the pod and the process. */
export function workerName(pid = process.pid): string {
  return `${hostname()}:${pid}`;
}

/**
 * Nest microservice transport over BullMQ: each `@MessagePattern('<job name>')` handler consumes the
 * jobs of that name. The payload is validated against the shared contract before the handler runs,
 * and the handler runs inside the job's correlation context.
 */
export class BullMqTransport extends Server implements CustomTransportStrategy {
  private readonly workers: Worker[] = [];
  /** Jobs this process is running, with the lock token that lets it hand them back. */
  private readonly active = new Map<string, { job: Job; token: string }>();

  constructor(private readonly options: BullMqTransportOptions) {
    super();
  }

  listen(callback: (...args: unknown[]) => void): void {
    for (const queue of this.options.queues) {
      const worker = new Worker(queue, (job, token) => this.track(queue, job, token), {
        connection: this.options.connection,
        prefix: this.options.prefix,
        // Stored on every job this process takes (processedBy): which replica runs or last ran it.
        name: workerName(),
        concurrency: this.options.concurrency,
        lockDuration: this.options.lockDurationMs ?? 60_000,
        // A dead worker's lock expires at most one lock period after its last renewal; the stalled check runs
        // every half period, so its jobs are back on the queue within 1.5 lock periods (not BullMQ's fixed 30 s).
        stalledInterval: Math.min(30_000, Math.round((this.options.lockDurationMs ?? 60_000) / 2)),
        maxStalledCount: MAX_STALLED_COUNT,
        ...this.options.workerOptions,
      });
      worker.on('error', (error) => this.options.logger.error({ err: error, queue }, 'worker error'));
      worker.on('stalled', (jobId) => {
        this.options.recovery?.recovered.inc({ queue, cause: 'worker-lost' });
        this.options.logger.warn({ job_id: jobId, queue }, 'job lost its worker (lock expired); back on the queue');
      });
      this.workers.push(worker);
    }
    callback();
  }

  private async track(queue: QueueName, job: Job, token?: string): Promise<unknown> {
    const key = `${queue}:${job.id}`;
    if (token) this.active.set(key, { job, token });
    try {
      return await this.process(queue, job, token);
    } finally {
      this.active.delete(key);
    }
  }

  private async process(queue: QueueName, job: Job, token?: string): Promise<unknown> {
    const name = job.name as JobName;
    const contract = JOBS[name];
    const handler = this.getHandlerByPattern(job.name);
    if (!contract || !handler) throw new Error(`no handler for job '${job.name}' on queue '${queue}'`);
    const payload = contract.payload.parse(job.data);
    const { metrics } = this.options;
    metrics.wait.observe({ queue, job_name: name }, Math.max(0, (job.processedOn ?? Date.now()) - job.timestamp) / 1000);
    const stop = metrics.duration.startTimer({ queue, job_name: name });
    const raw = job.data as { correlationId?: unknown; jobId?: unknown; traceparent?: unknown } | undefined;
    const context = { correlationId: String(raw?.correlationId ?? job.id), jobId: typeof raw?.jobId === 'string' ? raw.jobId : job.id };
    // The producer's trace context rides in BullMQ's telemetry metadata (or the payload's traceparent).
    const parent = fromJobTelemetry(job.opts.telemetry?.metadata, raw?.traceparent);
    const attributes = { 'messaging.system': 'bullmq', 'messaging.destination.name': queue, 'messaging.operation.name': 'process', 'messaging.message.id': String(job.id), 'muse.job_name': name, 'muse.attempt': job.attemptsMade + 1 };
    try {
      const result = await requestContext.run(context, () =>
        withSpan(`process ${name}`, { kind: SpanKind.CONSUMER, parent, attributes }, async () => {
          const out = await handler(payload, job);
          return isObservable(out) ? lastValueFrom(out, { defaultValue: undefined }) : out;
        }),
      );
      stop({ outcome: 'completed' });
      metrics.completed.inc({ queue, job_name: name });
      return result;
    } catch (error) {
      if (error instanceof WaitForBreaker && token) {
        // Back to the queue until a breaker half-opens, without using one of the job's attempts (skipAttempt).
        await job.moveToDelayed(error.dueAt, token);
        stop({ outcome: 'delayed' });
        metrics.breakerWaits.inc({ queue, job_name: name });
        this.options.logger.info({ job_id: job.id, queue, job_name: name, providers: error.providers, due_at: new Date(error.dueAt).toISOString() }, 'job waits for a provider circuit breaker');
        throw new DelayedError();
      }
      stop({ outcome: 'failed' });
      metrics.failed.inc({ queue, job_name: name });
      // The handler's own error (JobErrorPassThrough): BullMQ keeps its message and stack on the job; the log, its class.
      this.options.logger.warn({ err: error, job_id: job.id, queue, job_name: name, attempt: job.attemptsMade + 1 }, 'job attempt failed');
      throw error;
    }
  }

  /** Stops taking jobs and waits for the active ones to finish (their locks would hand them back otherwise). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }

  /**
   * Puts the jobs still running back on their queue (active → wait, lock released) for another replica to
   * run at once, instead of after their lock expires. For a process that must exit before its jobs finish:
   * whatever the abandoned handler still does is harmless because every job step is idempotent. Returns how
   * many were handed back.
   */
  async handBack(): Promise<number> {
    let n = 0;
    for (const [key, { job, token }] of [...this.active]) {
      try {
        await job.moveToWait(token);
        this.active.delete(key);
        n++;
      } catch (error) {
        // Its lock is gone already (it stalled): the stalled check hands it back anyway.
        this.options.logger.warn({ err: error, job_id: job.id }, 'could not hand a job back; its lock will expire');
      }
    }
    return n;
  }

  on(): void {
    // BullMQ worker events are wired in listen(); Nest's status events are not used.
  }

  unwrap<T>(): T {
    return this.workers as T;
  }
}

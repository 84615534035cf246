import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import client from 'prom-client';
import { JOBS, MAX_JOB_ATTEMPTS, type JobMessage, type JobName, type QueueName } from '@muse/contracts';
import { createDatabase, createPool, JobsRepository, OutboxRepository, type Database, type OutboxRow } from '@muse/db';
import type pg from 'pg';
import { contextFromCarrier, METRICS_REGISTRY, toJobTelemetry, tracer, type Logger, type Redis } from '@muse/platform';
import { SpanKind, trace } from '@opentelemetry/api';
import type { GatewayConfig } from '../config.js';
import { CONFIG, LOGGER, QUEUES, REDIS } from '../core/tokens.js';

const BATCH = 200;
const KICK_COALESCE_MS = 5;
/**
 * Rounds in flight at once. A kick that arrived during a round used to wait for that round's Redis add and
 * its commit before its rows were even read; a second round reads the rows committed since (the first
 * round's rows are locked and skipped), so a job waits for at most one round, not two.
 */
const CONCURRENT_ROUNDS = 2;

/** BullMQ options of every job the platform publishes: attempts match the job row's max_attempts. */
export const QUEUE_JOB_OPTIONS = {
  attempts: MAX_JOB_ATTEMPTS,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** Job names whose work must eventually happen however long a dependency is down: more attempts, longer backoff (~2 days in all). */
export const JOB_OPTIONS_BY_NAME: Partial<Record<JobName, { attempts: number; backoff: { type: 'exponential'; delay: number } }>> = {
  'tracks.purge-objects': { attempts: 16, backoff: { type: 'exponential', delay: 5_000 } },
};

/**
 * Moves outbox rows to BullMQ. The job id is the BullMQ jobId, so publishing twice is a no-op; rows
 * stay unpublished while Redis is down and go out when it returns. A sweep re-publishes jobs whose
 * queue entry vanished (e.g. Redis restarted without persistence).
 *
 * The submitting request kicks its own replica's relay after commit, so a job is published at once;
 * the poll catches everything else. (LISTEN/NOTIFY was measured: NOTIFY serialises committing
 * transactions on a global lock and cost more than half the submission throughput.)
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private readonly draining = new Set<Promise<void>>();
  private scheduled?: NodeJS.Timeout;
  private again = false;
  private stopped = false;

  /**
   * The relay's own connections (one per concurrent round, one for the metrics' count). On the request pool a drain
   * waited behind every queued request for a connection, so under load the publishing lag grew with
   * the request latency; with its own pool a committed job goes out at once.
   */
  private readonly db: Database;
  private readonly pool: pg.Pool;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(QUEUES) private readonly queues: Map<QueueName, Queue>,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: client.Registry,
    private readonly outbox: OutboxRepository,
    private readonly jobs: JobsRepository,
  ) {
    this.pool = createPool({ url: config.DATABASE_URL, maxConnections: CONCURRENT_ROUNDS + 1, applicationName: 'api-gateway-outbox-relay', statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS });
    this.db = createDatabase({ pool: this.pool });
    const relay = this;
    new client.Gauge({
      name: 'outbox_pending_messages',
      help: 'Outbox rows not yet published to the queue',
      registers: [registry],
      async collect() {
        const { count } = await relay.outbox.pendingCount(relay.db);
        this.set(count);
      },
    });
    new client.Gauge({
      name: 'outbox_oldest_message_age_seconds',
      help: 'Age of the oldest unpublished outbox row',
      registers: [registry],
      async collect() {
        const { oldestAgeSeconds } = await relay.outbox.pendingCount(relay.db);
        this.set(oldestAgeSeconds);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.timer = setInterval(() => this.kick(), this.config.OUTBOX_POLL_MS);
    this.sweepTimer = setInterval(() => void this.sweep().catch((e) => this.logger.warn({ err: e }, 'stale job sweep failed')), this.config.STALE_JOB_SECONDS * 500);
    this.kick();
  }

  /**
   * Asks for a drain soon. Kicks within a few milliseconds share one drain, so under load rows go out
   * in batches (one locking read, one bulk add, one update) instead of one round of each per job.
   */
  kick(): void {
    if (this.stopped || this.scheduled) return;
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      this.drainNow();
    }, KICK_COALESCE_MS);
  }

  private drainNow(): void {
    if (this.draining.size >= CONCURRENT_ROUNDS) {
      this.again = true;
      return;
    }
    const round: Promise<void> = this.drain()
      .catch((error) => this.logger.warn({ err: error }, 'outbox relay round failed; will retry'))
      .finally(() => {
        this.draining.delete(round);
        if (this.again) {
          this.again = false;
          this.drainNow();
        }
      });
    this.draining.add(round);
  }

  /** Publishes until the outbox is empty. Exposed for tests and benchmarks. */
  async drain(): Promise<void> {
    for (;;) {
      let failed: { ids: number[]; error: Error } | undefined;
      // One round: lock a batch, add it to BullMQ, mark it published (rejected rows dead-lettered in place:
      // never retried, found by published_at set together with a 'rejected' error), commit — two round trips.
      const published = await this.outbox.relayBatch(
        this.pool,
        BATCH,
        async (rows) => {
          try {
            return await this.publish(rows);
          } catch (error) {
            failed = { ids: rows.map((r) => r.id), error: error as Error };
            throw error;
          }
        },
        'rejected: payload does not match the job contract',
      ).catch((error) => {
        if (!failed) throw error;
        return 0;
      });
      if (failed) {
        await this.outbox.markFailed(this.db, failed.ids, failed.error.message);
        throw failed.error;
      }
      if (published < BATCH) return;
    }
  }

  /** Publishes the valid rows; returns the ids of rows whose payload breaks the job contract. */
  private async publish(rows: OutboxRow[]): Promise<number[]> {
    // BullMQ would wait for a reconnect while this transaction holds its row locks; fail the round instead.
    if (this.redis.status !== 'ready') throw new Error(`redis is not connected (${this.redis.status})`);
    const byQueue = new Map<QueueName, OutboxRow[]>();
    const rejected: number[] = [];
    for (const row of rows) {
      const contract = JOBS[row.job_name as JobName];
      // BullMQ refuses custom ids with ':'; such a row would fail every batch it is in.
      const valid = contract?.queue === row.queue_name && !row.queue_job_id.includes(':') && contract.payload.safeParse(row.payload).success;
      if (!valid) {
        this.logger.error({ outbox_id: row.id, job_name: row.job_name }, 'outbox row breaks its job contract; not published');
        rejected.push(row.id);
        continue;
      }
      const list = byQueue.get(row.queue_name as QueueName) ?? [];
      list.push(row);
      byQueue.set(row.queue_name as QueueName, list);
    }
    for (const [name, list] of byQueue) {
      const queue = this.queues.get(name);
      if (!queue) throw new Error(`outbox names unknown queue '${name}'`);
      await queue.addBulk(
        list.map((r) => ({
          name: r.job_name,
          data: r.payload,
          // priority: the owner's plan (0030); PriorityAgingService promotes standard jobs that waited too long.
          opts: { ...QUEUE_JOB_OPTIONS, ...JOB_OPTIONS_BY_NAME[r.job_name as JobName], jobId: r.queue_job_id, telemetry: this.producerTrace(r), ...(r.priority ? { priority: r.priority } : {}) },
        })),
      );
    }
    return rejected;
  }

  /**
   * A PRODUCER span for the hop into the queue, child of the submitting request's span (its traceparent
   * rides in the payload); its context goes into BullMQ's telemetry metadata for the worker's CONSUMER span.
   */
  private producerTrace(row: OutboxRow): { metadata: string } | undefined {
    const traceparent = (row.payload as { traceparent?: unknown }).traceparent;
    if (typeof traceparent !== 'string') return undefined;
    const parent = contextFromCarrier({ traceparent });
    const span = tracer().startSpan(
      `publish ${row.job_name}`,
      { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'bullmq', 'messaging.destination.name': row.queue_name, 'messaging.message.id': row.queue_job_id } },
      parent,
    );
    span.end();
    return toJobTelemetry(trace.setSpan(parent, span));
  }

  /** Re-publishes unfinished jobs that no queue holds any more. */
  async sweep(): Promise<number> {
    const stale = await this.jobs.findStale(this.db, new Date(Date.now() - this.config.STALE_JOB_SECONDS * 1000), 100);
    let republished = 0;
    for (const job of stale) {
      const queue = this.queues.get(job.queue_name as QueueName);
      if (!queue || (await queue.getJob(job.id))) continue;
      const message: JobMessage = { jobId: job.id, userId: job.user_id, correlationId: job.correlation_id ?? job.id, ...(job.trace_parent ? { traceparent: job.trace_parent } : {}) };
      await this.outbox.insert(this.db, { queue_name: queue.name, job_name: job.job_name, queue_job_id: job.id, payload: message });
      republished++;
      this.logger.warn({ job_id: job.id }, 'job was missing from its queue; re-published');
    }
    await this.jobs.touch(this.db, stale.map((j) => j.id));
    return republished;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.scheduled);
    clearInterval(this.timer);
    clearInterval(this.sweepTimer);
    await Promise.all(this.draining);
    await this.db.destroy();
  }
}

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type client from 'prom-client';
import { Queue as QueueNames, WEBHOOK_RETRY_JOB_OPTIONS, webhookJobId, type JobMessage, type QueueName, type WebhookDeliverMessage } from '@muse/contracts';
import { JobsRepository, OutboxRepository, WebhooksRepository, type Database, type PendingDelivery } from '@muse/db';
import { METRICS_REGISTRY, recoveryMetrics, type Logger, type RecoveryMetrics, type Redis } from '@muse/platform';
import type { GatewayConfig } from '../config.js';
import { CONFIG, DATABASE, LOGGER, QUEUES, REDIS } from '../core/tokens.js';
import { OutboxRelayService } from './outbox-relay.service.js';

const PAGE = 500;
/** How far back purges are re-published: longer than a purge's whole retry schedule (16 attempts, ~2 days). */
const PURGE_DAYS = 3;

/**
 * Notices at once when Redis lost its queues and puts every unfinished job back (through the outbox).
 *
 * Redis holds a sentinel key under the queue prefix; Redis restarted without its data (no persistence,
 * a failover to an empty replica, FLUSHALL) has no sentinel, and any restart changes the server's
 * `run_id`. Either seen → a recovery sweep over every pending or processing job: those whose BullMQ entry is
 * missing get an outbox row (same job id, so a double publish is a no-op) and the relay is kicked. Checked
 * every QUEUE_LOSS_CHECK_MS (1 s), so with ioredis's reconnect backoff (≤ 5 s) every unfinished job is back
 * on its queue a few seconds after Redis answers again, instead of the relay's slow stale-job sweep
 * (STALE_JOB_SECONDS), which stays as the fallback. One replica sweeps per Redis run (a NX lock).
 *
 * Messages without a jobs row are swept too: every pending webhook delivery's next message (first, redelivery
 * or a delayed retry, rebuilt from the row) and every track purge published in the last PURGE_DAYS.
 */
@Injectable()
export class QueueLossRecoveryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private runId?: string;
  private readonly metrics: RecoveryMetrics;
  private readonly sentinelKey: string;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(QUEUES) private readonly queues: Map<QueueName, Queue>,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: client.Registry,
    private readonly outbox: OutboxRepository,
    private readonly jobs: JobsRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly relay: OutboxRelayService,
  ) {
    this.metrics = recoveryMetrics(registry);
    this.sentinelKey = `${config.QUEUE_PREFIX}:queue-sentinel`;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.QUEUE_LOSS_CHECK_MS === 0) return;
    // The first check before the gateway serves: a Redis that lost its queues while no gateway ran is swept now.
    await this.check().catch((error) => this.logger.warn({ err: error }, 'queue-loss check failed; will retry'));
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.check()
        .catch((error) => this.logger.warn({ err: error }, 'queue-loss check failed; will retry'))
        .finally(() => (this.running = undefined));
    }, this.config.QUEUE_LOSS_CHECK_MS);
  }

  /** One check: returns the number of jobs put back (0 when Redis kept its queues or is away). */
  async check(): Promise<void> {
    if (this.redis.status !== 'ready') return;
    const noticed = Date.now();
    const [info, sentinel] = await Promise.all([this.redis.info('server'), this.redis.get(this.sentinelKey)]);
    const runId = /run_id:(\w+)/.exec(info)?.[1] ?? 'unknown';
    const restarted = this.runId !== undefined && runId !== this.runId;
    if (sentinel !== null && !restarted) {
      this.runId = runId;
      return;
    }
    // First check of this process with no sentinel, the sentinel gone, or a new Redis run: sweep, once per run.
    const lock = await this.redis.set(`${this.config.QUEUE_PREFIX}:queue-recovery:${runId}`, String(process.pid), 'PX', 60_000, 'NX');
    if (lock === 'OK') {
      const cause = sentinel === null ? 'redis answered without its queues' : 'redis restarted';
      this.logger.warn({ run_id: runId }, `${cause}; re-publishing every unfinished job missing from its queue`);
      const recovered = await this.recover();
      this.metrics.timeToRecover.observe({ cause: 'queue-lost' }, (Date.now() - noticed) / 1000);
      this.logger.warn({ recovered, ms: Date.now() - noticed }, 'queue-loss recovery finished');
    }
    // Written after the sweep: a gateway dying mid-sweep leaves no sentinel, so the next check sweeps again.
    await this.redis.set(this.sentinelKey, runId);
    this.runId = runId;
  }

  /** Puts back every lost message: unfinished jobs, pending webhook deliveries, recent purges. Returns how many. */
  async recover(): Promise<number> {
    const recovered = (await this.recoverJobs()) + (await this.recoverWebhookDeliveries()) + (await this.recoverPurges());
    if (recovered > 0) await this.relay.drain();
    return recovered;
  }

  /** Re-publishes, through the outbox, every pending or processing job that its queue does not hold. */
  private async recoverJobs(): Promise<number> {
    let after: string | undefined;
    let recovered = 0;
    for (;;) {
      const page = await this.jobs.unfinishedPage(this.db, after, PAGE);
      if (page.length === 0) break;
      after = page[page.length - 1].id;
      const known = page.filter((job) => this.queues.has(job.queue_name as QueueName));
      const missing = await this.missing(known.map((job) => ({ queue: job.queue_name as QueueName, id: job.id, job })));
      await this.outbox.insertMany(
        this.db,
        missing.map(({ job }) => {
          const message: JobMessage = { jobId: job.id, userId: job.user_id, correlationId: job.correlation_id ?? job.id, ...(job.trace_parent ? { traceparent: job.trace_parent } : {}) };
          return { queue_name: job.queue_name, job_name: job.job_name, queue_job_id: job.id, payload: message };
        }),
      );
      this.count(missing.map(({ job }) => job.queue_name), 'queue-lost');
      recovered += missing.length;
      if (missing.length > 0) this.relay.kick();
      if (page.length < PAGE) break;
    }
    return recovered;
  }

  /**
   * Re-creates the next message of every pending delivery that the webhooks queue lost: the first or a
   * redelivery through the outbox, a scheduled retry directly as the delayed job the sender had added
   * (same id, same attempt number, due at next_attempt_at).
   */
  private async recoverWebhookDeliveries(): Promise<number> {
    const queue = this.queues.get(QueueNames.Webhooks);
    if (!queue) return 0;
    let after: string | undefined;
    let recovered = 0;
    for (;;) {
      const page = await this.webhooks.pendingPage(this.db, after, PAGE);
      if (page.length === 0) break;
      after = page[page.length - 1].id;
      const missing = await this.missing(page.map((d) => ({ queue: QueueNames.Webhooks, id: nextDeliveryJobId(d), job: d })));
      const retries = missing.filter(({ job: d }) => d.next_attempt_at !== null);
      const firsts = missing.filter(({ job: d }) => d.next_attempt_at === null);
      await this.outbox.insertMany(
        this.db,
        firsts.map(({ id, job: d }) => ({ queue_name: QueueNames.Webhooks, job_name: 'webhook.deliver', queue_job_id: id, payload: deliveryMessage(d) })),
      );
      if (retries.length > 0) {
        await queue.addBulk(
          retries.map(({ id, job: d }) => ({
            name: 'webhook.deliver',
            data: { ...deliveryMessage(d), attempt: d.cycle_attempts + 1 },
            opts: { ...WEBHOOK_RETRY_JOB_OPTIONS, jobId: id, delay: Math.max(0, d.next_attempt_at!.getTime() - Date.now()) },
          })),
        );
      }
      this.count(missing.map(() => QueueNames.Webhooks), 'queue-lost');
      recovered += missing.length;
      if (firsts.length > 0) this.relay.kick();
      if (page.length < PAGE) break;
    }
    return recovered;
  }

  /** Re-publishes every purge of the last PURGE_DAYS that its queue lost (a finished purge finds nothing left). */
  private async recoverPurges(): Promise<number> {
    let after: string | undefined;
    let recovered = 0;
    for (;;) {
      const page = await this.outbox.publishedSince(this.db, 'tracks.purge-objects', PURGE_DAYS, after, PAGE);
      if (page.length === 0) break;
      after = page[page.length - 1].queue_job_id;
      const known = page.filter((row) => this.queues.has(row.queue_name as QueueName));
      const missing = await this.missing(known.map((row) => ({ queue: row.queue_name as QueueName, id: row.queue_job_id, job: row })));
      await this.outbox.insertMany(this.db, missing.map(({ job }) => job));
      this.count(missing.map(({ job }) => job.queue_name), 'queue-lost');
      recovered += missing.length;
      if (missing.length > 0) this.relay.kick();
      if (page.length < PAGE) break;
    }
    return recovered;
  }

  /** The entries whose BullMQ job (by id, in any state) is not in Redis: one pipelined EXISTS per entry. */
  private async missing<T>(entries: Array<{ queue: QueueName; id: string; job: T }>): Promise<Array<{ queue: QueueName; id: string; job: T }>> {
    if (entries.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const entry of entries) pipeline.exists(this.queues.get(entry.queue)!.toKey(entry.id));
    const exists = ((await pipeline.exec()) ?? []).map(([error, n]) => {
      if (error) throw error;
      return n === 1;
    });
    return entries.filter((_entry, i) => !exists[i]);
  }

  private count(queues: string[], cause: string): void {
    for (const queue of queues) this.metrics.recovered.inc({ queue, cause });
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}

/** The id of the message a pending delivery waits for: a scheduled retry, else its latest redelivery, else its first. */
export function nextDeliveryJobId(d: Pick<PendingDelivery, 'id' | 'attempts' | 'redeliveries' | 'next_attempt_at'>): string {
  if (d.next_attempt_at !== null) return webhookJobId.retry(d.id, d.attempts);
  return d.redeliveries > 0 ? webhookJobId.redelivery(d.id, d.redeliveries) : webhookJobId.first(d.id);
}

function deliveryMessage(d: PendingDelivery): WebhookDeliverMessage {
  return { deliveryId: d.id, userId: d.user_id, correlationId: d.correlation_id };
}

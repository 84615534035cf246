import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QUEUE_PRIORITY, Queue as Queues, type QueueName } from '@muse/contracts';
import type { Logger, Redis } from '@muse/platform';
import type { GatewayConfig } from '../config.js';
import { CONFIG, LOGGER, QUEUES, REDIS } from '../core/tokens.js';

/** Queues whose jobs carry plan priorities (0030's outbox trigger). */
const PRIORITISED: QueueName[] = [Queues.Generation, Queues.Stems];
const BATCH = 200;
// BullMQ's prioritized set scores a job priority * 2^32 + insertion counter: one priority is one score band, oldest first.
// The premium class is priority 0 (the wait list), so the standard band is the only one in the set.
const BAND = 0x100000000;

/**
 * Aging for plan priorities: premium jobs have no BullMQ priority (the wait list) and standard jobs
 * priority 1 (the prioritized set), and BullMQ empties the wait list first, so under a steady stream
 * of premium jobs a standard job would wait for ever. Every PRIORITY_AGING_MS / 4 this pass reads the
 * oldest standard jobs of each prioritised queue (the front of the priority-1 band) and moves those
 * that have waited PRIORITY_AGING_MS to the wait list (priority 0): there they queue behind the
 * premium jobs already waiting and ahead of every later one. A standard job's extra wait is thus
 * bounded by about the aging time plus the premium work queued at that moment. (KEDA counts the wait
 * list: standard jobs show up in it once aged.)
 */
@Injectable()
export class PriorityAgingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(QUEUES) private readonly queues: Map<QueueName, Queue>,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.promoteWaiting()
        .catch((error) => {
          this.logger.warn({ err: error }, 'priority aging pass failed; will retry');
          return 0;
        })
        .finally(() => (this.running = undefined));
    }, Math.max(25, Math.floor(this.config.PRIORITY_AGING_MS / 4)));
  }

  /** One pass over every prioritised queue; returns how many jobs were promoted. Exposed for tests. */
  async promoteWaiting(now = Date.now()): Promise<number> {
    if (this.redis.status !== 'ready') return 0;
    let promoted = 0;
    for (const name of PRIORITISED) {
      const queue = this.queues.get(name);
      if (!queue) continue;
      const standard = QUEUE_PRIORITY.standard;
      const ids = await this.redis.zrangebyscore(queue.toKey('prioritized'), standard * BAND, (standard + 1) * BAND - 1, 'LIMIT', 0, BATCH);
      if (ids.length === 0) continue;
      const pipeline = this.redis.pipeline();
      for (const id of ids) pipeline.hget(queue.toKey(id), 'timestamp');
      const stamps = (await pipeline.exec()) ?? [];
      for (const [i, id] of ids.entries()) {
        const timestamp = Number(stamps[i]?.[1]);
        // Oldest first within the band: the first young one ends the pass for this queue.
        if (!Number.isFinite(timestamp) || now - timestamp < this.config.PRIORITY_AGING_MS) break;
        const job = await queue.getJob(id);
        if (!job) continue;
        try {
          await job.changePriority({ priority: QUEUE_PRIORITY.premium });
          promoted++;
        } catch {
          // taken by a worker meanwhile: nothing to promote
        }
      }
    }
    if (promoted) this.logger.info({ promoted }, 'standard jobs promoted after waiting');
    return promoted;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { JobName } from '@muse/contracts';
import { CONFIG, LOGGER, type Logger } from '@muse/platform';
import type { ArchiverConfig } from '../config.js';
import { ARCHIVING_QUEUE } from './queue.js';

/**
 * Registers the archiver's cron work as BullMQ job schedulers. A scheduler is one record in Redis
 * keyed by its id, so every replica upserting it at start-up leaves one schedule, and each firing
 * is one job that exactly one worker takes — however many replicas run.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(CONFIG) private readonly config: ArchiverConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ARCHIVING_QUEUE) private readonly queue: Queue,
  ) {}

  schedules(): Array<{ name: JobName; pattern: string }> {
    return [
      { name: 'archiving.scan', pattern: this.config.ARCHIVE_SCAN_CRON },
      { name: 'limits.reset-daily', pattern: this.config.RESET_LIMITS_CRON },
      { name: 'analytics.ensure-partitions', pattern: this.config.ANALYTICS_PARTITIONS_CRON },
    ];
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.ARCHIVER_SCHEDULES) return;
    for (const { name, pattern } of this.schedules()) {
      await this.queue.upsertJobScheduler(
        name,
        { pattern, tz: 'UTC' },
        {
          name,
          data: { jobId: `scheduler:${name}`, correlationId: `scheduler:${name}` },
          opts: { attempts: 3, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
        },
      );
    }
    this.logger.info({ schedules: this.schedules() }, 'archiver schedules registered');
  }

  /** The schedules stay in Redis (they belong to the deployment, not to this replica); only the handle closes. */
  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}

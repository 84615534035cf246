import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { JobPayload } from '@muse/contracts';
import { ArchivingRepository, type Database } from '@muse/db';
import { DATABASE, LOGGER, type Logger } from '@muse/platform';
import { ArchivingService } from './archiving.service.js';
import { PurgeService } from './purge.service.js';
import { ArchivingRequestsService } from './requests.service.js';
import { ScanService } from './scan.service.js';

/** Queue entry points of the archiver; each is a thin call into a service. */
@Controller()
export class ArchivingHandler {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly archiving: ArchivingService,
    private readonly requests: ArchivingRequestsService,
    private readonly scan: ScanService,
    private readonly purges: PurgeService,
    private readonly runs: ArchivingRepository,
  ) {}

  @MessagePattern('archiving.request')
  request(@Payload() payload: JobPayload<'archiving.request'>) {
    return this.requests.handle(payload);
  }

  @MessagePattern('archiving.scan')
  runScan(@Payload() payload: JobPayload<'archiving.scan'>) {
    return this.scan.run(payload.correlationId);
  }

  @MessagePattern('archiving.archive-track')
  archiveTrack(@Payload() payload: JobPayload<'archiving.archive-track'>) {
    return this.archiving.archive(payload.jobId);
  }

  /** A deleted track's objects, after the commit that deleted its rows (retried with backoff until done). */
  @MessagePattern('tracks.purge-objects')
  purgeTrackObjects(@Payload() payload: JobPayload<'tracks.purge-objects'>) {
    return this.purges.purge(payload);
  }

  /** 00:00 UTC. reset_daily_limits only touches rows not reset yet today, so a second run is harmless. */
  @MessagePattern('limits.reset-daily')
  async resetDailyLimits() {
    const result = await this.runs.resetDailyLimits(this.db);
    this.logger.info(result, 'daily limits reset');
    return result;
  }

  /** Monthly analytics partitions exist ahead of the rows that need them, so the default partition stays empty. */
  @MessagePattern('analytics.ensure-partitions')
  async ensurePartitions() {
    const created = await this.runs.ensureAnalyticsPartitions(this.db, 3);
    if (created.length) this.logger.info({ created }, 'analytics partitions created');
    return { created };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { Queue as BullQueue } from 'bullmq';
import { Queue } from '@muse/contracts';
import { ArchivingRepository, JobsRepository, TracksRepository } from '@muse/db';
import { CONFIG, jobEventsProvider, LOGGER, REDIS, type Logger, type Redis } from '@muse/platform';
import type { ArchiverConfig } from '../config.js';
import { ArchivingHandler } from './archiving.handler.js';
import { ARCHIVE_CHECKPOINT, ArchivingService, type ArchiveCheckpoint } from './archiving.service.js';
import { ARCHIVING_QUEUE } from './queue.js';
import { PurgeService } from './purge.service.js';
import { ArchivingRequestsService } from './requests.service.js';
import { ScanService } from './scan.service.js';
import { SchedulerService } from './scheduler.service.js';

@Module({})
export class ArchivingModule {
  static forRoot(options: { checkpoint?: ArchiveCheckpoint } = {}): DynamicModule {
    return {
      module: ArchivingModule,
      controllers: [ArchivingHandler],
      providers: [
        ArchivingService,
        ScanService,
        ArchivingRequestsService,
        SchedulerService,
        PurgeService,
        { provide: ARCHIVE_CHECKPOINT, useValue: options.checkpoint ?? (() => undefined) },
        {
          provide: ARCHIVING_QUEUE,
          useFactory: (config: ArchiverConfig, redis: Redis, logger: Logger) => {
            const queue = new BullQueue(Queue.Archiving, { connection: redis, prefix: config.QUEUE_PREFIX });
            queue.on('error', (error) => logger.warn({ err: error }, 'archiving queue error'));
            return queue;
          },
          inject: [CONFIG, REDIS, LOGGER],
        },
        jobEventsProvider,
        { provide: ArchivingRepository, useValue: new ArchivingRepository() },
        { provide: JobsRepository, useValue: new JobsRepository() },
        { provide: TracksRepository, useValue: new TracksRepository() },
      ],
      exports: [ArchivingService, ScanService, SchedulerService, ARCHIVING_QUEUE],
    };
  }
}

import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { QueueName } from '@muse/contracts';
import type { Database } from '@muse/db';
import { IdempotencyRepository, JobsRepository, OutboxRepository, TracksRepository, UsersRepository } from '@muse/db';
import type { Logger, Redis } from '@muse/platform';
import type { StorageService } from '@muse/storage';
import type { GatewayConfig } from '../config.js';
import { CONFIG, DATABASE, LOGGER, QUEUES, REDIS, STORAGE } from './tokens.js';

export interface CoreResources {
  config: GatewayConfig;
  db: Database;
  redis: Redis;
  storage: StorageService;
  logger: Logger;
  queues: Map<QueueName, Queue>;
}

const repositories = [UsersRepository, JobsRepository, TracksRepository, OutboxRepository, IdempotencyRepository];

/** Connections made once in main.ts, shared by every feature module. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(r: CoreResources): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: CONFIG, useValue: r.config },
        { provide: DATABASE, useValue: r.db },
        { provide: REDIS, useValue: r.redis },
        { provide: STORAGE, useValue: r.storage },
        { provide: LOGGER, useValue: r.logger },
        { provide: QUEUES, useValue: r.queues },
        ...repositories.map((R) => ({ provide: R, useValue: new R() })),
      ],
      exports: [CONFIG, DATABASE, REDIS, STORAGE, LOGGER, QUEUES, ...repositories],
    };
  }
}

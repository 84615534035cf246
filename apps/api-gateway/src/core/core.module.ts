import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { QueueName } from '@muse/contracts';
import { IdempotencyRepository, JobsRepository, OutboxRepository, TracksRepository, UsersRepository } from '@muse/db';
import { resourceProviders, RESOURCE_TOKENS, type PlatformResources } from '@muse/platform';
import type { GatewayConfig } from '../config.js';
import { QUEUES } from './tokens.js';

export interface CoreResources extends PlatformResources<GatewayConfig> {
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
        ...resourceProviders(r),
        { provide: QUEUES, useValue: r.queues },
        ...repositories.map((R) => ({ provide: R, useValue: new R() })),
      ],
      exports: [...RESOURCE_TOKENS, QUEUES, ...repositories],
    };
  }
}

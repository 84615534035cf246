import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Queue as BullQueue } from 'bullmq';
import type { QueueName } from '@muse/contracts';
import { CallbackLogsRepository, JobsRepository, NotificationsRepository, ProviderTasksRepository, type Database } from '@muse/db';
import { providerMetrics, type ProviderMetrics } from '@muse/providers';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from '../health.js';
import { JobEventsPublisher, jobEventsStreamKey } from '../job-events.js';
import type { Logger } from '../logger.js';
import type { Redis } from '../redis.js';
import { CONFIG, DATABASE, LOGGER, REDIS } from '../tokens.js';
import { ProviderBreakers } from './breakers.js';
import { ContinuationScheduler } from './continuation-scheduler.js';
import { FinishLock } from './finish-lock.js';
import { ProviderTaskRunner } from './provider-task-runner.js';
import { ProviderResultFiles } from './result-files.js';
import { ProviderTaskEnv } from './task-config.js';

/** The worker's provider settings (parsed from its config at start-up). */
export const PROVIDER_TASK_ENV = Symbol('PROVIDER_TASK_ENV');
/** The provider metrics (calls, latency, breaker state), or undefined when registered elsewhere in the process. */
export const PROVIDER_TASK_METRICS = Symbol('PROVIDER_TASK_METRICS');

function providerTaskEnvOf(config: Record<string, unknown>): ProviderTaskEnv {
  if (typeof config.PROVIDER_POLL_BASE_MS !== 'number' || typeof config.PROVIDER_TASK_FALLBACKS !== 'object') {
    throw new Error('the worker config must extend ProviderTaskEnv.shape to run provider tasks');
  }
  return config as unknown as ProviderTaskEnv;
}

class SchedulerCloser implements OnApplicationShutdown {
  constructor(private readonly scheduler: ContinuationScheduler) {}
  onApplicationShutdown(): Promise<void> {
    return this.scheduler.close();
  }
}

/**
 * Provider tasks for one worker process: one runner, one set of breakers (per provider, shared by
 * every kind), one continuation queue handle (the worker's own queue). Global, so each feature
 * module injects ProviderTaskRunner / ProviderResultFiles / PROVIDER_TASK_ENV.
 * `metrics: false` when the process registers the provider metrics elsewhere already.
 */
@Global()
@Module({})
export class ProviderTasksModule {
  static forRoot(options: { queue: QueueName; metrics?: boolean }): DynamicModule {
    return {
      module: ProviderTasksModule,
      providers: [
        // The worker's config schema includes ProviderTaskEnv.shape, so CONFIG holds the parsed settings already.
        { provide: PROVIDER_TASK_ENV, useFactory: (config: Record<string, unknown>) => providerTaskEnvOf(config), inject: [CONFIG] },
        { provide: PROVIDER_TASK_METRICS, useFactory: (registry: Registry) => (options.metrics === false ? undefined : providerMetrics(registry)), inject: [METRICS_REGISTRY] },
        { provide: ProviderBreakers, useFactory: (env: ProviderTaskEnv, metrics?: ProviderMetrics) => new ProviderBreakers(env, metrics), inject: [PROVIDER_TASK_ENV, PROVIDER_TASK_METRICS] },
        {
          provide: ContinuationScheduler,
          useFactory: (redis: Redis, config: { QUEUE_PREFIX: string }, env: ProviderTaskEnv) => new ContinuationScheduler(new BullQueue(options.queue, { connection: redis, prefix: config.QUEUE_PREFIX }), env),
          inject: [REDIS, CONFIG, PROVIDER_TASK_ENV],
        },
        { provide: SchedulerCloser, useFactory: (s: ContinuationScheduler) => new SchedulerCloser(s), inject: [ContinuationScheduler] },
        { provide: ProviderResultFiles, useFactory: (env: ProviderTaskEnv) => new ProviderResultFiles(env), inject: [PROVIDER_TASK_ENV] },
        {
          provide: ProviderTaskRunner,
          useFactory: (db: Database, logger: Logger, redis: Redis, config: { QUEUE_PREFIX: string }, env: ProviderTaskEnv, scheduler: ContinuationScheduler, breakers: ProviderBreakers) =>
            new ProviderTaskRunner({
              db,
              logger,
              events: new JobEventsPublisher(redis, jobEventsStreamKey(config.QUEUE_PREFIX)),
              jobs: new JobsRepository(),
              notifications: new NotificationsRepository(),
              providerTasks: new ProviderTasksRepository(),
              callbacks: new CallbackLogsRepository(),
              scheduler,
              breakers,
              finishLock: new FinishLock(redis, config.QUEUE_PREFIX),
              env,
            }),
          inject: [DATABASE, LOGGER, REDIS, CONFIG, PROVIDER_TASK_ENV, ContinuationScheduler, ProviderBreakers],
        },
      ],
      exports: [PROVIDER_TASK_ENV, PROVIDER_TASK_METRICS, ProviderBreakers, ContinuationScheduler, ProviderResultFiles, ProviderTaskRunner],
    };
  }
}

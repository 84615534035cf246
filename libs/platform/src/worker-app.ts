import 'reflect-metadata';
import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { sql } from 'kysely';
import { z } from 'zod';
import type { QueueName } from '@muse/contracts';
import { createDatabase, type Database } from '@muse/db';
import { StorageService } from '@muse/storage';
import { BullMqTransport } from './bullmq-transport.js';
import { BaseConfig } from './config.js';
import { OperationsModule, type HealthCheck } from './health.js';
import { createLogger, type Logger } from './logger.js';
import { createMetricsRegistry, jobMetrics } from './metrics.js';
import { createRedis, type Redis } from './redis.js';
import { CONFIG, DATABASE, LOGGER, REDIS, STORAGE } from './tokens.js';

export const WorkerConfig = BaseConfig.extend({
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  JOB_LOCK_MS: z.coerce.number().int().min(5_000).max(600_000).default(60_000),
});
export type WorkerConfig = z.infer<typeof WorkerConfig>;

export interface WorkerResources {
  config: WorkerConfig;
  db: Database;
  redis: Redis;
  storage: StorageService;
  logger: Logger;
}

export interface WorkerService {
  app: INestApplication;
  resources: WorkerResources;
  close(): Promise<void>;
}

@Global()
@Module({})
class WorkerCoreModule {
  static forRoot(r: WorkerResources): DynamicModule {
    return {
      module: WorkerCoreModule,
      providers: [
        { provide: CONFIG, useValue: r.config },
        { provide: DATABASE, useValue: r.db },
        { provide: REDIS, useValue: r.redis },
        { provide: STORAGE, useValue: r.storage },
        { provide: LOGGER, useValue: r.logger },
      ],
      exports: [CONFIG, DATABASE, REDIS, STORAGE, LOGGER],
    };
  }
}

/**
 * Boots a worker service: shared connections, the BullMQ transport for its queues, and an HTTP
 * port with health and metrics. Every worker app is this plus its own feature module.
 */
export async function startWorkerService(options: {
  service: string;
  config: WorkerConfig;
  queues: QueueName[];
  module: Type | DynamicModule;
  listen?: boolean;
}): Promise<WorkerService> {
  const { config, service } = options;
  const logger = createLogger(service, config.LOG_LEVEL);
  const db = createDatabase({ url: config.DATABASE_URL, maxConnections: config.DATABASE_POOL_SIZE, applicationName: service });
  const redis = createRedis(config.REDIS_URL, service);
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection error'));
  const storage = new StorageService({
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    publicUrl: config.S3_PUBLIC_URL,
  });
  const registry = createMetricsRegistry(service);
  const checks: HealthCheck[] = [
    { name: 'postgres', check: () => sql`select 1`.execute(db) },
    { name: 'redis', check: () => redis.ping() },
    { name: 'storage', check: () => storage.ping() },
  ];
  const resources: WorkerResources = { config, db, redis, storage, logger };

  @Module({ imports: [WorkerCoreModule.forRoot(resources), OperationsModule.forRoot({ registry, checks }), options.module] })
  class WorkerAppModule {}

  const app = await NestFactory.create(WorkerAppModule, { logger: false });
  app.connectMicroservice(
    {
      strategy: new BullMqTransport({
        connection: redis,
        prefix: config.QUEUE_PREFIX,
        queues: options.queues,
        concurrency: config.WORKER_CONCURRENCY,
        lockDurationMs: config.JOB_LOCK_MS,
        logger,
        metrics: jobMetrics(registry),
      }),
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  if (options.listen !== false) await app.listen(config.HEALTH_PORT, '0.0.0.0');
  else await app.init();
  logger.info({ queues: options.queues, port: config.HEALTH_PORT }, 'worker started');

  return {
    app,
    resources,
    async close() {
      await app.close(); // closes the transport first: active jobs finish, no new ones start
      redis.disconnect();
      storage.destroy();
      await db.destroy();
    },
  };
}

/** SIGTERM/SIGINT: stop taking jobs, finish or hand back the active ones within the grace period, exit 0. */
export function closeOnSignals(service: { close(): Promise<void> }, graceMs: number): void {
  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      const force = setTimeout(() => process.exit(1), graceMs).unref();
      void service.close().then(() => {
        clearTimeout(force);
        process.exit(0);
      });
    });
  }
}

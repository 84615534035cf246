import 'reflect-metadata';
import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { z } from 'zod';
import type { QueueName } from '@muse/contracts';
import { BullMqTransport } from './bullmq-transport.js';
import { BaseConfig } from './config.js';
import { OperationsModule } from './health.js';
import { JobErrorPassThrough } from './job-error-filter.js';
import { createMetricsRegistry, jobMetrics, recoveryMetrics } from './metrics.js';
import { createResources, resourceProviders, RESOURCE_TOKENS, type PlatformResources } from './resources.js';
import { initTracing } from './tracing.js';

export const WorkerConfig = BaseConfig.extend({
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  JOB_LOCK_MS: z.coerce.number().int().min(5_000).max(600_000).default(60_000),
});
export type WorkerConfig = z.infer<typeof WorkerConfig>;

export type WorkerResources = PlatformResources<WorkerConfig>;

export interface WorkerService {
  app: INestApplication;
  resources: WorkerResources;
  close(): Promise<void>;
  /** Hands the jobs still running back to their queues (for a shutdown whose grace period runs out). */
  handBack(): Promise<number>;
}

@Global()
@Module({})
class WorkerCoreModule {
  static forRoot(r: WorkerResources): DynamicModule {
    return { module: WorkerCoreModule, providers: resourceProviders(r), exports: RESOURCE_TOKENS };
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
  const resources = createResources(config, service);
  const { logger, redis } = resources;
  initTracing(logger);
  const registry = createMetricsRegistry(service);

  @Module({ imports: [WorkerCoreModule.forRoot(resources), OperationsModule.forRoot({ registry, checks: resources.checks }), options.module] })
  class WorkerAppModule {}

  const app = await NestFactory.create(WorkerAppModule, { logger: false, abortOnError: false });
  // Before the transport connects: its handlers take the filters registered by then. Handlers' errors reach
  // BullMQ as themselves (UnrecoverableError fails the job at once; failedReason is the error's message).
  app.useGlobalFilters(new JobErrorPassThrough(app.getHttpAdapter()));
  const transport = new BullMqTransport({
        connection: redis,
        prefix: config.QUEUE_PREFIX,
        queues: options.queues,
        concurrency: config.WORKER_CONCURRENCY,
        lockDurationMs: config.JOB_LOCK_MS,
        logger,
        metrics: jobMetrics(registry),
        recovery: recoveryMetrics(registry),
      });
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  if (options.listen !== false) await app.listen(config.HEALTH_PORT, '0.0.0.0');
  else await app.init();
  logger.info({ queues: options.queues, port: config.HEALTH_PORT }, 'worker started');

  return {
    app,
    resources,
    async close() {
      await app.close(); // closes the transport first: active jobs finish, no new ones start
      await resources.close();
    },
    async handBack() {
      const n = await transport.handBack();
      if (n > 0) logger.warn({ jobs: n }, 'shutdown grace period running out: active jobs handed back to their queues');
      return n;
    },
  };
}

/**
 * SIGTERM/SIGINT: stop taking jobs, finish the active ones within the grace period, exit 0. A job that would
 * outlast the grace period (a long render) is handed back to its queue shortly before it ends, and the
 * process still exits 0: the orchestrator's SIGKILL at the end of the grace period would otherwise leave the
 * job locked, and idle, until its lock expired. Exit 1 only when closing itself failed or hung.
 */
export function closeOnSignals(service: { close(): Promise<void>; handBack?(): Promise<number> }, graceMs: number): void {
  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      const force = setTimeout(() => process.exit(1), graceMs).unref();
      // The hand-back takes a Redis round trip per job, and timers run late on a loaded machine: start it with a
      // third of the grace period left (at most 5 s).
      const handBackAt = service.handBack
        ? setTimeout(() => {
            void service.handBack!().then(
              () => process.exit(0),
              () => process.exit(1),
            );
          }, graceMs - Math.min(5_000, graceMs / 3)).unref()
        : undefined;
      void service.close().then(
        () => {
          clearTimeout(force);
          clearTimeout(handBackAt);
          process.exit(0);
        },
        (error: unknown) => {
          process.stderr.write(`shutdown failed: ${(error as Error)?.stack ?? String(error)}\n`);
          process.exit(1);
        },
      );
    });
  }
}

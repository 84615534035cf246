import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Queue } from 'bullmq';
import express from 'express';
import { sql } from 'kysely';
import { ALL_QUEUES, type QueueName } from '@muse/contracts';
import { createDatabase } from '@muse/db';
import {
  createLogger,
  createMetricsRegistry,
  createRedis,
  httpMetrics,
  httpMetricsMiddleware,
  newCorrelationId,
  registerQueueGauges,
  requestContext,
} from '@muse/platform';
import { StorageService } from '@muse/storage';
import { AppModule } from './app.module.js';
import { bodyParserErrorHandler, ProblemFilter } from './common/problem.filter.js';
import type { GatewayConfig } from './config.js';
import { OutboxRelayService } from './outbox/outbox-relay.service.js';

export interface Gateway {
  app: NestExpressApplication;
  relay: OutboxRelayService;
  close(): Promise<void>;
}

const CORRELATION_HEADER = /^[\w.:-]{1,128}$/;

export async function createGateway(config: GatewayConfig): Promise<Gateway> {
  const logger = createLogger('api-gateway', config.LOG_LEVEL);
  const db = createDatabase({ url: config.DATABASE_URL, maxConnections: config.DATABASE_POOL_SIZE, applicationName: 'api-gateway' });
  const redis = createRedis(config.REDIS_URL, 'api-gateway', { failFast: true });
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection error'));
  const storage = new StorageService({
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    publicUrl: config.S3_PUBLIC_URL,
  });
  const queues = new Map<QueueName, Queue>(
    ALL_QUEUES.map((name) => {
      const queue = new Queue(name, { connection: redis, prefix: config.QUEUE_PREFIX });
      queue.on('error', (error) => logger.warn({ err: error, queue: name }, 'queue error'));
      return [name, queue];
    }),
  );
  const registry = createMetricsRegistry('api-gateway');
  registerQueueGauges(registry, [...queues.values()]);

  const checks = [
    { name: 'postgres', check: () => sql`select 1`.execute(db) },
    { name: 'redis', check: () => redis.ping() },
    { name: 'storage', check: () => storage.ping() },
  ];

  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, db, redis, storage, logger, queues }, { registry, checks }), {
    bodyParser: false,
    logger: false,
  });
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
    const given = req.header('x-request-id');
    const correlationId = given && CORRELATION_HEADER.test(given) ? given : newCorrelationId();
    res.setHeader('X-Request-Id', correlationId);
    requestContext.run({ correlationId }, next);
  });
  app.use(httpMetricsMiddleware(httpMetrics(registry)));
  app.use(express.json({ limit: config.BODY_LIMIT, type: ['application/json', 'application/*+json'], strict: true }));
  app.use(bodyParserErrorHandler);
  app.useGlobalFilters(new ProblemFilter(logger));
  app.enableShutdownHooks();
  await app.init();

  return {
    app,
    relay: app.get(OutboxRelayService),
    async close() {
      await app.close();
      await Promise.all([...queues.values()].map((q) => q.close()));
      redis.disconnect();
      storage.destroy();
      await db.destroy();
    },
  };
}

import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Queue } from 'bullmq';
import express from 'express';
import { ALL_QUEUES, type QueueName } from '@muse/contracts';
import {
  createMetricsRegistry,
  createResources,
  httpMetrics,
  httpMetricsMiddleware,
  newCorrelationId,
  registerQueueGauges,
  requestContext,
} from '@muse/platform';
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
  const resources = createResources(config, 'api-gateway', { redisFailFast: true });
  const { logger, redis } = resources;
  const queues = new Map<QueueName, Queue>(
    ALL_QUEUES.map((name) => {
      const queue = new Queue(name, { connection: redis, prefix: config.QUEUE_PREFIX });
      queue.on('error', (error) => logger.warn({ err: error, queue: name }, 'queue error'));
      return [name, queue];
    }),
  );
  const registry = createMetricsRegistry('api-gateway');
  registerQueueGauges(registry, [...queues.values()]);

  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ ...resources, queues }, { registry, checks: resources.checks }), {
    bodyParser: false,
    logger: false,
  });
  app.disable('x-powered-by');
  app.set('etag', false); // API responses are not conditional; hashing every body is wasted work
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
      await resources.close();
    },
  };
}

import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Queue } from 'bullmq';
import express from 'express';
import { ALL_QUEUES, type QueueName } from '@muse/contracts';
import { UsersRepository } from '@muse/db';
import {
  createMetricsRegistry,
  createResources,
  httpMetrics,
  httpMetricsMiddleware,
  httpTracingMiddleware,
  initTracing,
  newCorrelationId,
  registerQueueGauges,
  requestContext,
} from '@muse/platform';
import { DASHBOARD_PATH, queueDashboard } from './admin-queues/queue-dashboard.js';
import { AppModule } from './app.module.js';
import { TokenService } from './auth/token.service.js';
import { HttpDrain } from './common/http-drain.js';
import { bodyParserErrorHandler, httpClientErrorHandler, ProblemFilter } from './common/problem.filter.js';
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
  initTracing(logger);
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
    abortOnError: false, // throw, so a wiring error is reported instead of a silent exit
  });
  app.getHttpServer().on('clientError', httpClientErrorHandler);
  const drain = new HttpDrain(app.getHttpServer());
  app.use(drain.middleware);
  app.disable('x-powered-by');
  app.set('etag', false); // API responses are not conditional; hashing every body is wasted work
  app.set('trust proxy', 'loopback');
  app.use(httpTracingMiddleware());
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
    const given = req.header('x-request-id');
    const correlationId = given && CORRELATION_HEADER.test(given) ? given : newCorrelationId();
    res.setHeader('X-Request-Id', correlationId);
    requestContext.run({ correlationId }, next);
  });
  app.use(httpMetricsMiddleware(httpMetrics(registry)));
  const tokens = app.get(TokenService);
  const users = app.get(UsersRepository);
  app.use(
    DASHBOARD_PATH,
    queueDashboard({
      queues,
      jwtSecret: config.JWT_SECRET,
      secureCookies: config.NODE_ENV === 'production',
      logger,
      verifyAccessToken: (token) => tokens.verify(token),
      isAdmin: async (userId) => (await users.roles(resources.db, userId)).includes('admin'),
    }),
  );
  // Webhook signatures (Standard Webhooks) are over the exact bytes received, so those are kept beside the parsed body.
  app.use(express.json({ limit: config.BODY_LIMIT, type: ['application/json', 'application/*+json'], strict: true, verify: (req, _res, buf) => void ((req as { rawBody?: Buffer }).rawBody = buf) }));
  app.use(bodyParserErrorHandler);
  app.useGlobalFilters(new ProblemFilter(logger));
  app.enableShutdownHooks();
  await app.init();

  return {
    app,
    relay: app.get(OutboxRelayService),
    async close() {
      drain.start();
      try {
        await app.close();
      } finally {
        drain.stop();
      }
      await Promise.all([...queues.values()].map((q) => q.close()));
      await resources.close();
    },
  };
}

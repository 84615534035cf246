import { Module } from '@nestjs/common';
import { Queue as BullQueue } from 'bullmq';
import { Queue } from '@muse/contracts';
import { WebhooksRepository } from '@muse/db';
import { CONFIG, LOGGER, REDIS, type Logger, type Redis } from '@muse/platform';
import type { WebhookSenderConfig } from '../config.js';
import { DeliveryHandler } from './delivery.handler.js';
import { DeliveryService, WEBHOOKS_QUEUE } from './delivery.service.js';

@Module({
  controllers: [DeliveryHandler],
  providers: [
    DeliveryService,
    { provide: WebhooksRepository, useValue: new WebhooksRepository() },
    {
      provide: WEBHOOKS_QUEUE,
      useFactory: (config: WebhookSenderConfig, redis: Redis, logger: Logger) => {
        const queue = new BullQueue(Queue.Webhooks, { connection: redis, prefix: config.QUEUE_PREFIX });
        queue.on('error', (error) => logger.warn({ err: error }, 'webhooks queue error'));
        return queue;
      },
      inject: [CONFIG, REDIS, LOGGER],
    },
  ],
  exports: [DeliveryService],
})
export class DeliveryModule {}

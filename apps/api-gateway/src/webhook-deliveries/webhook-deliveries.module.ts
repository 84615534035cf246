import { Module } from '@nestjs/common';
import { WebhooksRepository } from '@muse/db';
import { OutboxModule } from '../outbox/outbox.module.js';
import { WebhookDeliveriesController, WebhookSecretController } from './webhook-deliveries.controller.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';

@Module({
  imports: [OutboxModule],
  controllers: [WebhookSecretController, WebhookDeliveriesController],
  providers: [WebhookDeliveriesService, { provide: WebhooksRepository, useValue: new WebhooksRepository() }],
})
export class WebhookDeliveriesModule {}

import { Module } from '@nestjs/common';
import { CallbackLogsRepository } from '@muse/db';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

@Module({ controllers: [WebhooksController], providers: [WebhooksService, { provide: CallbackLogsRepository, useValue: new CallbackLogsRepository() }] })
export class WebhooksModule {}

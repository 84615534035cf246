import { Module } from '@nestjs/common';
import { WebhooksRepository } from '@muse/db';
import { MeController } from './me.controller.js';
import { MeService } from './me.service.js';

@Module({ controllers: [MeController], providers: [MeService, { provide: WebhooksRepository, useValue: new WebhooksRepository() }] })
export class MeModule {}

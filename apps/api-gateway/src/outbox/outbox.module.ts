import { Module } from '@nestjs/common';
import { OutboxRelayService } from './outbox-relay.service.js';
import { PriorityAgingService } from './priority-aging.service.js';

@Module({ providers: [OutboxRelayService, PriorityAgingService], exports: [OutboxRelayService, PriorityAgingService] })
export class OutboxModule {}

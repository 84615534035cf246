import { Module } from '@nestjs/common';
import { WebhooksRepository } from '@muse/db';
import { OutboxRelayService } from './outbox-relay.service.js';
import { PriorityAgingService } from './priority-aging.service.js';
import { QueueLossRecoveryService } from './queue-loss-recovery.service.js';

@Module({
  providers: [OutboxRelayService, PriorityAgingService, QueueLossRecoveryService, { provide: WebhooksRepository, useValue: new WebhooksRepository() }],
  exports: [OutboxRelayService, PriorityAgingService, QueueLossRecoveryService],
})
export class OutboxModule {}

import { Module } from '@nestjs/common';
import { OutboxRelayService } from './outbox-relay.service.js';
import { PriorityAgingService } from './priority-aging.service.js';
import { QueueLossRecoveryService } from './queue-loss-recovery.service.js';

@Module({ providers: [OutboxRelayService, PriorityAgingService, QueueLossRecoveryService], exports: [OutboxRelayService, PriorityAgingService, QueueLossRecoveryService] })
export class OutboxModule {}

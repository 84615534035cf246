import { Module } from '@nestjs/common';
import { OutboxRelayService } from './outbox-relay.service.js';
import { QueueLossRecoveryService } from './queue-loss-recovery.service.js';

@Module({ providers: [OutboxRelayService, QueueLossRecoveryService], exports: [OutboxRelayService, QueueLossRecoveryService] })
export class OutboxModule {}

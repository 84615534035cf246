import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { JobPayload } from '@muse/contracts';
import { DeliveryService } from './delivery.service.js';

@Controller()
export class DeliveryHandler {
  constructor(private readonly deliveries: DeliveryService) {}

  @MessagePattern('webhook.deliver')
  run(@Payload() payload: JobPayload<'webhook.deliver'>) {
    return this.deliveries.deliver(payload);
  }
}

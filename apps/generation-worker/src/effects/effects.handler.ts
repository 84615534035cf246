import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { Job as QueueJob } from 'bullmq';
import type { JobPayload } from '@muse/contracts';
import { EffectsService } from './effects.service.js';

@Controller()
export class EffectsHandler {
  constructor(private readonly effects: EffectsService) {}

  @MessagePattern('effects.run')
  run(@Payload() payload: JobPayload<'effects.run'>, @Ctx() job: QueueJob) {
    return this.effects.run(payload, job);
  }
}

import { Controller } from '@nestjs/common';
import { MessagePattern, Payload, Ctx } from '@nestjs/microservices';
import type { Job as QueueJob } from 'bullmq';
import type { JobPayload } from '@muse/contracts';
import { GenerationService } from './generation.service.js';

@Controller()
export class GenerationHandler {
  constructor(private readonly generation: GenerationService) {}

  @MessagePattern('generation.run')
  run(@Payload() payload: JobPayload<'generation.run'>, @Ctx() job: QueueJob) {
    return this.generation.run(payload, job);
  }

  /** Poll ticks and verified provider callbacks for jobs already submitted to a provider. */
  @MessagePattern('generation.provider-update')
  update(@Payload() payload: JobPayload<'generation.provider-update'>, @Ctx() job: QueueJob) {
    return this.generation.update(payload, job);
  }
}

import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { Job as QueueJob } from 'bullmq';
import type { JobPayload } from '@muse/contracts';
import { TransformationService } from './transformations.service.js';

@Controller()
export class TransformationsHandler {
  constructor(private readonly transformations: TransformationService) {}

  @MessagePattern('transformation.run')
  run(@Payload() payload: JobPayload<'transformation.run'>, @Ctx() job: QueueJob) {
    return this.transformations.run(payload, job);
  }
}

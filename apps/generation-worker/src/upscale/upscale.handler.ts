import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { Job as QueueJob } from 'bullmq';
import type { JobPayload } from '@muse/contracts';
import { UpscaleService } from './upscale.service.js';

@Controller()
export class UpscaleHandler {
  constructor(private readonly upscale: UpscaleService) {}

  @MessagePattern('upscale.run')
  run(@Payload() payload: JobPayload<'upscale.run'>, @Ctx() job: QueueJob) {
    return this.upscale.run(payload, job);
  }
}

import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { Job as QueueJob } from 'bullmq';
import type { JobPayload } from '@muse/contracts';
import { WavExportService } from './wav.service.js';

@Controller()
export class WavHandler {
  constructor(private readonly wav: WavExportService) {}

  @MessagePattern('wav.run')
  run(@Payload() payload: JobPayload<'wav.run'>, @Ctx() job: QueueJob) {
    return this.wav.run(payload, job);
  }
}

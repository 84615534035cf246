import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { Job as QueueJob } from 'bullmq';
import type { JobPayload } from '@muse/contracts';
import { LyricsWriterService } from './lyrics.service.js';

@Controller()
export class LyricsHandler {
  constructor(private readonly lyrics: LyricsWriterService) {}

  @MessagePattern('lyrics.run')
  run(@Payload() payload: JobPayload<'lyrics.run'>, @Ctx() job: QueueJob) {
    return this.lyrics.run(payload, job);
  }
}

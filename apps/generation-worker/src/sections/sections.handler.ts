import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { Job as QueueJob } from 'bullmq';
import type { JobPayload } from '@muse/contracts';
import { SectionReplacementService } from './sections.service.js';

@Controller()
export class SectionsHandler {
  constructor(private readonly sections: SectionReplacementService) {}

  @MessagePattern('section_replacement.run')
  run(@Payload() payload: JobPayload<'section_replacement.run'>, @Ctx() job: QueueJob) {
    return this.sections.run(payload, job);
  }
}

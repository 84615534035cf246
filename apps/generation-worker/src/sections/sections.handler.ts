import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { Job as QueueJob } from 'bullmq';
import type { JobPayload } from '@muse/contracts';
import { ProviderTaskRunner } from '@muse/platform';
import { ExternalJobs } from '../jobs/external-jobs.js';
import { ProviderSection } from './provider-section.js';
import { SectionReplacementService } from './sections.service.js';

@Controller()
export class SectionsHandler {
  constructor(
    private readonly sections: SectionReplacementService,
    private readonly providerSection: ProviderSection,
    private readonly runner: ProviderTaskRunner,
    private readonly external: ExternalJobs,
  ) {}

  /** The local splice, or Suno's replace-section for a Suno-made version. */
  @MessagePattern('section_replacement.run')
  async run(@Payload() payload: JobPayload<'section_replacement.run'>, @Ctx() job: QueueJob) {
    if (await this.external.is(payload.jobId)) return this.runner.start(payload, this.providerSection.spec, job);
    return this.sections.run(payload, job);
  }

  /** Poll ticks and verified callbacks of a replacement submitted to Suno. */
  @MessagePattern('section_replacement.provider-update')
  update(@Payload() payload: JobPayload<'section_replacement.provider-update'>, @Ctx() job: QueueJob) {
    return this.runner.update(payload, this.providerSection.spec, job);
  }
}

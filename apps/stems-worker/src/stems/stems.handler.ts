import { Controller, Inject } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { Job as QueueJob } from 'bullmq';
import type { JobPayload } from '@muse/contracts';
import { JobsRepository, type Database } from '@muse/db';
import { DATABASE, ProviderTaskRunner } from '@muse/platform';
import { ProviderStems } from './provider-stems.js';
import { StemsService } from './stems.service.js';

@Controller()
export class StemsHandler {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly stems: StemsService,
    private readonly providerStems: ProviderStems,
    private readonly runner: ProviderTaskRunner,
    private readonly jobs: JobsRepository,
  ) {}

  /** Local separation here, or the provider path when the job names a provider (replicate_demucs, suno_stems). */
  @MessagePattern('stems.separate')
  async separate(@Payload() payload: JobPayload<'stems.separate'>, @Ctx() queueJob: QueueJob) {
    const job = await this.jobs.findById(this.db, payload.jobId);
    if (job && ProviderTaskRunner.isExternal(job)) return this.runner.start(payload, this.providerStems.spec, queueJob);
    return this.stems.run(payload);
  }

  /** Poll ticks and verified callbacks of a separation submitted to a provider. */
  @MessagePattern('stems.provider-update')
  update(@Payload() payload: JobPayload<'stems.provider-update'>, @Ctx() queueJob: QueueJob) {
    return this.runner.update(payload, this.providerStems.spec, queueJob);
  }
}

import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { Job as QueueJob } from 'bullmq';
import type { JobPayload } from '@muse/contracts';
import { ProviderTaskRunner } from '@muse/platform';
import { ExternalJobs } from '../jobs/external-jobs.js';
import { ProviderUpscale } from './provider-upscale.js';
import { UpscaleService } from './upscale.service.js';

@Controller()
export class UpscaleHandler {
  constructor(
    private readonly upscale: UpscaleService,
    private readonly providerUpscale: ProviderUpscale,
    private readonly runner: ProviderTaskRunner,
    private readonly external: ExternalJobs,
  ) {}

  /** The local resample, or the provider path when the job names a provider. */
  @MessagePattern('upscale.run')
  async run(@Payload() payload: JobPayload<'upscale.run'>, @Ctx() job: QueueJob) {
    if (await this.external.is(payload.jobId)) return this.runner.start(payload, this.providerUpscale.spec, job);
    return this.upscale.run(payload, job);
  }

  /** Poll ticks and verified callbacks of an upscale submitted to a provider. */
  @MessagePattern('upscale.provider-update')
  update(@Payload() payload: JobPayload<'upscale.provider-update'>, @Ctx() job: QueueJob) {
    return this.runner.update(payload, this.providerUpscale.spec, job);
  }
}

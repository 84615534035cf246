import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { Job as QueueJob } from 'bullmq';
import type { JobPayload } from '@muse/contracts';
import { ProviderTaskRunner } from '@muse/platform';
import { ExternalJobs } from '../jobs/external-jobs.js';
import { ProviderTransformation } from './provider-transformation.js';
import { TransformationService } from './transformations.service.js';

@Controller()
export class TransformationsHandler {
  constructor(
    private readonly transformations: TransformationService,
    private readonly providerTransformation: ProviderTransformation,
    private readonly runner: ProviderTaskRunner,
    private readonly external: ExternalJobs,
  ) {}

  /** The local engine, or the provider path when the job names a provider. */
  @MessagePattern('transformation.run')
  async run(@Payload() payload: JobPayload<'transformation.run'>, @Ctx() job: QueueJob) {
    if (await this.external.is(payload.jobId)) return this.runner.start(payload, this.providerTransformation.spec, job);
    return this.transformations.run(payload, job);
  }

  /** Poll ticks and verified callbacks of a transformation submitted to a provider. */
  @MessagePattern('transformation.provider-update')
  update(@Payload() payload: JobPayload<'transformation.provider-update'>, @Ctx() job: QueueJob) {
    return this.runner.update(payload, this.providerTransformation.spec, job);
  }
}

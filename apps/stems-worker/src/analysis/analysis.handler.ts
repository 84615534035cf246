import { Controller, Inject } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { Job as QueueJob } from 'bullmq';
import type { JobPayload } from '@muse/contracts';
import { JobsRepository, type Database } from '@muse/db';
import { DATABASE, ProviderTaskRunner } from '@muse/platform';
import { ClassificationService } from './classification.service.js';
import { DescriptionService } from './description.service.js';
import { ProviderClassification } from './provider-classification.js';
import { ProviderDescription } from './provider-description.js';
import { ProviderRecognition } from './provider-recognition.js';
import { RecognitionService } from './recognition.service.js';

@Controller()
export class AnalysisHandler {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly classification: ClassificationService,
    private readonly description: DescriptionService,
    private readonly recognition: RecognitionService,
    private readonly providerClassification: ProviderClassification,
    private readonly providerDescription: ProviderDescription,
    private readonly providerRecognition: ProviderRecognition,
    private readonly runner: ProviderTaskRunner,
    private readonly jobs: JobsRepository,
  ) {}

  /** Whether the job asked for a provider (the gateway admits only configured ones). */
  private async external(jobId: string): Promise<boolean> {
    const job = await this.jobs.findById(this.db, jobId);
    return !!job && ProviderTaskRunner.isExternal(job);
  }

  @MessagePattern('classification.run')
  async classify(@Payload() payload: JobPayload<'classification.run'>, @Ctx() queueJob: QueueJob) {
    if (await this.external(payload.jobId)) return this.runner.start(payload, this.providerClassification.spec, queueJob);
    return this.classification.run(payload);
  }

  @MessagePattern('classification.provider-update')
  classifyUpdate(@Payload() payload: JobPayload<'classification.provider-update'>, @Ctx() queueJob: QueueJob) {
    return this.runner.update(payload, this.providerClassification.spec, queueJob);
  }

  @MessagePattern('description.run')
  async describe(@Payload() payload: JobPayload<'description.run'>, @Ctx() queueJob: QueueJob) {
    if (await this.external(payload.jobId)) return this.runner.start(payload, this.providerDescription.spec, queueJob);
    return this.description.run(payload);
  }

  @MessagePattern('description.provider-update')
  describeUpdate(@Payload() payload: JobPayload<'description.provider-update'>, @Ctx() queueJob: QueueJob) {
    return this.runner.update(payload, this.providerDescription.spec, queueJob);
  }

  @MessagePattern('recognition.run')
  async recognise(@Payload() payload: JobPayload<'recognition.run'>, @Ctx() queueJob: QueueJob) {
    if (await this.external(payload.jobId)) return this.runner.start(payload, this.providerRecognition.spec, queueJob);
    return this.recognition.run(payload);
  }

  @MessagePattern('recognition.provider-update')
  recogniseUpdate(@Payload() payload: JobPayload<'recognition.provider-update'>, @Ctx() queueJob: QueueJob) {
    return this.runner.update(payload, this.providerRecognition.spec, queueJob);
  }
}

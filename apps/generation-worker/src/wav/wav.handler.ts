import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { Job as QueueJob } from 'bullmq';
import type { JobPayload } from '@muse/contracts';
import { ProviderTaskRunner } from '@muse/platform';
import { ExternalJobs } from '../jobs/external-jobs.js';
import { ProviderWav } from './provider-wav.js';
import { WavExportService } from './wav.service.js';

@Controller()
export class WavHandler {
  constructor(
    private readonly wav: WavExportService,
    private readonly providerWav: ProviderWav,
    private readonly runner: ProviderTaskRunner,
    private readonly external: ExternalJobs,
  ) {}

  /** The local decoder, or Suno's own conversion for a Suno-made version (the gateway decides). */
  @MessagePattern('wav.run')
  async run(@Payload() payload: JobPayload<'wav.run'>, @Ctx() job: QueueJob) {
    if (await this.external.is(payload.jobId)) return this.runner.start(payload, this.providerWav.spec, job);
    return this.wav.run(payload, job);
  }

  /** Poll ticks and verified callbacks of a conversion submitted to Suno. */
  @MessagePattern('wav.provider-update')
  update(@Payload() payload: JobPayload<'wav.provider-update'>, @Ctx() job: QueueJob) {
    return this.runner.update(payload, this.providerWav.spec, job);
  }
}

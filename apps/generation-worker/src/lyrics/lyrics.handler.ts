import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { Job as QueueJob } from 'bullmq';
import type { JobPayload } from '@muse/contracts';
import { ProviderTaskRunner } from '@muse/platform';
import { ExternalJobs } from '../jobs/external-jobs.js';
import { LyricsWriterService } from './lyrics.service.js';
import { ProviderLyrics } from './provider-lyrics.js';

@Controller()
export class LyricsHandler {
  constructor(
    private readonly lyrics: LyricsWriterService,
    private readonly providerLyrics: ProviderLyrics,
    private readonly runner: ProviderTaskRunner,
    private readonly external: ExternalJobs,
  ) {}

  /** The local writer, or the provider path when the job names a provider (suno, mureka). */
  @MessagePattern('lyrics.run')
  async run(@Payload() payload: JobPayload<'lyrics.run'>, @Ctx() job: QueueJob) {
    if (await this.external.is(payload.jobId)) return this.runner.start(payload, this.providerLyrics.spec, job);
    return this.lyrics.run(payload, job);
  }

  /** Poll ticks and verified callbacks of lyrics submitted to a provider (Suno). */
  @MessagePattern('lyrics.provider-update')
  update(@Payload() payload: JobPayload<'lyrics.provider-update'>, @Ctx() job: QueueJob) {
    return this.runner.update(payload, this.providerLyrics.spec, job);
  }
}

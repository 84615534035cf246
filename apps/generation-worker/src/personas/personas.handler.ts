import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { Job as QueueJob } from 'bullmq';
import type { JobPayload } from '@muse/contracts';
import { ProviderTaskRunner } from '@muse/platform';
import { ExternalJobs } from '../jobs/external-jobs.js';
import { PersonaService } from './personas.service.js';
import { ProviderPersona } from './provider-persona.js';

@Controller()
export class PersonasHandler {
  constructor(
    private readonly personas: PersonaService,
    private readonly providerPersona: ProviderPersona,
    private readonly runner: ProviderTaskRunner,
    private readonly external: ExternalJobs,
  ) {}

  /** The local voice analysis, or Suno's persona for a Suno-made source song. */
  @MessagePattern('persona.run')
  async run(@Payload() payload: JobPayload<'persona.run'>, @Ctx() job: QueueJob) {
    if (await this.external.is(payload.jobId)) return this.runner.start(payload, this.providerPersona.spec, job);
    return this.personas.run(payload, job);
  }
}

import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { Job as QueueJob } from 'bullmq';
import type { JobPayload } from '@muse/contracts';
import { PersonaService } from './personas.service.js';

@Controller()
export class PersonasHandler {
  constructor(private readonly personas: PersonaService) {}

  @MessagePattern('persona.run')
  run(@Payload() payload: JobPayload<'persona.run'>, @Ctx() job: QueueJob) {
    return this.personas.run(payload, job);
  }
}

import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { JobPayload } from '@muse/contracts';
import { StemsService } from './stems.service.js';

@Controller()
export class StemsHandler {
  constructor(private readonly stems: StemsService) {}

  @MessagePattern('stems.separate')
  separate(@Payload() payload: JobPayload<'stems.separate'>) {
    return this.stems.run(payload);
  }
}

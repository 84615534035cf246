import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { JobPayload } from '@muse/contracts';
import { IngestService } from './ingest.service.js';

@Controller()
export class IngestHandler {
  constructor(private readonly ingest: IngestService) {}

  @MessagePattern('analytics.ingest')
  run(@Payload() payload: JobPayload<'analytics.ingest'>) {
    return this.ingest.ingest(payload);
  }
}

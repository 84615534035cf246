import { Module } from '@nestjs/common';
import { AnalyticsRepository, ArchivingRepository } from '@muse/db';
import { IngestHandler } from './ingest.handler.js';
import { IngestService } from './ingest.service.js';

@Module({
  controllers: [IngestHandler],
  providers: [
    IngestService,
    { provide: AnalyticsRepository, useValue: new AnalyticsRepository() },
    { provide: ArchivingRepository, useValue: new ArchivingRepository() },
  ],
  exports: [IngestService],
})
export class IngestModule {}

import { Module } from '@nestjs/common';
import { AnalyticsRepository } from '@muse/db';
import { AnalyticsEventsController, AnalyticsReportsController } from './analytics.controller.js';
import { AnalyticsIngestService } from './analytics-ingest.service.js';
import { AnalyticsReportsService } from './analytics-reports.service.js';
import { OptionalAuthGuard } from './optional-auth.guard.js';

@Module({
  controllers: [AnalyticsEventsController, AnalyticsReportsController],
  providers: [AnalyticsIngestService, AnalyticsReportsService, OptionalAuthGuard, { provide: AnalyticsRepository, useValue: new AnalyticsRepository() }],
})
export class AnalyticsModule {}

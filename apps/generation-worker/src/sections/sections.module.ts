import { Module } from '@nestjs/common';
import { SectionReplacementsRepository, TracksRepository } from '@muse/db';
import { ExternalJobs } from '../jobs/external-jobs.js';
import { jobRunnerProviders } from '../jobs/job-runner.js';
import { ProviderSection } from './provider-section.js';
import { SectionsHandler } from './sections.handler.js';
import { SectionReplacementService } from './sections.service.js';

@Module({
  controllers: [SectionsHandler],
  providers: [
    ...jobRunnerProviders,
    SectionReplacementService,
    ProviderSection,
    ExternalJobs,
    { provide: SectionReplacementsRepository, useValue: new SectionReplacementsRepository() },
    { provide: TracksRepository, useValue: new TracksRepository() },
  ],
})
export class SectionsModule {}

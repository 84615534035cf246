import { Module } from '@nestjs/common';
import { SectionReplacementsRepository, TracksRepository } from '@muse/db';
import { jobRunnerProviders } from '../jobs/job-runner.js';
import { SectionsHandler } from './sections.handler.js';
import { SectionReplacementService } from './sections.service.js';

@Module({
  controllers: [SectionsHandler],
  providers: [
    ...jobRunnerProviders,
    SectionReplacementService,
    { provide: SectionReplacementsRepository, useValue: new SectionReplacementsRepository() },
    { provide: TracksRepository, useValue: new TracksRepository() },
  ],
})
export class SectionsModule {}

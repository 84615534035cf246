import { Module } from '@nestjs/common';
import { LyricsJobsRepository } from '@muse/db';
import { ExternalJobs } from '../jobs/external-jobs.js';
import { jobRunnerProviders } from '../jobs/job-runner.js';
import { ProviderLyrics } from './provider-lyrics.js';
import { LyricsHandler } from './lyrics.handler.js';
import { LyricsWriterService } from './lyrics.service.js';

@Module({
  controllers: [LyricsHandler],
  providers: [...jobRunnerProviders, LyricsWriterService, ProviderLyrics, ExternalJobs, { provide: LyricsJobsRepository, useValue: new LyricsJobsRepository() }],
})
export class LyricsModule {}

import { Module } from '@nestjs/common';
import { LyricsJobsRepository } from '@muse/db';
import { jobRunnerProviders } from '../jobs/job-runner.js';
import { LyricsHandler } from './lyrics.handler.js';
import { LyricsWriterService } from './lyrics.service.js';

@Module({
  controllers: [LyricsHandler],
  providers: [...jobRunnerProviders, LyricsWriterService, { provide: LyricsJobsRepository, useValue: new LyricsJobsRepository() }],
})
export class LyricsModule {}

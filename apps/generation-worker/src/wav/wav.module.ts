import { Module } from '@nestjs/common';
import { TracksRepository, WavJobsRepository } from '@muse/db';
import { jobRunnerProviders } from '../jobs/job-runner.js';
import { WavHandler } from './wav.handler.js';
import { WavExportService } from './wav.service.js';

@Module({
  controllers: [WavHandler],
  providers: [...jobRunnerProviders, WavExportService, { provide: WavJobsRepository, useValue: new WavJobsRepository() }, { provide: TracksRepository, useValue: new TracksRepository() }],
})
export class WavModule {}

import { Module } from '@nestjs/common';
import { TracksRepository, WavJobsRepository } from '@muse/db';
import { ExternalJobs } from '../jobs/external-jobs.js';
import { jobRunnerProviders } from '../jobs/job-runner.js';
import { ProviderWav } from './provider-wav.js';
import { WavHandler } from './wav.handler.js';
import { WavExportService } from './wav.service.js';

@Module({
  controllers: [WavHandler],
  providers: [...jobRunnerProviders, WavExportService, ProviderWav, ExternalJobs, { provide: WavJobsRepository, useValue: new WavJobsRepository() }, { provide: TracksRepository, useValue: new TracksRepository() }],
})
export class WavModule {}

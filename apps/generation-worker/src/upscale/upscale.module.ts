import { Module } from '@nestjs/common';
import { TracksRepository, UpscaleJobsRepository } from '@muse/db';
import { ExternalJobs } from '../jobs/external-jobs.js';
import { jobRunnerProviders } from '../jobs/job-runner.js';
import { ProviderUpscale } from './provider-upscale.js';
import { UpscaleHandler } from './upscale.handler.js';
import { UpscaleService } from './upscale.service.js';

@Module({
  controllers: [UpscaleHandler],
  providers: [...jobRunnerProviders, UpscaleService, ProviderUpscale, ExternalJobs, { provide: UpscaleJobsRepository, useValue: new UpscaleJobsRepository() }, { provide: TracksRepository, useValue: new TracksRepository() }],
})
export class UpscaleModule {}

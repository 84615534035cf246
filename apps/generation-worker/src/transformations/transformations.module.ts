import { Module } from '@nestjs/common';
import { TransformationsRepository } from '@muse/db';
import { ExternalJobs } from '../jobs/external-jobs.js';
import { jobRunnerProviders } from '../jobs/job-runner.js';
import { ProviderTransformation } from './provider-transformation.js';
import { TransformationsHandler } from './transformations.handler.js';
import { TransformationService } from './transformations.service.js';

@Module({
  controllers: [TransformationsHandler],
  providers: [...jobRunnerProviders, TransformationService, ProviderTransformation, ExternalJobs, { provide: TransformationsRepository, useValue: new TransformationsRepository() }],
})
export class TransformationsModule {}

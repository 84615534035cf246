import { Module } from '@nestjs/common';
import { TransformationsRepository } from '@muse/db';
import { jobRunnerProviders } from '../jobs/job-runner.js';
import { TransformationsHandler } from './transformations.handler.js';
import { TransformationService } from './transformations.service.js';

@Module({
  controllers: [TransformationsHandler],
  providers: [...jobRunnerProviders, TransformationService, { provide: TransformationsRepository, useValue: new TransformationsRepository() }],
})
export class TransformationsModule {}

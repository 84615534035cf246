import { Module } from '@nestjs/common';
import { JobResultsRepository } from '@muse/db';
import { JobResultsController } from './job-results.controller.js';
import { JobResultsService } from './job-results.service.js';

@Module({ controllers: [JobResultsController], providers: [JobResultsService, { provide: JobResultsRepository, useValue: new JobResultsRepository() }] })
export class JobResultsModule {}

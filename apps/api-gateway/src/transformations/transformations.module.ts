import { Module } from '@nestjs/common';
import { TransformationsRepository } from '@muse/db';
import { JobsModule } from '../jobs/jobs.module.js';
import { TransformationsController } from './transformations.controller.js';
import { TransformationsService } from './transformations.service.js';

@Module({ imports: [JobsModule], controllers: [TransformationsController], providers: [TransformationsService, { provide: TransformationsRepository, useValue: new TransformationsRepository() }] })
export class TransformationsModule {}

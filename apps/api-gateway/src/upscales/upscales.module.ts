import { Module } from '@nestjs/common';
import { UpscaleJobsRepository } from '@muse/db';
import { JobsModule } from '../jobs/jobs.module.js';
import { UpscalesController } from './upscales.controller.js';
import { UpscalesService } from './upscales.service.js';

@Module({ imports: [JobsModule], controllers: [UpscalesController], providers: [UpscalesService, { provide: UpscaleJobsRepository, useValue: new UpscaleJobsRepository() }] })
export class UpscalesModule {}

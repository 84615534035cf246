import { Module } from '@nestjs/common';
import { WavJobsRepository } from '@muse/db';
import { JobsModule } from '../jobs/jobs.module.js';
import { WavController } from './wav.controller.js';
import { WavService } from './wav.service.js';

@Module({ imports: [JobsModule], controllers: [WavController], providers: [WavService, { provide: WavJobsRepository, useValue: new WavJobsRepository() }] })
export class WavModule {}

import { Module } from '@nestjs/common';
import { AnalysisRepository, FingerprintsRepository } from '@muse/db';
import { JobsModule } from '../jobs/jobs.module.js';
import { AnalysisController } from './analysis.controller.js';
import { AnalysisService } from './analysis.service.js';

@Module({ imports: [JobsModule], controllers: [AnalysisController], providers: [AnalysisService, { provide: AnalysisRepository, useValue: new AnalysisRepository() }, { provide: FingerprintsRepository, useValue: new FingerprintsRepository() }] })
export class AnalysisApiModule {}

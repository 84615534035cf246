import { Module } from '@nestjs/common';
import { TrackEffectsRepository } from '@muse/db';
import { JobsModule } from '../jobs/jobs.module.js';
import { EffectsController } from './effects.controller.js';
import { EffectsService } from './effects.service.js';

@Module({ imports: [JobsModule], controllers: [EffectsController], providers: [EffectsService, { provide: TrackEffectsRepository, useValue: new TrackEffectsRepository() }] })
export class EffectsModule {}

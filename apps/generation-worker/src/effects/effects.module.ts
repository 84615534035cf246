import { Module } from '@nestjs/common';
import { TrackEffectsRepository, TracksRepository } from '@muse/db';
import { jobRunnerProviders } from '../jobs/job-runner.js';
import { EffectsHandler } from './effects.handler.js';
import { EffectsService } from './effects.service.js';

@Module({
  controllers: [EffectsHandler],
  providers: [...jobRunnerProviders, EffectsService, { provide: TrackEffectsRepository, useValue: new TrackEffectsRepository() }, { provide: TracksRepository, useValue: new TracksRepository() }],
})
export class EffectsModule {}

import { Module } from '@nestjs/common';
import { JobsRepository, StemsRepository, TracksRepository } from '@muse/db';
import { jobEventsProvider } from '@muse/platform';
import { ProviderStems } from './provider-stems.js';
import { StemsHandler } from './stems.handler.js';
import { StemsService } from './stems.service.js';

@Module({
  controllers: [StemsHandler],
  providers: [
    StemsService,
    ProviderStems,
    jobEventsProvider,
    { provide: JobsRepository, useValue: new JobsRepository() },
    { provide: TracksRepository, useValue: new TracksRepository() },
    { provide: StemsRepository, useValue: new StemsRepository() },
  ],
})
export class StemsModule {}

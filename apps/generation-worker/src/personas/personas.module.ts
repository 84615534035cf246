import { Module } from '@nestjs/common';
import { PersonasRepository, TracksRepository } from '@muse/db';
import { jobRunnerProviders } from '../jobs/job-runner.js';
import { PersonasHandler } from './personas.handler.js';
import { PersonaService } from './personas.service.js';

@Module({
  controllers: [PersonasHandler],
  providers: [...jobRunnerProviders, PersonaService, { provide: PersonasRepository, useValue: new PersonasRepository() }, { provide: TracksRepository, useValue: new TracksRepository() }],
})
export class PersonasModule {}

import { Module } from '@nestjs/common';
import { PersonasRepository, TracksRepository } from '@muse/db';
import { ExternalJobs } from '../jobs/external-jobs.js';
import { jobRunnerProviders } from '../jobs/job-runner.js';
import { ProviderPersona } from './provider-persona.js';
import { PersonasHandler } from './personas.handler.js';
import { PersonaService } from './personas.service.js';

@Module({
  controllers: [PersonasHandler],
  providers: [...jobRunnerProviders, PersonaService, ProviderPersona, ExternalJobs, { provide: PersonasRepository, useValue: new PersonasRepository() }, { provide: TracksRepository, useValue: new TracksRepository() }],
})
export class PersonasModule {}

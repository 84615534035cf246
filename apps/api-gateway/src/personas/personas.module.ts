import { Module } from '@nestjs/common';
import { PersonasRepository } from '@muse/db';
import { JobsModule } from '../jobs/jobs.module.js';
import { PersonasController } from './personas.controller.js';
import { PersonasService } from './personas.service.js';

@Module({ imports: [JobsModule], controllers: [PersonasController], providers: [PersonasService, { provide: PersonasRepository, useValue: new PersonasRepository() }] })
export class PersonasModule {}

import { Module } from '@nestjs/common';
import { PersonasRepository } from '@muse/db';
import { JobsModule } from '../jobs/jobs.module.js';
import { GenerationsController } from './generations.controller.js';
import { GenerationsService } from './generations.service.js';

@Module({ imports: [JobsModule], controllers: [GenerationsController], providers: [GenerationsService, { provide: PersonasRepository, useValue: new PersonasRepository() }] })
export class GenerationsModule {}

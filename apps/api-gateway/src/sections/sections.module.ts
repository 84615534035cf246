import { Module } from '@nestjs/common';
import { SectionReplacementsRepository } from '@muse/db';
import { JobsModule } from '../jobs/jobs.module.js';
import { SectionsController } from './sections.controller.js';
import { SectionsService } from './sections.service.js';

@Module({ imports: [JobsModule], controllers: [SectionsController], providers: [SectionsService, { provide: SectionReplacementsRepository, useValue: new SectionReplacementsRepository() }] })
export class SectionsModule {}

import { Module } from '@nestjs/common';
import { LyricsJobsRepository } from '@muse/db';
import { JobsModule } from '../jobs/jobs.module.js';
import { LyricsController } from './lyrics.controller.js';
import { LyricsService } from './lyrics.service.js';

@Module({ imports: [JobsModule], controllers: [LyricsController], providers: [LyricsService, { provide: LyricsJobsRepository, useValue: new LyricsJobsRepository() }] })
export class LyricsModule {}

import { Module } from '@nestjs/common';
import { MusicProjectsRepository } from '@muse/db';
import { MusicProjectsController } from './music-projects.controller.js';
import { MusicProjectsService } from './music-projects.service.js';

@Module({ controllers: [MusicProjectsController], providers: [MusicProjectsService, { provide: MusicProjectsRepository, useValue: new MusicProjectsRepository() }] })
export class MusicProjectsModule {}

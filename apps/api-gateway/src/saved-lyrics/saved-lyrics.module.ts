import { Module } from '@nestjs/common';
import { SavedLyricsRepository } from '@muse/db';
import { SavedLyricsController } from './saved-lyrics.controller.js';
import { SavedLyricsService } from './saved-lyrics.service.js';

@Module({ controllers: [SavedLyricsController], providers: [SavedLyricsService, { provide: SavedLyricsRepository, useValue: new SavedLyricsRepository() }] })
export class SavedLyricsModule {}

import { Module } from '@nestjs/common';
import { TrackCatalogRepository } from '@muse/db';
import { OutboxModule } from '../outbox/outbox.module.js';
import { TracksController, VersionsController } from './tracks.controller.js';
import { TracksService } from './tracks.service.js';

@Module({
  imports: [OutboxModule],
  controllers: [TracksController, VersionsController],
  providers: [TracksService, { provide: TrackCatalogRepository, useValue: new TrackCatalogRepository() }],
})
export class TracksModule {}

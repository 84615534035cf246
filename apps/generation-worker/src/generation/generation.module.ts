import { Module, type DynamicModule } from '@nestjs/common';
import { JobsRepository, NotificationsRepository, TracksRepository } from '@muse/db';
import { JobEventsPublisher, REDIS, type Redis } from '@muse/platform';
import { LocalMusicProvider } from '../providers/local-music.provider.js';
import { MUSIC_PROVIDERS, type MusicGenerationProvider } from '../providers/music-provider.js';
import { GenerationHandler } from './generation.handler.js';
import { GenerationService } from './generation.service.js';

@Module({})
export class GenerationModule {
  /** extraProviders lets benchmarks and tests add providers beside the built-in ones. */
  static forRoot(extraProviders: MusicGenerationProvider[] = []): DynamicModule {
    return {
      module: GenerationModule,
      controllers: [GenerationHandler],
      providers: [
        GenerationService,
        { provide: MUSIC_PROVIDERS, useValue: [new LocalMusicProvider(), ...extraProviders] },
        { provide: JobEventsPublisher, useFactory: (redis: Redis) => new JobEventsPublisher(redis), inject: [REDIS] },
        { provide: JobsRepository, useValue: new JobsRepository() },
        { provide: TracksRepository, useValue: new TracksRepository() },
        { provide: NotificationsRepository, useValue: new NotificationsRepository() },
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { CallbackLogsRepository, JobsRepository, NotificationsRepository, PersonasRepository, ProviderTasksRepository, TrackMediaRepository, TracksRepository } from '@muse/db';
import { analyticsEmitterProvider, CONFIG, jobEventsProvider, METRICS_REGISTRY } from '@muse/platform';
import { providerMetrics, type ProviderEnv } from '@muse/providers';
import type { Registry } from 'prom-client';
import { LocalMusicProvider } from '../providers/local-music.provider.js';
import { MUSIC_PROVIDERS, type MusicGenerationProvider } from '../providers/music-provider.js';
import { externalMusicProviders, ProviderRegistry } from '../providers/provider-registry.js';
import { ReferenceAudioFetcher } from '../providers/reference-audio.js';
import { GenerationHandler } from './generation.handler.js';
import { GenerationService, PROVIDER_ENV } from './generation.service.js';

@Module({})
export class GenerationModule {
  /** extraProviders lets benchmarks and tests add providers beside the built-in ones. */
  static forRoot(extraProviders: MusicGenerationProvider[] = []): DynamicModule {
    return {
      module: GenerationModule,
      controllers: [GenerationHandler],
      providers: [
        GenerationService,
        // The worker's config includes ProviderEnv (GenerationWorkerConfig); parsed once at start-up.
        { provide: PROVIDER_ENV, useFactory: (config: ProviderEnv) => config, inject: [CONFIG] },
        { provide: 'PROVIDER_METRICS', useFactory: (registry: Registry) => providerMetrics(registry), inject: [METRICS_REGISTRY] },
        {
          provide: MUSIC_PROVIDERS,
          useFactory: (env: ProviderEnv, metrics: ReturnType<typeof providerMetrics>) => [new LocalMusicProvider(), ...externalMusicProviders(env, metrics), ...extraProviders],
          inject: [PROVIDER_ENV, 'PROVIDER_METRICS'],
        },
        {
          provide: ProviderRegistry,
          useFactory: (providers: MusicGenerationProvider[], env: ProviderEnv, metrics: ReturnType<typeof providerMetrics>) => new ProviderRegistry(providers, env, metrics),
          inject: [MUSIC_PROVIDERS, PROVIDER_ENV, 'PROVIDER_METRICS'],
        },
        { provide: ReferenceAudioFetcher, useFactory: (env: ProviderEnv) => new ReferenceAudioFetcher(env), inject: [PROVIDER_ENV] },
        jobEventsProvider,
        analyticsEmitterProvider,
        { provide: JobsRepository, useValue: new JobsRepository() },
        { provide: TracksRepository, useValue: new TracksRepository() },
        { provide: NotificationsRepository, useValue: new NotificationsRepository() },
        { provide: ProviderTasksRepository, useValue: new ProviderTasksRepository() },
        { provide: PersonasRepository, useValue: new PersonasRepository() },
        { provide: TrackMediaRepository, useValue: new TrackMediaRepository() },
        { provide: CallbackLogsRepository, useValue: new CallbackLogsRepository() },
      ],
    };
  }
}

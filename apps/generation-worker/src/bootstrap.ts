import { Queue } from '@muse/contracts';
import { ProviderTaskEnv, ProviderTasksModule, startWorkerService, WorkerConfig, type WorkerService } from '@muse/platform';
import { Module } from '@nestjs/common';
import { GenerationModule } from './generation/generation.module.js';
import { WavModule } from './wav/wav.module.js';
import { LyricsModule } from './lyrics/lyrics.module.js';
import { UpscaleModule } from './upscale/upscale.module.js';
import { SectionsModule } from './sections/sections.module.js';
import { PersonasModule } from './personas/personas.module.js';
import { TransformationsModule } from './transformations/transformations.module.js';
import { StudioProvidersModule } from './jobs/studio-providers.js';
import { EffectsModule } from './effects/effects.module.js';
import type { MusicGenerationProvider } from './providers/music-provider.js';

export const GenerationWorkerConfig = WorkerConfig.extend({
  HEALTH_PORT: WorkerConfig.shape.HEALTH_PORT.default(3001),
  // Provider settings (ProviderEnv) plus the per-kind fallbacks of the studio kinds' provider tasks.
  ...ProviderTaskEnv.shape,
});
export type GenerationWorkerConfig = ReturnType<typeof GenerationWorkerConfig.parse>;

/** Studio job kinds (issue 5): each its own module with a '<kind>.run' handler on the generation queue. */
const STUDIO_MODULES = [WavModule, LyricsModule, UpscaleModule, SectionsModule, PersonasModule, TransformationsModule, EffectsModule];

@Module({})
class GenerationWorkerModule {}

export function startGenerationWorker(config: GenerationWorkerConfig, options: { extraProviders?: MusicGenerationProvider[]; listen?: boolean } = {}): Promise<WorkerService> {
  return startWorkerService({
    service: 'generation-worker',
    config,
    queues: [Queue.Generation],
    module: { module: GenerationWorkerModule, imports: [
        GenerationModule.forRoot(options.extraProviders),
        // Provider tasks of the studio kinds; GenerationModule registers the provider metrics already.
        ProviderTasksModule.forRoot({ queue: Queue.Generation, metrics: false }),
        StudioProvidersModule,
        ...STUDIO_MODULES,
      ] },
    listen: options.listen,
  });
}

import { Queue } from '@muse/contracts';
import { startWorkerService, WorkerConfig, type WorkerService } from '@muse/platform';
import { ProviderEnv } from '@muse/providers';
import { Module } from '@nestjs/common';
import { GenerationModule } from './generation/generation.module.js';
import { WavModule } from './wav/wav.module.js';
import { LyricsModule } from './lyrics/lyrics.module.js';
import { UpscaleModule } from './upscale/upscale.module.js';
import { SectionsModule } from './sections/sections.module.js';
import { PersonasModule } from './personas/personas.module.js';
import { TransformationsModule } from './transformations/transformations.module.js';
import type { MusicGenerationProvider } from './providers/music-provider.js';

export const GenerationWorkerConfig = WorkerConfig.extend({
  HEALTH_PORT: WorkerConfig.shape.HEALTH_PORT.default(3001),
  ...ProviderEnv.shape,
});
export type GenerationWorkerConfig = ReturnType<typeof GenerationWorkerConfig.parse>;

/** Studio job kinds (issue 5): each its own module with a '<kind>.run' handler on the generation queue. */
const STUDIO_MODULES = [WavModule, LyricsModule, UpscaleModule, SectionsModule, PersonasModule, TransformationsModule];

@Module({})
class GenerationWorkerModule {}

export function startGenerationWorker(config: GenerationWorkerConfig, options: { extraProviders?: MusicGenerationProvider[]; listen?: boolean } = {}): Promise<WorkerService> {
  return startWorkerService({
    service: 'generation-worker',
    config,
    queues: [Queue.Generation],
    module: { module: GenerationWorkerModule, imports: [GenerationModule.forRoot(options.extraProviders), ...STUDIO_MODULES] },
    listen: options.listen,
  });
}

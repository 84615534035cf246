import { Queue } from '@muse/contracts';
import { startWorkerService, WorkerConfig, type WorkerService } from '@muse/platform';
import { GenerationModule } from './generation/generation.module.js';
import type { MusicGenerationProvider } from './providers/music-provider.js';

export const GenerationWorkerConfig = WorkerConfig.extend({
  HEALTH_PORT: WorkerConfig.shape.HEALTH_PORT.default(3001),
});

export function startGenerationWorker(config: WorkerConfig, options: { extraProviders?: MusicGenerationProvider[]; listen?: boolean } = {}): Promise<WorkerService> {
  return startWorkerService({
    service: 'generation-worker',
    config,
    queues: [Queue.Generation],
    module: GenerationModule.forRoot(options.extraProviders),
    listen: options.listen,
  });
}

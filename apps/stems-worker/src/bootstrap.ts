import { Module } from '@nestjs/common';
import { Queue } from '@muse/contracts';
import { ProviderTaskEnv, ProviderTasksModule, startWorkerService, WorkerConfig, type WorkerService } from '@muse/platform';
import { AnalysisModule } from './analysis/analysis.module.js';
import { AudioProvidersModule } from './providers/providers.module.js';
import { StemsModule } from './stems/stems.module.js';

export const StemsWorkerConfig = WorkerConfig.extend({ HEALTH_PORT: WorkerConfig.shape.HEALTH_PORT.default(3002), ...ProviderTaskEnv.shape });
export type StemsWorkerConfig = ReturnType<typeof StemsWorkerConfig.parse>;

/** The CPU-heavy audio worker on the stems queue: stem separation, classification and description. */
@Module({ imports: [ProviderTasksModule.forRoot({ queue: Queue.Stems }), AudioProvidersModule, StemsModule, AnalysisModule] })
class StemsWorkerModule {}

export function startStemsWorker(config: WorkerConfig, options: { listen?: boolean } = {}): Promise<WorkerService> {
  return startWorkerService({ service: 'stems-worker', config, queues: [Queue.Stems], module: StemsWorkerModule, listen: options.listen });
}

import { closeOnSignals, exitOnConfigError, loadConfig, type WorkerConfig } from '@muse/platform';
import { GenerationWorkerConfig, startGenerationWorker } from './bootstrap.js';

let config: WorkerConfig;
try {
  config = loadConfig(GenerationWorkerConfig);
} catch (error) {
  exitOnConfigError(error);
}
closeOnSignals(await startGenerationWorker(config), config.SHUTDOWN_GRACE_MS);

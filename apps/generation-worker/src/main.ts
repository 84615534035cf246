import { closeOnSignals, exitOnConfigError, loadConfig } from '@muse/platform';
import { GenerationWorkerConfig, startGenerationWorker } from './bootstrap.js';

let config: GenerationWorkerConfig;
try {
  config = loadConfig(GenerationWorkerConfig);
} catch (error) {
  exitOnConfigError(error);
}
closeOnSignals(await startGenerationWorker(config), config.SHUTDOWN_GRACE_MS);

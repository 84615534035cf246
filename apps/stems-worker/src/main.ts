import { closeOnSignals, exitOnConfigError, loadConfig, type WorkerConfig } from '@muse/platform';
import { startStemsWorker, StemsWorkerConfig } from './bootstrap.js';

let config: WorkerConfig;
try {
  config = loadConfig(StemsWorkerConfig);
} catch (error) {
  exitOnConfigError(error);
}
closeOnSignals(await startStemsWorker(config), config.SHUTDOWN_GRACE_MS);

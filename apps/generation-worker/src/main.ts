import { warmUpEngineWorkers } from '@muse/audio-engine';
import { closeOnSignals, exitOnConfigError, loadConfig } from '@muse/platform';
import { GenerationWorkerConfig, startGenerationWorker } from './bootstrap.js';

let config: GenerationWorkerConfig;
try {
  config = loadConfig(GenerationWorkerConfig);
} catch (error) {
  exitOnConfigError(error);
}
const worker = await startGenerationWorker(config);
// The engine's threads (variants, stems, MP3 halves) start now, not inside the first job: thread start-up and
// the encoder's WebAssembly compilation would otherwise count against that job's time.
warmUpEngineWorkers().catch((error) => worker.resources.logger.warn({ err: error }, 'engine worker warm-up failed; the first job starts them'));
closeOnSignals(worker, config.SHUTDOWN_GRACE_MS);

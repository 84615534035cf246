import { Module } from '@nestjs/common';
import { closeOnSignals, exitOnConfigError, loadConfig, startWorkerService, WorkerConfig } from '@muse/platform';

/**
 * Stem separation (provider or local DSP), scaled on the stems queue.
 * Until its jobs land it boots, connects, and serves health and metrics like every service.
 */
@Module({})
class StemsModule {}

const Config = WorkerConfig.extend({ HEALTH_PORT: WorkerConfig.shape.HEALTH_PORT.default(3002) });

let config: WorkerConfig;
try {
  config = loadConfig(Config);
} catch (error) {
  exitOnConfigError(error);
}
closeOnSignals(await startWorkerService({ service: 'stems-worker', config, queues: [], module: StemsModule }), config.SHUTDOWN_GRACE_MS);

import { Module } from '@nestjs/common';
import { closeOnSignals, exitOnConfigError, loadConfig, startWorkerService, WorkerConfig } from '@muse/platform';

/**
 * Scheduled archiving scans, archive moves and restores, daily limit resets.
 * Until its jobs land it boots, connects, and serves health and metrics like every service.
 */
@Module({})
class ArchiverModule {}

const Config = WorkerConfig.extend({ HEALTH_PORT: WorkerConfig.shape.HEALTH_PORT.default(3003) });

let config: WorkerConfig;
try {
  config = loadConfig(Config);
} catch (error) {
  exitOnConfigError(error);
}
closeOnSignals(await startWorkerService({ service: 'archiver', config, queues: [], module: ArchiverModule }), config.SHUTDOWN_GRACE_MS);

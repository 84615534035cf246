import { Module } from '@nestjs/common';
import { closeOnSignals, exitOnConfigError, loadConfig, startWorkerService, WorkerConfig } from '@muse/platform';

/**
 * Batches analytics events into the partitioned analytics tables.
 * Until its jobs land it boots, connects, and serves health and metrics like every service.
 */
@Module({})
class AnalyticsIngestModule {}

const Config = WorkerConfig.extend({ HEALTH_PORT: WorkerConfig.shape.HEALTH_PORT.default(3004) });

let config: WorkerConfig;
try {
  config = loadConfig(Config);
} catch (error) {
  exitOnConfigError(error);
}
closeOnSignals(await startWorkerService({ service: 'analytics-ingest', config, queues: [], module: AnalyticsIngestModule }), config.SHUTDOWN_GRACE_MS);

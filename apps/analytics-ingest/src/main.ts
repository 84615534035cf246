import { closeOnSignals, exitOnConfigError, loadConfig } from '@muse/platform';
import { IngestConfig, startAnalyticsIngest } from './bootstrap.js';

let config: IngestConfig;
try {
  config = loadConfig(IngestConfig);
} catch (error) {
  exitOnConfigError(error);
}
closeOnSignals(await startAnalyticsIngest(config), config.SHUTDOWN_GRACE_MS);

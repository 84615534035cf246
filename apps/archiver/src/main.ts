import { closeOnSignals, exitOnConfigError, loadConfig } from '@muse/platform';
import { ArchiverConfig, startArchiver } from './bootstrap.js';

let config: ArchiverConfig;
try {
  config = loadConfig(ArchiverConfig);
} catch (error) {
  exitOnConfigError(error);
}
closeOnSignals(await startArchiver(config), config.SHUTDOWN_GRACE_MS);

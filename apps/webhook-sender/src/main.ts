import { closeOnSignals, exitOnConfigError, loadConfig } from '@muse/platform';
import { startWebhookSender, WebhookSenderConfig } from './bootstrap.js';

let config: WebhookSenderConfig;
try {
  config = loadConfig(WebhookSenderConfig);
} catch (error) {
  exitOnConfigError(error);
}
closeOnSignals(await startWebhookSender(config), config.SHUTDOWN_GRACE_MS);

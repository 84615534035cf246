import { closeOnSignals, exitOnConfigError, loadConfig } from '@muse/platform';
import { createGateway } from './bootstrap.js';
import { GatewayConfig } from './config.js';

let config: GatewayConfig;
try {
  config = loadConfig(GatewayConfig);
} catch (error) {
  exitOnConfigError(error);
}

const gateway = await createGateway(config);
await gateway.app.listen(config.PORT, '0.0.0.0');
process.stdout.write(`${JSON.stringify({ level: 30, time: new Date().toISOString(), service: 'api-gateway', msg: 'listening', port: config.PORT })}\n`);
closeOnSignals(gateway, config.SHUTDOWN_GRACE_MS);

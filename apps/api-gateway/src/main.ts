import { exitOnConfigError, loadConfig } from '@muse/platform';
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
process.stdout.write(`${JSON.stringify({ level: 30, service: 'api-gateway', msg: 'listening', port: config.PORT })}\n`);

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS).unref();
    void gateway.close().then(() => {
      clearTimeout(force);
      process.exit(0);
    });
  });
}

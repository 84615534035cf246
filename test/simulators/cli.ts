import { startProviderSimulator, type SimulatorFaults } from './provider-simulator.js';

/**
 * Runs the provider simulator for local development: `npm run simulate:providers`.
 * Listens on SIM_PORT (default: any free port) and prints the env that points the platform at it. Faults can be switched at
 * start with SIM_FAULTS='{"callbacks":"duplicate"}' (see SimulatorFaults) and SIM_STEP_MS.
 */
const sim = await startProviderSimulator({ stepMs: Number(process.env.SIM_STEP_MS ?? 2000), apiKey: process.env.SIM_API_KEY ?? 'sim-key', port: Number(process.env.SIM_PORT ?? 0) });
if (process.env.SIM_FAULTS) sim.faults = JSON.parse(process.env.SIM_FAULTS) as SimulatorFaults;
const env = {
  SUNO_API_BASE_URL: sim.url,
  SUNO_API_KEY: sim.apiKey,
  MUREKA_API_BASE_URL: sim.url,
  MUREKA_API_KEY: sim.apiKey,
  REPLICATE_API_BASE_URL: sim.url,
  REPLICATE_API_TOKEN: sim.apiKey,
  REPLICATE_WEBHOOK_SECRET: sim.replicateWebhookSecret,
  FAL_QUEUE_BASE_URL: sim.url,
  FAL_KEY: sim.apiKey,
  FAL_WEBHOOK_JWKS_URL: `${sim.url}/.well-known/jwks.json`,
  PROVIDER_ALLOW_PRIVATE_HOSTS: '127.0.0.1/32',
};
process.stdout.write(`provider simulator on ${sim.url}\n${Object.entries(env).map(([k, v]) => `export ${k}=${v}`).join('\n')}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void sim.close().then(() => process.exit(0)));

import client from 'prom-client';
import { CIRCUIT_STATE_VALUE, type CircuitState } from './circuit.js';

/** The provider metrics the Grafana dashboard in deploy/ reads. */
export function providerMetrics(registry: client.Registry) {
  const duration = new client.Histogram({
    name: 'provider_request_duration_seconds',
    help: 'Duration of HTTP requests to external providers',
    labelNames: ['provider'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const circuit = new client.Gauge({
    name: 'provider_circuit_state',
    help: 'Circuit breaker state per provider: 0 closed, 1 half-open, 2 open',
    labelNames: ['provider'] as const,
    registers: [registry],
  });
  return {
    observe: (provider: string, seconds: number) => duration.observe({ provider }, seconds),
    circuit: (provider: string, state: CircuitState) => circuit.set({ provider }, CIRCUIT_STATE_VALUE[state]),
  };
}
export type ProviderMetrics = ReturnType<typeof providerMetrics>;

import client from 'prom-client';

/** One registry per process, with Node process metrics and the service name as a default label. */
export function createMetricsRegistry(service: string): client.Registry {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry });
  return registry;
}

export function httpMetrics(registry: client.Registry) {
  return new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
}

export function jobMetrics(registry: client.Registry) {
  return {
    duration: new client.Histogram({
      name: 'bullmq_job_duration_seconds',
      help: 'Time a worker spent processing a job',
      labelNames: ['queue', 'job_name', 'outcome'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
    wait: new client.Histogram({
      name: 'bullmq_job_wait_seconds',
      help: 'Time between a job being queued and a worker starting it',
      labelNames: ['queue', 'job_name'] as const,
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    completed: new client.Counter({
      name: 'bullmq_jobs_completed_total',
      help: 'Jobs completed by this worker',
      labelNames: ['queue', 'job_name'] as const,
      registers: [registry],
    }),
    failed: new client.Counter({
      name: 'bullmq_jobs_failed_total',
      help: 'Job attempts that failed in this worker',
      labelNames: ['queue', 'job_name'] as const,
      registers: [registry],
    }),
    breakerWaits: new client.Counter({
      name: 'bullmq_jobs_breaker_waits_total',
      help: 'Jobs put back on their queue to wait, because every provider they could use had its circuit breaker open',
      labelNames: ['queue', 'job_name'] as const,
      registers: [registry],
    }),
  };
}
export type JobMetrics = ReturnType<typeof jobMetrics>;

/**
 * Recovery of lost work: jobs handed back to a queue after a worker died (`cause="worker-lost"`, BullMQ's
 * stalled check) or after Redis lost its queues (`cause="queue-lost"`, the gateway's recovery sweep), and how
 * long it took from Redis answering again to every unfinished job being back on its queue.
 */
export function recoveryMetrics(registry: client.Registry) {
  return {
    recovered: new client.Counter({
      name: 'jobs_recovered_total',
      help: 'Jobs put back on their queue after their worker or their queue entry was lost',
      labelNames: ['queue', 'cause'] as const,
      registers: [registry],
    }),
    timeToRecover: new client.Histogram({
      name: 'job_recovery_seconds',
      help: 'Time from a loss being noticed to every affected job being back on its queue',
      labelNames: ['cause'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
  };
}
export type RecoveryMetrics = ReturnType<typeof recoveryMetrics>;
export { client as promClient };

import type { Queue } from 'bullmq';
import client from 'prom-client';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'] as const;

/** Queue depth per state, read from Redis when Prometheus scrapes (not on a timer). */
export function registerQueueGauges(registry: client.Registry, queues: Queue[]): void {
  new client.Gauge({
    name: 'bullmq_queue_jobs',
    help: 'Jobs in each queue by state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      for (const queue of queues) {
        const counts = await queue.getJobCounts(...STATES);
        for (const state of STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
      }
    },
  });
}

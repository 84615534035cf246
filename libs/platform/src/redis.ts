import { Redis } from 'ioredis';

/**
 * BullMQ needs maxRetriesPerRequest: null on blocking connections; the connection keeps retrying
 * with a capped backoff, so a Redis restart pauses work instead of crashing the service.
 */
export function createRedis(url: string, name: string, options: { failFast?: boolean } = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    // Producers fail fast while Redis is away (the outbox keeps the work); consumers wait for it.
    enableOfflineQueue: !options.failFast,
    enableReadyCheck: true,
    connectionName: name,
    retryStrategy: (times) => Math.min(times * 200, 5_000),
  });
}
export type { Redis };

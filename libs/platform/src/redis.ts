import { Redis } from 'ioredis';

/**
 * BullMQ needs maxRetriesPerRequest: null on blocking connections; the connection keeps retrying
 * with a capped backoff, so a Redis restart pauses work instead of crashing the service.
 */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: name,
    retryStrategy: (times) => Math.min(times * 200, 5_000),
  });
}
export type { Redis };

import type { Provider } from '@nestjs/common';
import { sql } from 'kysely';
import { createDatabase, type Database } from '@muse/db';
import { StorageService } from '@muse/storage';
import type { BaseConfig } from './config.js';
import type { HealthCheck } from './health.js';
import { createLogger, type Logger } from './logger.js';
import { createRedis, type Redis } from './redis.js';
import { CONFIG, DATABASE, LOGGER, REDIS, STORAGE } from './tokens.js';

export interface PlatformResources<C extends BaseConfig = BaseConfig> {
  config: C;
  db: Database;
  redis: Redis;
  storage: StorageService;
  logger: Logger;
  /** Readiness: the service's dependencies answer. */
  checks: HealthCheck[];
  close(): Promise<void>;
}

/** The connections every service opens, made once per process from validated config. */
export function createResources<C extends BaseConfig>(config: C, service: string, options: { redisFailFast?: boolean } = {}): PlatformResources<C> {
  const logger = createLogger(service, config.LOG_LEVEL);
  const db = createDatabase({ url: config.DATABASE_URL, maxConnections: config.DATABASE_POOL_SIZE, applicationName: service, statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS });
  const redis = createRedis(config.REDIS_URL, service, { failFast: options.redisFailFast });
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection error'));
  const storage = new StorageService({
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    publicUrl: config.S3_PUBLIC_URL,
    putRetryWindowMs: config.S3_PUT_RETRY_MS,
  });
  return {
    config,
    db,
    redis,
    storage,
    logger,
    checks: [
      { name: 'postgres', check: () => sql`select 1`.execute(db) },
      { name: 'redis', check: () => redis.ping() },
      { name: 'storage', check: () => storage.ping() },
    ],
    async close() {
      redis.disconnect();
      storage.destroy();
      await db.destroy();
    },
  };
}

/** Nest providers for the shared connections, under the platform's tokens. */
export function resourceProviders(r: PlatformResources): Provider[] {
  return [
    { provide: CONFIG, useValue: r.config },
    { provide: DATABASE, useValue: r.db },
    { provide: REDIS, useValue: r.redis },
    { provide: STORAGE, useValue: r.storage },
    { provide: LOGGER, useValue: r.logger },
  ];
}
export const RESOURCE_TOKENS = [CONFIG, DATABASE, REDIS, STORAGE, LOGGER];

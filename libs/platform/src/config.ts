import { z } from 'zod';
import { QUEUE_PREFIX } from '@muse/contracts';
import { parseRedisUrl } from './redis.js';

/** Settings every service shares; each app extends this with its own. */
export const BaseConfig = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/muse'),
  /**
   * A direct (not pooled) connection for migrations, which hold a session advisory lock; set it when
   * DATABASE_URL points at PgBouncer or a cloud pooler in transaction mode. Defaults to DATABASE_URL.
   */
  DATABASE_DIRECT_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Longest a single SQL statement may run (lock waits included) before Postgres cancels it; 0 = no limit. */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /**
   * One server (`redis://host:port`, `rediss://…`) or a Redis Cluster given by seed nodes
   * (`redis+cluster://host:port,host:port`, `rediss+cluster://…`).
   */
  REDIS_URL: z
    .string()
    .superRefine((v, ctx) => {
      try {
        parseRedisUrl(v);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .default('redis://127.0.0.1:6379'),
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).default('S3RVER'),
  S3_SECRET_ACCESS_KEY: z.string().min(1).default('S3RVER'),
  S3_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** How long a worker keeps retrying to store a finished result while S3 cannot be reached, before the attempt fails. */
  S3_PUT_RETRY_MS: z.coerce.number().int().min(0).max(600_000).default(60_000),
  /** Hash-tagged Redis key prefix of every queue; tests and side-by-side deployments use their own. */
  QUEUE_PREFIX: z.string().regex(/^\{[\w-]+\}$/, 'must look like {name}').default(QUEUE_PREFIX),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
});
export type BaseConfig = z.infer<typeof BaseConfig>;

export class ConfigError extends Error {}

/**
 * Validates the environment once at start-up. A wrong or missing variable stops the process with a
 * message naming it, never a half-configured service.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(clean);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

/** Entry points call this so a ConfigError ends the process with exit code 1 and a readable message. */
export function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

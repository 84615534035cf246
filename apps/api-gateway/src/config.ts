import { z } from 'zod';
import { JobKind, MusicProvider, RateLimitRule } from '@muse/contracts';
import { BaseConfig } from '@muse/platform';
import { ProviderEnv } from '@muse/providers';
import { CreditPricesConfig } from './credits/credit-prices.js';

/** An env variable holding JSON, validated by schema; a parse error names the variable like any other. */
function jsonEnv<S extends z.ZodType>(schema: S, what: string) {
  return z
    .string()
    .transform((raw, ctx) => {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be ${what}` });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

export const GatewayConfig = BaseConfig.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  JWT_EXPIRES_IN: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(3600),
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  DEFAULT_MUSIC_PROVIDER: MusicProvider.default('local'),
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(500),
  STALE_JOB_SECONDS: z.coerce.number().int().min(5).max(86_400).default(120),
  /** How often the gateway checks whether Redis lost its queues (restart without data, failover); 0 turns it off. */
  QUEUE_LOSS_CHECK_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/).default('1mb'),
  /**
   * Credits per job of a kind, JSON, merged over the defaults: `{"generation": 1, "stems": 2}`, or per plan:
   * `{"default": {"generation": 1}, "pro": {"generation": 2}}` (plan names are checked against the database at start-up). 0 = free.
   */
  CREDIT_PRICES: jsonEnv(CreditPricesConfig, 'a JSON object {kind: credits} or {plan: {kind: credits}}').default({ default: {}, plans: {} }),
  /** Token buckets per endpoint class, JSON, merged over the defaults; app_settings `rate_limits` overrides at run time. */
  RATE_LIMITS: jsonEnv(z.record(z.string().regex(/^[a-z][a-z0-9-]{0,49}$/), RateLimitRule), 'a JSON object {class: {requests, per_seconds}}').default({}),
  /** Job kinds that take one of the plan's max_concurrent_generations slots, comma separated. */
  CONCURRENCY_LIMITED_KINDS: z
    .string()
    .default('generation')
    .transform((v) => v.split(',').map((k) => k.trim()).filter(Boolean))
    .pipe(z.array(JobKind)),
  /** How long a replica may act on a cached app_settings value (maintenance, flags, rate limits). */
  SETTINGS_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  /**
   * Queue priority aging: a standard-plan job (priority 2) that has waited this long is promoted to the
   * premium priority (1), behind the premium jobs already waiting and ahead of later ones, so a stream
   * of premium work delays it by at most about this much. Checked every quarter of it.
   */
  PRIORITY_AGING_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** Provider credentials and callback secret: which providers may be requested, how callbacks are verified. */
  ...ProviderEnv.shape,
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;

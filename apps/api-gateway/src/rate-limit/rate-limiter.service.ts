import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { RateLimitRule } from '@muse/contracts';
import type { Logger } from '@muse/platform';
import { CONFIG, LOGGER, REDIS } from '../core/tokens.js';
import type { GatewayConfig } from '../config.js';
import { SettingsService } from '../credits/settings.service.js';
import { TOKEN_BUCKET_LUA } from './token-bucket.lua.js';

/** Requests per minute per class, as the design's rate_limit_buckets section gives them; `auth` is per IP. */
export const DEFAULT_RATE_LIMITS: Record<string, RateLimitRule> = {
  'generate-music': { requests: 10, per_seconds: 60 },
  'generate-lyrics': { requests: 20, per_seconds: 60 },
  'api-general': { requests: 100, per_seconds: 60 },
  auth: { requests: 20, per_seconds: 60 },
};

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the next request would be admitted (0 when allowed). */
  retryAfter: number;
  /** Seconds until the bucket is full again. */
  reset: number;
  rule: RateLimitRule;
}

type BucketRedis = Redis & { museTokenBucket(key: string, capacity: number, windowMs: number): Promise<[number, number, number, number]> };

/**
 * Token buckets in Redis, shared by every gateway replica: one Lua script per request checks and
 * takes a token atomically, so N replicas together admit exactly `requests` per window.
 */
@Injectable()
export class RateLimiterService {
  private readonly redis: BucketRedis;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly settings: SettingsService,
  ) {
    if (!('museTokenBucket' in redis)) redis.defineCommand('museTokenBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET_LUA });
    this.redis = redis as BucketRedis;
  }

  /** Configuration over the defaults, app_settings.rate_limits over both. */
  async rules(): Promise<Record<string, RateLimitRule>> {
    return { ...DEFAULT_RATE_LIMITS, ...this.config.RATE_LIMITS, ...(await this.settings.rateLimitOverrides()) };
  }

  /**
   * Takes a token for subject in class. When Redis cannot be reached the request is let through
   * (and logged): the credit, concurrency and daily limits live in Postgres and still hold.
   */
  async take(cls: string, subject: string): Promise<RateDecision | undefined> {
    const rule = (await this.rules())[cls];
    if (!rule) return undefined;
    const windowMs = rule.per_seconds * 1000;
    // The bucket key carries the rule, so a changed limit starts a fresh bucket instead of inheriting a bigger one's tokens.
    const key = `${this.config.QUEUE_PREFIX}:ratelimit:${cls}:${rule.requests}/${rule.per_seconds}:${subject}`;
    try {
      const [allowed, remaining, waitMs, fullMs] = await this.redis.museTokenBucket(key, rule.requests, windowMs);
      return {
        allowed: allowed === 1,
        limit: rule.requests,
        remaining,
        retryAfter: allowed === 1 ? 0 : Math.max(1, Math.ceil(waitMs / 1000)),
        reset: Math.ceil(fullMs / 1000),
        rule,
      };
    } catch (error) {
      this.logger.warn({ err: error, class: cls }, 'rate limiter unavailable; request admitted');
      return undefined;
    }
  }
}

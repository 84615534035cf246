import { Inject, Injectable } from '@nestjs/common';
import { KNOWN_SETTINGS, type FeatureFlags, type MaintenanceMode, type RateLimitRule } from '@muse/contracts';
import { SettingsRepository, type Database } from '@muse/db';
import { CONFIG, DATABASE, LOGGER } from '../core/tokens.js';
import type { GatewayConfig } from '../config.js';
import type { Logger } from '@muse/platform';

interface Cached {
  value: Record<string, unknown> | undefined;
  at: number;
}

/**
 * app_settings as the request path reads them: cached for SETTINGS_CACHE_MS, so a request costs no
 * query; a change made on this replica applies at once, on the others within that time. A stored
 * value that does not parse (edited by hand) is logged and ignored rather than failing requests.
 */
@Injectable()
export class SettingsService {
  private readonly cache = new Map<string, Cached>();
  private readonly loading = new Map<string, Promise<Record<string, unknown> | undefined>>();

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly settings: SettingsRepository,
  ) {}

  async raw(key: string): Promise<Record<string, unknown> | undefined> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < this.config.SETTINGS_CACHE_MS) return hit.value;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.settings
        .get(this.db, key)
        .then((row) => {
          this.cache.set(key, { value: row?.value, at: Date.now() });
          return row?.value;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  invalidate(key: string): void {
    this.cache.delete(key);
  }

  /** The last value validated per key: a cached row is the same object until it is read again, so it is parsed once, not per request. */
  private readonly validated = new Map<string, { value: Record<string, unknown>; data: unknown }>();

  private async parsed<K extends keyof typeof KNOWN_SETTINGS>(key: K) {
    const value = await this.raw(key);
    if (value === undefined) return undefined;
    const known = this.validated.get(key);
    if (known?.value === value) return known.data;
    const result = KNOWN_SETTINGS[key].safeParse(value);
    if (!result.success) {
      this.logger.warn({ key, issues: result.error.issues }, 'app_settings value is malformed; ignored');
      return undefined;
    }
    this.validated.set(key, { value, data: result.data });
    return result.data;
  }

  async maintenance(): Promise<MaintenanceMode | undefined> {
    return (await this.parsed('maintenance_mode')) as MaintenanceMode | undefined;
  }

  async featureFlags(): Promise<FeatureFlags> {
    return ((await this.parsed('feature_flags')) as FeatureFlags | undefined) ?? {};
  }

  async rateLimitOverrides(): Promise<Record<string, RateLimitRule>> {
    return ((await this.parsed('rate_limits')) as Record<string, RateLimitRule> | undefined) ?? {};
  }
}

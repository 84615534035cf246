import { Inject, Injectable } from '@nestjs/common';
import { JOB_KINDS, type JobKind } from '@muse/contracts';
import { CreditsRepository, UsageLimitsRepository, type Identity, type UserTransaction } from '@muse/db';
import { Problem, unauthorized } from '../common/problem.js';
import { CONFIG } from '../core/tokens.js';
import type { GatewayConfig } from '../config.js';
import { LimitProblem, nextUtcMidnight } from './limit-problem.js';
import { SettingsService } from './settings.service.js';

/** Music generation costs a credit; the other kinds are free until configured (CREDIT_PRICES). */
const DEFAULT_PRICES: Record<JobKind, number> = Object.fromEntries(JOB_KINDS.map((k) => [k, k === 'generation' ? 1 : 0])) as Record<JobKind, number>;

const pgError = (error: unknown): { code?: string; message: string } | undefined =>
  error && typeof error === 'object' && 'code' in error ? (error as { code?: string; message: string }) : undefined;

/**
 * The plan's limits on starting work: feature flags, concurrency, credits and the daily limits.
 * admit() and charge() run inside the submission transaction, so a refused job leaves nothing behind
 * and an accepted one is paid for exactly once.
 */
@Injectable()
export class AccountLimitsService {
  private readonly prices: Record<JobKind, number>;
  private readonly limitedKinds: Set<JobKind>;

  constructor(
    @Inject(CONFIG) config: GatewayConfig,
    private readonly credits: CreditsRepository,
    private readonly settings: SettingsService,
    private readonly usage: UsageLimitsRepository,
  ) {
    this.prices = { ...DEFAULT_PRICES, ...config.CREDIT_PRICES };
    this.limitedKinds = new Set(config.CONCURRENCY_LIMITED_KINDS);
  }

  /**
   * Studio Nexus monthly limits per tier (subscription_limits; -1 unlimited): checks and records one
   * unit of the resource inside the caller's transaction, or refuses with 403 naming the limit.
   */
  async useMonthly(trx: UserTransaction, identity: Identity, resource: 'ai_transformations' | 'exports' | 'projects', resourceId: string | null): Promise<void> {
    const check = await this.usage.use(trx, identity.userId, resource, resourceId);
    if (check.allowed) return;
    const now = new Date();
    const resets = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    throw new LimitProblem(403, 'usage-limit', `your plan allows ${check.limit} ${resource.replace('_', ' ')} a month; it frees on ${resets.toISOString().slice(0, 10)}`, {
      name: resource,
      limit: check.limit ?? -1,
      used: check.used,
      remaining: 0,
      resets_at: resets.toISOString(),
    });
  }

  priceOf(kind: JobKind): number {
    return this.prices[kind];
  }

  pricesTable(): Record<JobKind, number> {
    return { ...this.prices };
  }

  takesSlot(kind: JobKind): boolean {
    return this.limitedKinds.has(kind);
  }

  /** Feature flags (app_settings.feature_flags) switch a job kind or a provider off for everyone. */
  async assertEnabled(kind: JobKind, provider: string | null): Promise<void> {
    const flags = await this.settings.featureFlags();
    if (flags.job_kinds?.[kind] === false) throw new Problem(503, 'feature-disabled', `${kind} jobs are switched off for now; try again later`);
    if (provider && flags.providers?.[provider] === false) {
      throw new Problem(503, 'feature-disabled', `the ${provider} provider is switched off for now; try again later or choose another provider`);
    }
  }

  /**
   * The plan's limits on this job, checked and charged in one statement at the end of the submission
   * transaction (after the job row exists, so the ledger names it): credits and the daily credit
   * limit, the concurrency limit, the daily generation counter. The user's profile row stays locked
   * to the commit, so concurrent submissions of one user are checked one after the other. Jobs in
   * pending/processing hold a slot; a terminal job — completed, failed (also after its worker crashed
   * and the sweep failed it) or cancelled — holds none.
   */
  async charge(trx: UserTransaction, identity: Identity, kind: JobKind, jobId: string, price = this.priceOf(kind)) {
    try {
      return await this.credits.chargeJob(trx, {
        userId: identity.userId,
        jobId,
        amount: price,
        reason: kind,
        slotKinds: this.takesSlot(kind) ? [...this.limitedKinds] : [],
        countGeneration: kind === 'generation',
      });
    } catch (error) {
      throw this.translate(error, price) ?? error;
    }
  }

  /** The SQL functions raise P0001 with a message saying which limit; turn that into a problem the user can act on. */
  private translate(error: unknown, price: number): Problem | undefined {
    const e = pgError(error);
    if (e?.code === 'P0002' && e.message.startsWith('profile')) return unauthorized('the account of this token no longer exists');
    if (e?.code !== 'P0001') return undefined;
    const midnight = nextUtcMidnight();
    const retryAfter = Math.max(1, Math.ceil((midnight.getTime() - Date.now()) / 1000));
    const numbers = (e.message.match(/-?\d+/g) ?? []).map(Number);
    if (e.message.startsWith('insufficient credits')) {
      const remaining = numbers[0] ?? 0;
      return new LimitProblem(
        402,
        'insufficient-credits',
        `this job costs ${price} credit${price === 1 ? '' : 's'} and ${remaining} remain; credits come back when a failed or cancelled job is refunded, or with a plan change or top-up`,
        { name: 'credits', limit: price, remaining },
      );
    }
    if (e.message.startsWith('concurrency limit')) {
      const [inFlight = 0, max = 0] = numbers;
      const plan = e.message.match(/on plan (.+)$/)?.[1] ?? 'current';
      return new LimitProblem(
        403,
        'concurrency-limit',
        `your ${plan} plan runs at most ${max} jobs at a time and ${inFlight} are pending or processing; a slot frees as soon as one of them finishes — submit again then`,
        { name: 'max_concurrent_generations', limit: max, used: inFlight, remaining: 0 },
      );
    }
    if (e.message.startsWith('daily credit limit')) {
      const [used = 0, limit = 0] = numbers;
      return new LimitProblem(403, 'daily-credit-limit', `your plan allows ${limit} credits a day and ${used} are used; the limit resets at ${midnight.toISOString()} (00:00 UTC)`, {
        name: 'credits_daily_limit', limit, used, remaining: Math.max(limit - used, 0), resets_at: midnight.toISOString(), retry_after_seconds: retryAfter,
      }, { 'Retry-After': String(retryAfter) });
    }
    if (e.message.startsWith('daily generation limit')) {
      const limit = numbers[0] ?? 0;
      return new LimitProblem(403, 'daily-generation-limit', `your plan allows ${limit} generations a day; the limit resets at ${midnight.toISOString()} (00:00 UTC)`, {
        name: 'generations_limit_daily', limit, used: limit, remaining: 0, resets_at: midnight.toISOString(), retry_after_seconds: retryAfter,
      }, { 'Retry-After': String(retryAfter) });
    }
    return undefined;
  }
}

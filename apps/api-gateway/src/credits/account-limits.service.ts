import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { JobKind } from '@muse/contracts';
import { CreditsRepository, UsageLimitsRepository, type CreditKind, type Database, type Identity, type UsageLimitCheck, type UsageResource, type UserTransaction } from '@muse/db';
import { Problem, unauthorized } from '../common/problem.js';
import { CONFIG, DATABASE } from '../core/tokens.js';
import { CreditPrices } from './credit-prices.js';
import type { GatewayConfig } from '../config.js';
import { LimitProblem, nextUtcMidnight } from './limit-problem.js';
import { SettingsService } from './settings.service.js';

const pgError = (error: unknown): { code?: string; message: string } | undefined =>
  error && typeof error === 'object' && 'code' in error ? (error as { code?: string; message: string }) : undefined;

/**
 * The plan's limits on starting work: feature flags, concurrency, credits and the daily limits.
 * admit() and charge() run inside the submission transaction, so a refused job leaves nothing behind
 * and an accepted one is paid for exactly once.
 */
@Injectable()
export class AccountLimitsService implements OnModuleInit {
  readonly prices: CreditPrices;
  private readonly limitedKinds: Set<JobKind>;

  constructor(
    @Inject(CONFIG) config: GatewayConfig,
    @Inject(DATABASE) private readonly db: Database,
    private readonly credits: CreditsRepository,
    private readonly settings: SettingsService,
    private readonly usage: UsageLimitsRepository,
  ) {
    this.prices = new CreditPrices(config.CREDIT_PRICES);
    this.limitedKinds = new Set(config.CONCURRENCY_LIMITED_KINDS);
  }

  /** A price list for a plan that does not exist is a typo that would silently charge the default: refuse to start. */
  async onModuleInit(): Promise<void> {
    const named = this.prices.planNames();
    if (named.length === 0) return;
    const known = new Set((await this.db.selectFrom('subscription_plans').select('name').execute()).map((p) => p.name));
    const unknown = named.filter((p) => !known.has(p));
    if (unknown.length) throw new Error(`CREDIT_PRICES names unknown plan(s): ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  }

  /**
   * Studio Nexus limits per tier (subscription_limits; -1 unlimited): checks and records `quantity` of
   * the resource inside the caller's transaction (exact under concurrency: reserve_usage locks the
   * caller's profile row), or refuses with 403 and a body naming the limit and when it frees.
   */
  async useMonthly(trx: UserTransaction, identity: Identity, resource: UsageResource, resourceId: string | null, quantity = 1): Promise<UsageLimitCheck> {
    const check = await this.usage.use(trx, identity.userId, resource, resourceId, quantity);
    if (check.allowed) return check;
    throw usageLimitProblem(check, quantity);
  }

  /** The default price of a kind (plans may override it; charge() applies the caller's). */
  priceOf(kind: JobKind): number {
    return this.prices.base[kind];
  }

  /** The prices a plan pays, per job kind. */
  pricesTable(plan?: string): Record<JobKind, number> {
    return plan ? this.prices.forPlan(plan) : { ...this.prices.base };
  }

  /**
   * Which balance the caller's jobs debit: a sandbox API key (mode 'test', sk_test_…) debits the test
   * credits; a JWT or a live key debits production credits.
   */
  async creditKind(trx: UserTransaction, identity: Identity): Promise<CreditKind> {
    const keyId = identity.claims?.['api_key_id'];
    if (typeof keyId !== 'string') return 'production';
    return (await this.credits.apiKeyMode(trx, keyId, identity.userId)) ?? 'production';
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
  async charge(trx: UserTransaction, identity: Identity, kind: JobKind, jobId: string, price?: number) {
    const creditKind = await this.creditKind(trx, identity);
    if (creditKind === 'test') {
      // Sandbox jobs cost the platform nothing: they run on the local engine, never on a paid provider.
      const provider = await this.credits.jobProvider(trx, jobId);
      if (provider && provider !== 'local') {
        throw new Problem(422, 'sandbox-provider', `sandbox keys (sk_test_…) run jobs on the local provider only, not ${provider}; use a live key for ${provider}`, [{ path: 'provider', message: 'sandbox: local only' }]);
      }
    }
    const args = this.chargeArguments(kind, price);
    try {
      return await this.credits.chargeJob(trx, {
        userId: identity.userId,
        jobId,
        prices: args.prices,
        reason: args.reason,
        slotKinds: args.slot_kinds,
        countGeneration: args.count_generation,
        creditKind,
      });
    } catch (error) {
      throw this.translate(error) ?? error;
    }
  }

  /** What charge_job is told for a job of this kind: its prices per plan, the slot kinds, whether it counts as a generation. */
  chargeArguments(kind: JobKind, price?: number): { prices: Record<string, number>; reason: string; slot_kinds: JobKind[]; count_generation: boolean } {
    return {
      // An explicit price (a submission that prices itself) is the same for every plan.
      prices: price === undefined ? this.prices.forKind(kind) : { default: price },
      reason: kind,
      slot_kinds: this.takesSlot(kind) ? [...this.limitedKinds] : [],
      count_generation: kind === 'generation',
    };
  }

  /**
   * A retry of a job whose debit was refunded pays again, and takes a concurrency slot again
   * (platform transaction of the retry; the caller's right to the job is checked before). Refusals
   * are the same problems as a submission's.
   */
  async chargeRetry(trx: UserTransaction, jobId: string) {
    try {
      return await this.credits.chargeRetry(trx, jobId, [...this.limitedKinds]);
    } catch (error) {
      throw this.translate(error) ?? error;
    }
  }

  /** The SQL functions raise P0001 with a message saying which limit; turn that into a problem the user can act on. */
  translate(error: unknown): Problem | undefined {
    const e = pgError(error);
    if (e?.code === 'P0002' && e.message.startsWith('profile')) return unauthorized('the account of this token no longer exists');
    if (e?.code !== 'P0001') return undefined;
    const sandbox = e.message.match(/^sandbox keys run the local provider only, not (.+)$/);
    if (sandbox) {
      const provider = sandbox[1];
      return new Problem(422, 'sandbox-provider', `sandbox keys (sk_test_…) run jobs on the local provider only, not ${provider}; use a live key for ${provider}`, [{ path: 'provider', message: 'sandbox: local only' }]);
    }
    const midnight = nextUtcMidnight();
    const retryAfter = Math.max(1, Math.ceil((midnight.getTime() - Date.now()) / 1000));
    const numbers = (e.message.match(/-?\d+/g) ?? []).map(Number);
    if (e.message.startsWith('insufficient credits')) {
      // "insufficient credits: <remaining> [test credits] remaining, <price> requested"
      const [remaining = 0, price = 0] = numbers;
      const sandbox = e.message.includes('test credits');
      return new LimitProblem(
        402,
        'insufficient-credits',
        `this job costs ${price} ${sandbox ? 'test ' : ''}credit${price === 1 ? '' : 's'} and ${remaining} remain; credits come back when a failed or cancelled job is refunded, or with a plan change or top-up`,
        { name: sandbox ? 'test_credits' : 'credits', limit: price, remaining },
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

const NAMES: Record<string, string> = { ai_transformations: 'AI transformations', exports: 'exports', projects: 'new projects', storage_mb: 'MB of library storage', max_projects: 'projects' };

/** The refusal of a Studio Nexus limit: which one, its value, what is used, and when (or how) it frees. */
export function usageLimitProblem(check: UsageLimitCheck, quantity = 1): LimitProblem {
  const what = NAMES[check.name] ?? check.name;
  const period = check.resetPeriod && check.resetPeriod !== 'lifetime' ? ` a ${check.resetPeriod.replace(/ly$/, '').replace(/^dai$/, 'day')}` : '';
  const frees = check.resetsAt
    ? `it resets at ${check.resetsAt}`
    : check.name === 'storage_mb'
      ? 'delete library files to free space'
      : check.name === 'max_projects'
        ? 'delete a project to make room'
        : 'it does not reset';
  const asked = check.name === 'storage_mb' ? `; this upload needs ${quantity} MB` : '';
  return new LimitProblem(403, 'usage-limit', `your plan allows ${check.limit} ${what}${period} and ${check.used} are used${asked}; ${frees}`, {
    name: check.name,
    limit: check.limit,
    used: check.used,
    remaining: Math.max(check.limit - check.used, 0),
    ...(check.resetsAt ? { resets_at: check.resetsAt } : {}),
  });
}

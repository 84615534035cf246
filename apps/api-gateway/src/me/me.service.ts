import { Inject, Injectable } from '@nestjs/common';
import type { UpdateProfileBody } from '@muse/contracts';
import { AccountsRepository, asUser, CreditsRepository, UsageLimitsRepository, UsersRepository, WebhooksRepository, type Database, type Identity } from '@muse/db';
import { unauthorized } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import { AccountLimitsService } from '../credits/account-limits.service.js';
import { nextUtcMidnight } from '../credits/limit-problem.js';
import { RateLimiterService } from '../rate-limit/rate-limiter.service.js';

const startOfUtcDay = (now = new Date()) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

@Injectable()
export class MeService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly accounts: AccountsRepository,
    private readonly credits: CreditsRepository,
    private readonly users: UsersRepository,
    private readonly limits: AccountLimitsService,
    private readonly rateLimits: RateLimiterService,
    private readonly usageLimits: UsageLimitsRepository,
    private readonly webhooks: WebhooksRepository,
  ) {}

  /** Everything about the caller's account in one read (one transaction as the caller, so one consistent snapshot). */
  async get(identity: Identity) {
    const snapshot = await asUser(this.db, identity, async (trx) => {
      const profile = await this.accounts.profile(trx, identity.userId);
      if (!profile) return undefined;
      const [plan, inFlight, usage, roles, nexus, creditKind, webhookSecret] = await Promise.all([
        this.accounts.plan(trx, profile.subscription_plan),
        this.credits.countInFlight(trx, identity.userId),
        this.credits.generationUsage(trx, identity.userId),
        this.users.roles(trx, identity.userId),
        this.usageLimits.summary(trx, identity.userId),
        this.limits.creditKind(trx, identity),
        this.webhooks.secretStatus(trx, identity.userId),
      ]);
      return { profile, plan, inFlight, usage, roles, nexus, creditKind, webhookSecret };
    });
    if (!snapshot?.plan) throw unauthorized('the account of this token no longer exists');
    const { profile: p, plan, inFlight, usage, roles, nexus, creditKind, webhookSecret } = snapshot;
    const now = new Date();
    const monthEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
    const today = startOfUtcDay();
    // Counters last reset before today are stale: today's usage is 0 until the first debit resets them.
    const creditsUsedToday = p.last_credit_reset_at < today ? 0 : p.credits_used_today;
    const generationsToday = usage && usage.last_reset_at >= today ? usage.generations_used_today : 0;
    const generationsLimit = usage?.generations_limit_daily ?? plan.credits_daily_limit;
    const resetsAt = nextUtcMidnight().toISOString();
    return {
      id: p.id,
      email: p.email,
      username: p.username,
      full_name: p.full_name,
      avatar_url: p.avatar_url,
      bio: p.bio,
      website_url: p.website_url,
      preferences: p.preferences,
      roles,
      created_at: p.created_at,
      updated_at: p.updated_at,
      plan: {
        name: plan.name,
        display_name: plan.display_name,
        status: p.subscription_status,
        expires_at: p.subscription_expires_at,
        features: plan.features,
      },
      credits: {
        remaining: p.credits_remaining,
        test_remaining: p.test_credits_remaining,
        used_today: creditsUsedToday,
        monthly: plan.credits_monthly,
        // The prices of the caller's plan (CREDIT_PRICES may set them per plan).
        prices: this.limits.pricesTable(plan.name),
        // Which balance this caller's jobs debit: 'test' when authenticated with a sandbox key (sk_test_…).
        mode: creditKind,
      },
      usage_today: {
        credits_used: creditsUsedToday,
        generations: generationsToday,
        resets_at: resetsAt,
      },
      limits: {
        credits_daily: plan.credits_daily_limit,
        generations_daily: generationsLimit,
        max_concurrent_generations: plan.max_concurrent_generations,
        max_projects: plan.max_projects,
        max_tracks_per_project: plan.max_tracks_per_project,
        rate_limits: await this.rateLimits.rules(),
        // Studio Nexus limits of the tier (-1 unlimited) with this period's usage and when it resets.
        usage: Object.fromEntries(
          nexus.map((u) => [
            u.resource_type,
            {
              limit: u.limit_value,
              used: u.used,
              remaining: u.limit_value < 0 ? null : Math.max(u.limit_value - u.used, 0),
              reset_period: u.reset_period,
              resets_at: u.reset_period === 'monthly' ? monthEnd : u.reset_period === 'lifetime' ? null : undefined,
            },
          ]),
        ),
      },
      jobs_in_flight: inFlight,
      // Outbound webhooks: whether a signing secret exists (it is shown only when created; POST /v1/me/webhook-secret).
      webhook_secret: { set: Boolean(webhookSecret), created_at: webhookSecret?.created_at.toISOString() ?? null },
      totals: { projects: p.total_projects, transformations: p.total_transformations, storage_used_mb: p.storage_used_mb },
    };
  }

  async update(identity: Identity, body: UpdateProfileBody) {
    await asUser(this.db, identity, (trx) => this.accounts.updateProfile(trx, identity.userId, body));
    return this.get(identity);
  }
}

import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';

/** The Studio Nexus resources with a per-tier limit (subscription_limits.resource_type). */
export type UsageResource = 'ai_transformations' | 'exports' | 'projects' | 'storage_mb';

export interface UsageLimitCheck {
  allowed: boolean;
  /** The limit that decided: the resource itself, or `max_projects` (the plan's cap on projects owned). */
  name: string;
  /** -1: unlimited. */
  limit: number;
  /** Used before this request. */
  used: number;
  /** Left after this request (null when unlimited). */
  remaining: number | null;
  /** When the period's usage starts over; null when it never does (storage, projects owned). */
  resetsAt: string | null;
  resetPeriod: string | null;
}

/** Studio Nexus limits (subscription_limits, usage_tracking, check_usage_limit; reserve_usage of 0017). */
export class UsageLimitsRepository {
  /**
   * Checks the caller's tier limit for `quantity` of a resource and, when allowed, records it — in the
   * caller's transaction, with their profile row locked to the commit, so concurrent requests are
   * counted one after the other and N racing requests with room for k let exactly k through.
   */
  async use(db: Kysely<DB>, userId: string, resourceType: UsageResource, resourceId: string | null, quantity = 1): Promise<UsageLimitCheck> {
    const unit = resourceType === 'storage_mb' ? 'mb' : 'count';
    const { rows } = await sql<{ r: { allowed: boolean; name: string; limit: string | number; used: string | number; remaining: string | number | null; resets_at: string | null; reset_period: string | null } }>`
      select public.reserve_usage(${userId}::uuid, ${resourceType}, ${quantity}::numeric, ${resourceId}::uuid, ${unit}) as r`.execute(db);
    const r = rows[0]!.r;
    return {
      allowed: r.allowed,
      name: r.name,
      limit: Number(r.limit),
      used: Number(r.used),
      remaining: r.remaining === null ? null : Number(r.remaining),
      resetsAt: r.resets_at ? new Date(r.resets_at).toISOString() : null,
      resetPeriod: r.reset_period,
    };
  }

  /** Sets what a reservation finally counts (0 releases it). Platform connections only. */
  async settle(db: Kysely<DB>, resourceType: UsageResource, resourceId: string, quantity: number): Promise<void> {
    await sql`select public.settle_usage(${resourceType}, ${resourceId}::uuid, ${quantity}::numeric)`.execute(db);
  }

  /** This period's usage and limit of every resource, for /v1/me (as the caller: RLS shows their own rows). */
  async summary(db: Kysely<DB>, userId: string): Promise<Array<{ resource_type: string; limit_value: number; reset_period: string; used: number }>> {
    const { rows } = await sql<{ resource_type: string; limit_value: string; reset_period: string; used: string }>`
      select sl.resource_type, sl.limit_value, sl.reset_period,
             coalesce((select sum(u.quantity) from public.usage_tracking u
                        where u.user_id = p.id and u.resource_type = sl.resource_type
                          and case sl.reset_period
                                when 'monthly' then u.billing_period = (date_trunc('month', now() at time zone 'utc'))::date
                                when 'daily' then u.created_at >= date_trunc('day', now() at time zone 'utc') at time zone 'utc'
                                when 'weekly' then u.created_at >= date_trunc('week', now() at time zone 'utc') at time zone 'utc'
                                when 'yearly' then u.created_at >= date_trunc('year', now() at time zone 'utc') at time zone 'utc'
                                else true end), 0) as used
        from public.profiles p
        join public.subscription_limits sl on sl.subscription_tier = p.subscription_tier and sl.is_active
       where p.id = ${userId}::uuid
       order by sl.resource_type`.execute(db);
    return rows.map((r) => ({ resource_type: r.resource_type, limit_value: Number(r.limit_value), reset_period: r.reset_period, used: Number(r.used) }));
  }
}

import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';

export interface UsageLimitCheck {
  allowed: boolean;
  /** -1 or absent: unlimited. */
  limit: number | null;
  used: number;
  resetPeriod: string | null;
}

/** Studio Nexus monthly limits (subscription_limits, usage_tracking, check_usage_limit). */
export class UsageLimitsRepository {
  /**
   * Checks the caller's tier limit for a resource and, when allowed, records one unit of use — in the
   * caller's transaction, with their profile row locked so concurrent requests are counted in turn.
   */
  async use(db: Kysely<DB>, userId: string, resourceType: string, resourceId: string | null): Promise<UsageLimitCheck> {
    await sql`select 1 from public.profiles where id = ${userId} for update`.execute(db);
    const { rows } = await sql<{ allowed: boolean; limit_value: string | null; reset_period: string | null; used: string }>`
      select public.check_usage_limit(${userId}::uuid, ${resourceType}) as allowed,
             sl.limit_value, sl.reset_period,
             (select coalesce(sum(u.quantity), 0) from public.usage_tracking u
               where u.user_id = ${userId}::uuid and u.resource_type = ${resourceType}
                 and u.billing_period = (date_trunc('month', now() at time zone 'utc'))::date) as used
        from public.profiles p
        left join public.subscription_limits sl
          on sl.subscription_tier = p.subscription_tier and sl.resource_type = ${resourceType} and sl.is_active
       where p.id = ${userId}::uuid`.execute(db);
    const row = rows[0];
    if (!row) throw new Error(`profile ${userId} not found`);
    const check = { allowed: row.allowed, limit: row.limit_value === null ? null : Number(row.limit_value), used: Number(row.used), resetPeriod: row.reset_period };
    if (check.allowed) await sql`select public.track_resource_usage(${userId}::uuid, ${resourceType}, 1, ${resourceId}::uuid)`.execute(db);
    return check;
  }
}

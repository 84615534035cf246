import type { Kysely } from 'kysely';
import type { AppRole, DB } from '../schema.js';

export interface ProfilePatch {
  full_name?: string | null;
  avatar_url?: string | null;
  bio?: string | null;
  website_url?: string | null;
  preferences?: Record<string, unknown>;
}

const PROFILE_COLUMNS = [
  'p.id', 'p.email', 'p.username', 'p.full_name', 'p.avatar_url', 'p.bio', 'p.website_url', 'p.preferences',
  'p.subscription_plan', 'p.subscription_tier', 'p.subscription_status', 'p.subscription_expires_at',
  'p.credits_remaining', 'p.credits_used_today', 'p.last_credit_reset_at', 'p.test_credits_remaining',
  'p.total_projects', 'p.total_transformations', 'p.storage_used_mb', 'p.created_at', 'p.updated_at',
] as const;

/** The plan names map onto the three tiers the Studio Nexus limits (subscription_limits) are keyed by. */
export const tierOfPlan = (plan: string): 'free' | 'pro' | 'enterprise' => (plan === 'free' ? 'free' : plan === 'pro' ? 'pro' : 'enterprise');

/** Profiles, plans and roles as /v1/me and the admin endpoints need them. */
export class AccountsRepository {
  profile(db: Kysely<DB>, userId: string) {
    return db.selectFrom('profiles as p').select([...PROFILE_COLUMNS]).where('p.id', '=', userId).executeTakeFirst();
  }

  plan(db: Kysely<DB>, name: string) {
    return db
      .selectFrom('subscription_plans')
      .select(['name', 'display_name', 'credits_monthly', 'credits_daily_limit', 'max_concurrent_generations', 'max_projects', 'max_tracks_per_project', 'features'])
      .where('name', '=', name)
      .executeTakeFirst();
  }

  async updateProfile(db: Kysely<DB>, userId: string, patch: ProfilePatch) {
    const { preferences, ...rest } = patch;
    return db
      .updateTable('profiles as p')
      .set({ ...rest, ...(preferences === undefined ? {} : { preferences: JSON.stringify(preferences) }) })
      .where('p.id', '=', userId)
      .returning([...PROFILE_COLUMNS])
      .executeTakeFirst();
  }

  /** Admin: plan change (the tier follows the plan). Undefined when the user is not visible/does not exist. */
  async setPlan(db: Kysely<DB>, userId: string, plan: string) {
    return db
      .updateTable('profiles')
      .set({ subscription_plan: plan, subscription_tier: tierOfPlan(plan) })
      .where('id', '=', userId)
      .returning(['id'])
      .executeTakeFirst();
  }

  async grantRole(db: Kysely<DB>, userId: string, role: AppRole): Promise<void> {
    await db.insertInto('user_roles').values({ user_id: userId, role }).onConflict((oc) => oc.columns(['user_id', 'role']).doNothing()).execute();
  }

  async revokeRole(db: Kysely<DB>, userId: string, role: AppRole): Promise<void> {
    await db.deleteFrom('user_roles').where('user_id', '=', userId).where('role', '=', role).execute();
  }
}

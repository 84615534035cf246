import { Inject, Injectable } from '@nestjs/common';
import { KNOWN_SETTINGS, type PutSettingBody } from '@muse/contracts';
import { AccountsRepository, asUser, CreditsRepository, SettingsRepository, UsersRepository, type AppRole, type Database, type Identity } from '@muse/db';
import { notFound, Problem, validationProblem } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import { SettingsService } from '../credits/settings.service.js';
import type { AdminUpdateUserBody } from '@muse/contracts';

const pgCode = (e: unknown): string | undefined => (e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : undefined);

/**
 * Admin actions run as the admin (RLS and the SQL functions check the role again), so a revoked
 * admin whose request is already past the guard still cannot act.
 */
@Injectable()
export class AdminService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly accounts: AccountsRepository,
    private readonly credits: CreditsRepository,
    private readonly users: UsersRepository,
    private readonly settingsRepo: SettingsRepository,
    private readonly settings: SettingsService,
  ) {}

  async setRole(admin: Identity, userId: string, role: AppRole, grant: boolean) {
    return asUser(this.db, admin, async (trx) => {
      if (!(await this.accounts.profile(trx, userId))) throw notFound('user');
      if (grant) await this.accounts.grantRole(trx, userId, role);
      else await this.accounts.revokeRole(trx, userId, role);
      return { user_id: userId, roles: await this.users.roles(trx, userId) };
    });
  }

  /** Plan change and credit adjustment in one transaction: both happen or neither. */
  async updateUser(admin: Identity, userId: string, body: AdminUpdateUserBody) {
    return asUser(this.db, admin, async (trx) => {
      if (!(await this.accounts.profile(trx, userId))) throw notFound('user');
      if (body.subscription_plan !== undefined) {
        if (!(await this.accounts.plan(trx, body.subscription_plan))) {
          throw validationProblem([{ path: 'subscription_plan', message: 'no active plan has this name' }]);
        }
        await this.accounts.setPlan(trx, userId, body.subscription_plan);
      }
      for (const [delta, kind, label] of [
        [body.credits_delta, 'production', 'credits'],
        [body.test_credits_delta, 'test', 'test credits'],
      ] as const) {
        if (delta === undefined) continue;
        const reason = body.reason ? `admin_adjustment: ${body.reason}` : 'admin_adjustment';
        try {
          await this.credits.adjust(trx, userId, delta, reason, kind);
        } catch (error) {
          if (pgCode(error) === 'P0001') throw new Problem(409, 'insufficient-credits', `the user has fewer than ${-delta} ${label}; nothing was changed`);
          throw error;
        }
      }
      const p = (await this.accounts.profile(trx, userId))!;
      return { id: p.id, email: p.email, subscription_plan: p.subscription_plan, subscription_tier: p.subscription_tier, credits_remaining: p.credits_remaining, test_credits_remaining: p.test_credits_remaining };
    });
  }

  async getSetting(admin: Identity, key: string) {
    const row = await asUser(this.db, admin, (trx) => this.settingsRepo.get(trx, key));
    if (!row) throw notFound('setting');
    return row;
  }

  /** Known keys are validated against the shape the platform acts on, so a typo cannot switch something off by accident. */
  async putSetting(admin: Identity, key: string, body: PutSettingBody) {
    const schema = (KNOWN_SETTINGS as Record<string, { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } } }>)[key];
    if (schema) {
      const parsed = schema.safeParse(body.value);
      if (!parsed.success) {
        throw validationProblem((parsed.error?.issues ?? []).map((i) => ({ path: ['value', ...i.path.map(String)].join('.'), message: i.message })));
      }
    }
    const row = await asUser(this.db, admin, (trx) => this.settingsRepo.put(trx, key, body.value, body.is_public));
    this.settings.invalidate(key);
    return row;
  }
}

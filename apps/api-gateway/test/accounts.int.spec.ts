import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { AccountsRepository, CreditsRepository, JobsRepository } from '@muse/db';
import { loadConfig } from '@muse/platform';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { GatewayConfig } from '../src/config.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv } from '../../../test/support/env.js';

type Res = { status: number; headers: Headers; body: any };

describe('accounts: credits, plan limits, /v1/me, API keys, admin', () => {
  let t: TestDatabase;
  let gateway: Gateway;
  let base: string;
  const accounts = new AccountsRepository();
  const credits = new CreditsRepository();
  let n = 0;

  const call = async (method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Res> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
  const signup = async () => {
    const res = await call('POST', '/v1/auth/signup', { body: { email: `user${++n}@example.com`, password: 'correct horse battery' } });
    expect(res.status).toBe(201);
    return { token: res.body.access_token as string, id: res.body.user.id as string };
  };
  /** A plan made for one test, so the limit under test is the only one that can bite. */
  const plan = async (name: string, p: { daily?: number; concurrent?: number }) => {
    await t.db
      .insertInto('subscription_plans')
      .values({ name, display_name: name, credits_monthly: -1, credits_daily_limit: p.daily ?? -1, max_concurrent_generations: p.concurrent ?? -1, max_projects: -1, max_tracks_per_project: -1 })
      .execute();
  };
  /** Moves the user onto plan with exactly `balance` credits, through the ledgered admin function. */
  const setAccount = async (userId: string, planName: string, balance: number) => {
    await accounts.setPlan(t.db, userId, planName);
    const p = await t.db.selectFrom('profiles').select('credits_remaining').where('id', '=', userId).executeTakeFirstOrThrow();
    if (balance !== p.credits_remaining) await credits.adjust(t.db, userId, balance - p.credits_remaining, 'test setup');
  };
  const generate = (token: string, prompt = 'a song') => call('POST', '/v1/generations', { token, body: { prompt } });
  const balance = async (userId: string) => (await t.db.selectFrom('profiles').select('credits_remaining').where('id', '=', userId).executeTakeFirstOrThrow()).credits_remaining;
  const ledger = (userId: string) => t.db.selectFrom('credit_transactions').selectAll().where('user_id', '=', userId).where('kind', '=', 'production').orderBy('created_at').execute();
  const ledgerSum = async (userId: string) => (await ledger(userId)).reduce((s, r) => s + r.amount, 0);

  beforeAll(async () => {
    t = await createTestDatabase();
    const config = loadConfig(
      GatewayConfig,
      serviceEnv(t.url, {
        OUTBOX_POLL_MS: '60000',
        STALE_JOB_SECONDS: '3600',
        // Rate limits have their own test; here they must not be what refuses a request.
        RATE_LIMITS: JSON.stringify({ 'generate-music': { requests: 10_000, per_seconds: 60 }, 'api-general': { requests: 10_000, per_seconds: 60 }, auth: { requests: 1000, per_seconds: 60 } }),
      }),
    );
    gateway = await createGateway(config);
    await gateway.app.listen(0, '127.0.0.1');
    base = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await gateway.close();
    await t.drop();
  });

  it('ledgers the signup grant, so the ledger reconstructs the balance from the start', async () => {
    const u = await signup();
    expect(await balance(u.id)).toBe(10);
    expect((await ledger(u.id)).map((r) => [r.amount, r.reason])).toEqual([[10, 'signup_grant']]);
  });

  it('50 concurrent submissions with credits for 5: exactly 5 accepted, balance 0, ledger consistent', async () => {
    await plan('race', {});
    const u = await signup();
    await setAccount(u.id, 'race', 5);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => generate(u.token, `race ${i}`)));
    const accepted = results.filter((r) => r.status === 202);
    const refused = results.filter((r) => r.status !== 202);
    expect(accepted).toHaveLength(5);
    expect(refused.map((r) => r.status)).toEqual(Array(45).fill(402));
    for (const r of refused) {
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.type).toBe('https://muse.studio/problems/insufficient-credits');
      expect(r.body.limit).toEqual({ name: 'credits', limit: 1, remaining: 0 });
      expect(r.body.detail).toMatch(/costs 1 credit and 0 remain; credits come back when/);
    }
    expect(await balance(u.id)).toBe(0);
    const rows = await ledger(u.id);
    const debits = rows.filter((r) => r.reason === 'generation');
    expect(debits.map((r) => r.amount)).toEqual([-1, -1, -1, -1, -1]);
    expect(new Set(debits.map((r) => r.job_id))).toEqual(new Set(accepted.map((r) => r.body.id)));
    expect(rows.reduce((s, r) => s + r.amount, 0)).toBe(0);
    // balance_after walks down one by one: every debit saw the one before it.
    expect(debits.map((r) => r.balance_after).sort()).toEqual([0, 1, 2, 3, 4]);
    // Nothing of the refused ones was written.
    const jobs = await t.db.selectFrom('jobs').select('id').where('user_id', '=', u.id).execute();
    const tracks = await t.db.selectFrom('tracks').select('id').where('user_id', '=', u.id).execute();
    expect([jobs.length, tracks.length]).toEqual([5, 5]);
  });

  it('a concurrency limit of 2 never has more than 2 in flight; a finished or crashed job frees its slot', async () => {
    await plan('duo', { concurrent: 2 });
    const u = await signup();
    await setAccount(u.id, 'duo', 100);
    const inFlight = async () =>
      Number((await t.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', u.id).where('status', 'in', ['pending', 'processing']).executeTakeFirstOrThrow()).n);

    const first = await Promise.all(Array.from({ length: 20 }, (_, i) => generate(u.token, `duo ${i}`)));
    expect(first.filter((r) => r.status === 202)).toHaveLength(2);
    const refusals = first.filter((r) => r.status !== 202);
    expect(refusals.map((r) => r.status)).toEqual(Array(18).fill(403));
    expect(refusals[0]!.body.type).toBe('https://muse.studio/problems/concurrency-limit');
    expect(refusals[0]!.body.limit).toEqual({ name: 'max_concurrent_generations', limit: 2, used: 2, remaining: 0 });
    expect(refusals[0]!.body.detail).toMatch(/at most 2 jobs at a time.*frees as soon as one of them finishes/);
    expect(await inFlight()).toBe(2);

    // Rounds: finish one job (completed, or failed after a crash as the sweep does), fire 20 more at once.
    const accepted = first.filter((r) => r.status === 202).map((r) => r.body.id as string);
    for (const ending of ['completed', 'failed', 'cancelled', 'completed'] as const) {
      const done = accepted.shift()!;
      await t.db.updateTable('jobs').set({ status: ending, completed_at: new Date() }).where('id', '=', done).execute();
      const round = await Promise.all(Array.from({ length: 20 }, (_, i) => generate(u.token, `round ${ending} ${i}`)));
      const ok = round.filter((r) => r.status === 202);
      expect(ok).toHaveLength(1);
      accepted.push(ok[0]!.body.id);
      expect(await inFlight()).toBe(2);
    }
    // 2 + 4 jobs charged, two of them (failed, cancelled) refunded: 100 - 6 + 2.
    expect(await balance(u.id)).toBe(96);
    expect(await ledgerSum(u.id)).toBe(96);
  });

  it('refunds a failed or cancelled job exactly once, however often and concurrently it is asked', async () => {
    await plan('refunds', {});
    const u = await signup();
    await setAccount(u.id, 'refunds', 3);
    const job = (await generate(u.token)).body.id as string;
    expect(await balance(u.id)).toBe(2);
    // The worker's calls: claim, a failed attempt that will be retried (no refund), then the final failure,
    // which refunds in the same transaction as the status change.
    const jobsRepo = new JobsRepository();
    await jobsRepo.claim(t.db, job);
    await jobsRepo.fail(t.db, job, { code: 'generation-failed', message: 'boom' }, false);
    expect(await balance(u.id)).toBe(2);
    await jobsRepo.fail(t.db, job, { code: 'generation-failed', message: 'boom' }, true);
    expect(await balance(u.id)).toBe(3);
    // Asked again, concurrently, and after a retry that fails again: still one refund.
    await Promise.all(Array.from({ length: 10 }, () => credits.refundJob(t.db, job)));
    await t.db.updateTable('jobs').set({ status: 'pending' }).where('id', '=', job).execute();
    await t.db.updateTable('jobs').set({ status: 'cancelled' }).where('id', '=', job).execute();
    expect((await ledger(u.id)).filter((r) => r.reason === 'refund').map((r) => [r.amount, r.job_id, r.balance_after])).toEqual([[1, job, 3]]);
    expect(await balance(u.id)).toBe(3);
    // Cancelled through the API before it ran: refunded; cancelling again changes nothing.
    const toCancel = (await generate(u.token)).body.id as string;
    expect(await balance(u.id)).toBe(2);
    expect((await call('POST', `/v1/jobs/${toCancel}/cancel`, { token: u.token })).body.status).toBe('cancelled');
    expect((await call('POST', `/v1/jobs/${toCancel}/cancel`, { token: u.token })).body.status).toBe('cancelled');
    expect(await balance(u.id)).toBe(3);
    // A completed job keeps its debit.
    const kept = (await generate(u.token)).body.id as string;
    await t.db.updateTable('jobs').set({ status: 'completed' }).where('id', '=', kept).execute();
    await t.db.updateTable('jobs').set({ status: 'failed' }).where('id', '=', kept).execute();
    expect(await balance(u.id)).toBe(2);
    expect(await ledgerSum(u.id)).toBe(2);
    expect((await ledger(u.id)).filter((r) => r.reason === 'refund').map((r) => r.job_id)).toEqual([job, toCancel]);
  });

  it('enforces the daily credit limit and says when it resets (00:00 UTC)', async () => {
    await plan('daily3', { daily: 3 });
    const u = await signup();
    await setAccount(u.id, 'daily3', 50);
    const results = await Promise.all(Array.from({ length: 8 }, () => generate(u.token)));
    expect(results.filter((r) => r.status === 202)).toHaveLength(3);
    const refused = results.filter((r) => r.status !== 202);
    expect(refused.every((r) => r.status === 403)).toBe(true);
    const body = refused[0]!.body;
    expect(body.type).toBe('https://muse.studio/problems/daily-credit-limit');
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    expect(body.limit).toMatchObject({ name: 'credits_daily_limit', limit: 3, used: 3, remaining: 0, resets_at: midnight.toISOString() });
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await balance(u.id)).toBe(47);
    const me = await call('GET', '/v1/me', { token: u.token });
    expect(me.body.usage_today).toMatchObject({ credits_used: 3, generations: 3 });
  });

  it('GET /v1/me shows profile, plan, credits, usage, limits and jobs in flight; PATCH validates', async () => {
    const u = await signup();
    await generate(u.token);
    const me = await call('GET', '/v1/me', { token: u.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: u.id,
      roles: [],
      plan: { name: 'free', display_name: 'Free', status: 'active' },
      credits: { remaining: 9, used_today: 1, monthly: 10, test_remaining: expect.any(Number) },
      usage_today: { credits_used: 1, generations: 1, resets_at: expect.any(String) },
      limits: {
        credits_daily: 5,
        generations_daily: 5,
        max_concurrent_generations: 2,
        rate_limits: { 'generate-music': { requests: 10_000, per_seconds: 60 }, 'generate-lyrics': { requests: 20, per_seconds: 60 } },
      },
      jobs_in_flight: 1,
    });

    const ok = await call('PATCH', '/v1/me', { token: u.token, body: { full_name: 'Ada Lovelace', bio: 'composer', website_url: 'https://ada.example', preferences: { theme: 'dark' } } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ full_name: 'Ada Lovelace', bio: 'composer', website_url: 'https://ada.example', preferences: { theme: 'dark' } });

    const bad: Array<[unknown, string]> = [
      [{}, ''],
      [{ website_url: 'javascript:alert(1)' }, 'website_url'],
      [{ avatar_url: 'not a url' }, 'avatar_url'],
      [{ credits_remaining: 1_000_000 }, 'credits_remaining'],
      [{ subscription_plan: 'premium' }, 'subscription_plan'],
      [{ full_name: 'x'.repeat(201) }, 'full_name'],
      [{ preferences: 'dark' }, 'preferences'],
    ];
    for (const [body, path] of bad) {
      const res = await call('PATCH', '/v1/me', { token: u.token, body });
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('https://muse.studio/problems/validation');
      if (path) expect(res.body.errors.map((e: { path: string }) => e.path).join(' ')).toContain(path);
    }
    const after = await call('GET', '/v1/me', { token: u.token });
    expect(after.body).toMatchObject({ full_name: 'Ada Lovelace', plan: { name: 'free' }, credits: { remaining: 9 } });
  });

  it('API keys: shown once, stored hashed, usable wherever a token is, revocable', async () => {
    const u = await signup();
    const created = await call('POST', '/v1/api-keys', { token: u.token, body: { name: 'my script' } });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    expect(key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    const stored = await t.db.selectFrom('api_keys').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow();
    expect(stored.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(key);

    const list = await call('GET', '/v1/api-keys', { token: u.token });
    expect(list.body.data).toEqual([expect.objectContaining({ id: created.body.id, name: 'my script', prefix: key.slice(0, 11), revoked_at: null })]);
    expect(JSON.stringify(list.body)).not.toContain(key);

    expect((await call('GET', '/v1/me', { token: key })).body.id).toBe(u.id);
    const job = await generate(key, 'made with a key');
    expect(job.status).toBe(202);
    expect((await t.db.selectFrom('jobs').select('user_id').where('id', '=', job.body.id).executeTakeFirstOrThrow()).user_id).toBe(u.id);

    // Another user can neither see nor revoke it.
    const other = await signup();
    expect((await call('GET', '/v1/api-keys', { token: other.token })).body.data).toEqual([]);
    expect((await call('DELETE', `/v1/api-keys/${created.body.id}`, { token: other.token })).status).toBe(404);

    expect((await call('DELETE', `/v1/api-keys/${created.body.id}`, { token: u.token })).status).toBe(204);
    const revoked = await call('GET', '/v1/me', { token: key });
    expect(revoked.status).toBe(401);
    expect(revoked.body.detail).toMatch(/invalid or revoked/);
    expect((await call('GET', '/v1/me', { token: `sk_${'A'.repeat(43)}` })).status).toBe(401);
    expect((await call('POST', '/v1/api-keys', { token: u.token, body: { name: '' } })).status).toBe(400);
  });

  it('admin: roles, ledgered credit adjustments and plan changes; only for admins', async () => {
    const admin = await signup();
    const user = await signup();
    expect((await call('PATCH', `/v1/admin/users/${user.id}`, { token: user.token, body: { credits_delta: 5 } })).status).toBe(403);
    await accounts.grantRole(t.db, admin.id, 'admin');

    const granted = await call('PUT', `/v1/admin/users/${user.id}/roles/moderator`, { token: admin.token });
    expect(granted.body).toEqual({ user_id: user.id, roles: ['moderator'] });
    expect((await call('PUT', `/v1/admin/users/${user.id}/roles/moderator`, { token: admin.token })).body.roles).toEqual(['moderator']);
    expect((await call('PUT', `/v1/admin/users/${user.id}/roles/owner`, { token: admin.token })).status).toBe(400);
    expect((await call('DELETE', `/v1/admin/users/${user.id}/roles/moderator`, { token: admin.token })).body.roles).toEqual([]);
    expect((await call('PUT', `/v1/admin/users/00000000-0000-4000-8000-000000000000/roles/admin`, { token: admin.token })).status).toBe(404);

    const upgraded = await call('PATCH', `/v1/admin/users/${user.id}`, { token: admin.token, body: { subscription_plan: 'pro', credits_delta: 90, reason: 'upgrade bonus' } });
    expect(upgraded.status).toBe(200);
    expect(upgraded.body).toMatchObject({ subscription_plan: 'pro', subscription_tier: 'pro', credits_remaining: 100 });
    const rows = await ledger(user.id);
    expect(rows.at(-1)).toMatchObject({ amount: 90, balance_after: 100, reason: 'admin_adjustment: upgrade bonus' });

    // Refusals change nothing.
    const overdraw = await call('PATCH', `/v1/admin/users/${user.id}`, { token: admin.token, body: { subscription_plan: 'premium', credits_delta: -101 } });
    expect(overdraw.status).toBe(409);
    const unknownPlan = await call('PATCH', `/v1/admin/users/${user.id}`, { token: admin.token, body: { subscription_plan: 'gold', credits_delta: 1 } });
    expect(unknownPlan.status).toBe(400);
    expect((await call('PATCH', `/v1/admin/users/${user.id}`, { token: admin.token, body: { credits_delta: 0 } })).status).toBe(400);
    expect((await call('PATCH', `/v1/admin/users/${user.id}`, { token: admin.token, body: {} })).status).toBe(400);
    const me = await call('GET', '/v1/me', { token: user.token });
    expect(me.body).toMatchObject({ plan: { name: 'pro' }, credits: { remaining: 100 } });
    expect(await ledgerSum(user.id)).toBe(100);
  });

  it('maintenance mode answers 503 to everyone but admins; feature flags switch job kinds and providers off', async () => {
    const admin = await signup();
    const user = await signup();
    await accounts.grantRole(t.db, admin.id, 'admin');
    const put = (key: string, value: unknown) => call('PUT', `/v1/admin/settings/${key}`, { token: admin.token, body: { value } });

    expect((await put('maintenance_mode', { enabled: 'yes' })).status).toBe(400);
    expect((await put('feature_flags', { job_kinds: { generation: 'off' } })).status).toBe(400);
    expect((await put('rate_limits', { 'generate-music': { requests: 0, per_seconds: 60 } })).status).toBe(400);

    try {
      expect((await put('maintenance_mode', { enabled: true, message: 'back at 10:00 UTC' })).status).toBe(200);
      const down = await call('GET', '/v1/me', { token: user.token });
      expect(down.status).toBe(503);
      expect(down.body.detail).toBe('back at 10:00 UTC');
      expect((await call('POST', '/v1/auth/signup', { body: { email: 'late@example.com', password: 'correct horse battery' } })).status).toBe(503);
      expect((await call('GET', '/v1/me', { token: admin.token })).status).toBe(200);
      expect((await call('GET', '/health/live')).status).toBe(200); // operations endpoints are not under /v1
      const got = await call('GET', '/v1/admin/settings/maintenance_mode', { token: admin.token });
      expect(got.body).toMatchObject({ key: 'maintenance_mode', value: { enabled: true, message: 'back at 10:00 UTC' }, is_public: true });
    } finally {
      await put('maintenance_mode', { enabled: false });
    }
    expect((await call('GET', '/v1/me', { token: user.token })).status).toBe(200);

    try {
      expect((await put('feature_flags', { job_kinds: { generation: false } })).status).toBe(200);
      const off = await generate(user.token);
      expect(off.status).toBe(503);
      expect(off.body.type).toBe('https://muse.studio/problems/feature-disabled');
      await put('feature_flags', { providers: { local: false } });
      expect((await generate(user.token)).body.detail).toMatch(/local provider is switched off/);
    } finally {
      await put('feature_flags', {});
    }
    expect((await generate(user.token)).status).toBe(202);
    expect((await call('GET', '/v1/admin/settings/nope', { token: admin.token })).status).toBe(404);
    expect((await call('GET', '/v1/admin/settings/maintenance_mode', { token: user.token })).status).toBe(403);
  });

  it('reconstructs every balance from the ledger', async () => {
    const { rows } = await sql<{ id: string; balance: number; total: number }>`
      select p.id, p.credits_remaining as balance, coalesce(sum(c.amount), 0)::int as total
        from profiles p left join credit_transactions c on c.user_id = p.id and c.kind = 'production'
       group by p.id`.execute(t.db);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.filter((r) => r.balance !== r.total)).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { JobsRepository } from '@muse/db';
import { loadConfig } from '@muse/platform';
import { createGateway } from '../src/bootstrap.js';
import { GatewayConfig } from '../src/config.js';
import { serviceEnv } from '../../../test/support/env.js';
import { AccountsHarness } from './accounts-harness.js';

const PRICES = { default: { generation: 1, lyrics: 2 }, pro: { generation: 3 } };

/** Per-plan prices, sandbox (test) credits, and paid retries of refunded jobs. */
describe('accounts: per-plan prices, sandbox credits, paid retries', () => {
  const h = new AccountsHarness();
  const { call } = h;
  const jobs = new JobsRepository();

  beforeAll(() => h.start({ CREDIT_PRICES: JSON.stringify(PRICES), MUREKA_API_KEY: 'test-mureka-key' }));
  afterAll(() => h.stop());

  const generate = (token: string, prompt = 'a song') => call('POST', '/v1/generations', { token, body: { prompt } });
  /** What the worker does when a job's last attempt fails: claim, then fail for good (the trigger refunds). */
  const failFinally = async (jobId: string) => {
    await jobs.claim(h.t.db, jobId);
    await jobs.fail(h.t.db, jobId, { code: 'generation-failed', message: 'boom' }, true);
  };
  const jobRow = (id: string) => h.t.db.selectFrom('jobs').select(['status', 'attempts']).where('id', '=', id).executeTakeFirstOrThrow();

  it('charges each plan its own price (CREDIT_PRICES per plan) and shows the caller\'s prices in /v1/me', async () => {
    const free = await h.signup();
    const pro = await h.signup();
    await h.setAccount(pro.id, 'pro', 10);
    expect((await generate(free.token)).status).toBe(202);
    expect((await generate(pro.token)).status).toBe(202);
    expect((await h.ledger(free.id)).at(-1)).toMatchObject({ amount: -1, reason: 'generation' });
    expect((await h.ledger(pro.id)).at(-1)).toMatchObject({ amount: -3, balance_after: 7, reason: 'generation' });
    expect((await h.balance(pro.id)).credits_remaining).toBe(7);

    const meFree = await call('GET', '/v1/me', { token: free.token });
    const mePro = await call('GET', '/v1/me', { token: pro.token });
    expect(meFree.body.credits.prices).toMatchObject({ generation: 1, lyrics: 2, stems: 0 });
    expect(mePro.body.credits.prices).toMatchObject({ generation: 3, lyrics: 2, stems: 0 });
    expect(mePro.body.credits.mode).toBe('production');

    // Two credits left at 3 a job: refused with what it costs.
    await h.setAccount(pro.id, 'pro', 2);
    const refused = await generate(pro.token);
    expect(refused.status).toBe(402);
    expect(refused.body.limit).toEqual({ name: 'credits', limit: 3, remaining: 2 });
    expect(refused.body.detail).toMatch(/costs 3 credits and 2 remain/);
  });

  it('validates CREDIT_PRICES at start-up: malformed values and unknown plans stop the gateway', async () => {
    const env = (prices: string) => serviceEnv(h.t.url, { CREDIT_PRICES: prices });
    expect(() => loadConfig(GatewayConfig, env('{"generation": -1}'))).toThrow(/CREDIT_PRICES/);
    expect(() => loadConfig(GatewayConfig, env('{"pro": {"generation": "two"}}'))).toThrow(/CREDIT_PRICES/);
    expect(() => loadConfig(GatewayConfig, env('{"pro": {"nonsense": 1}}'))).toThrow(/CREDIT_PRICES/);
    expect(loadConfig(GatewayConfig, env('{"generation": 2}')).CREDIT_PRICES).toEqual({ default: { generation: 2 }, plans: {} });
    await expect(createGateway(loadConfig(GatewayConfig, env('{"gold": {"generation": 5}}')))).rejects.toThrow(/CREDIT_PRICES names unknown plan\(s\): gold/);
  });

  it('sandbox keys (sk_test_…) debit test credits, ledgered and refunded exactly once like production credits', async () => {
    const u = await h.signup();
    await h.setAccount(u.id, 'pro', 10);
    const created = await call('POST', '/v1/api-keys', { token: u.token, body: { name: 'ci', mode: 'test' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ mode: 'test' });
    const key = created.body.key as string;
    expect(key).toMatch(/^sk_test_[A-Za-z0-9_-]{43}$/);
    expect((await call('POST', '/v1/api-keys', { token: u.token, body: { name: 'x', mode: 'prod' } })).status).toBe(400);

    const me = await call('GET', '/v1/me', { token: key });
    expect(me.body.credits).toMatchObject({ mode: 'test', test_remaining: 100, remaining: 10 });

    const job = await generate(key, 'sandbox song');
    expect(job.status).toBe(202);
    expect(await h.balance(u.id)).toEqual({ credits_remaining: 10, test_credits_remaining: 97 }); // pro price, sandbox balance
    expect((await h.ledger(u.id, 'test')).map((r) => [r.amount, r.balance_after, r.reason, r.job_id])).toEqual([[-3, 97, 'generation', job.body.id]]);

    await failFinally(job.body.id);
    await Promise.all(Array.from({ length: 5 }, () => h.credits.refundJob(h.t.db, job.body.id)));
    expect((await h.balance(u.id)).test_credits_remaining).toBe(100);
    expect((await h.ledger(u.id, 'test')).filter((r) => r.reason === 'refund').map((r) => [r.amount, r.balance_after])).toEqual([[3, 100]]);

    // An admin moves the sandbox balance like the production one: ledgered, all or nothing, never below 0.
    const admin = await h.signup();
    await h.accounts.grantRole(h.t.db, admin.id, 'admin');
    const adjust = (body: unknown) => call('PATCH', `/v1/admin/users/${u.id}`, { token: admin.token, body });
    expect((await adjust({ test_credits_delta: -101, credits_delta: 5 })).status).toBe(409);
    expect((await adjust({ test_credits_delta: 0 })).status).toBe(400);
    expect((await call('PATCH', `/v1/admin/users/${u.id}`, { token: u.token, body: { test_credits_delta: 5 } })).status).toBe(403);
    const adjusted = await adjust({ test_credits_delta: -98, reason: 'sandbox reset' });
    expect(adjusted.body).toMatchObject({ credits_remaining: 10, test_credits_remaining: 2 });
    expect((await h.ledger(u.id, 'test')).at(-1)).toMatchObject({ amount: -98, balance_after: 2, reason: 'admin_adjustment: sandbox reset', kind: 'test' });

    // Out of test credits: 402 naming the sandbox balance; production credits are never touched.
    const refused = await generate(key);
    expect(refused.status).toBe(402);
    expect(refused.body.limit).toEqual({ name: 'test_credits', limit: 3, remaining: 2 });
    expect(refused.body.detail).toMatch(/costs 3 test credits and 2 remain/);
    expect((await h.balance(u.id)).credits_remaining).toBe(10);
    // Sandbox jobs never go to a paid provider; nothing is written.
    const jobsBefore = await h.t.db.selectFrom('jobs').select('id').where('user_id', '=', u.id).execute();
    await h.setAccount(u.id, 'pro', 10);
    await adjust({ test_credits_delta: 10 });
    const paid = await call('POST', '/v1/generations', { token: key, body: { prompt: 'x', provider: 'mureka' } });
    expect([paid.status, paid.body.type]).toEqual([422, 'https://muse.studio/problems/sandbox-provider']);
    expect(await h.t.db.selectFrom('jobs').select('id').where('user_id', '=', u.id).execute()).toHaveLength(jobsBefore.length);
    expect((await h.balance(u.id)).test_credits_remaining).toBe(12);
    await adjust({ test_credits_delta: -10 });

    // A live key (or the JWT) still spends production credits.
    const live = (await call('POST', '/v1/api-keys', { token: u.token, body: { name: 'live' } })).body.key as string;
    expect(live).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect((await generate(live)).status).toBe(202);
    expect(await h.balance(u.id)).toEqual({ credits_remaining: 7, test_credits_remaining: 2 });
  });

  it('a retry of a refunded job pays again (402 and no state change when it cannot); its failure is refunded exactly once', async () => {
    const u = await h.signup();
    await h.setAccount(u.id, 'free', 1);
    const job = (await generate(u.token)).body.id as string;
    await failFinally(job);
    expect((await h.balance(u.id)).credits_remaining).toBe(1);

    // Cannot pay: refused with the limit body, the job stays failed with its attempts.
    await h.setAccount(u.id, 'free', 0);
    const before = await jobRow(job);
    const refused = await call('POST', `/v1/jobs/${job}/retry`, { token: u.token });
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ type: 'https://muse.studio/problems/insufficient-credits', limit: { name: 'credits', limit: 1, remaining: 0 } });
    expect(await jobRow(job)).toEqual(before);
    expect(before.status).toBe('failed');

    // With credits for exactly one: 5 concurrent retries, one goes through and pays once.
    await h.setAccount(u.id, 'free', 1);
    const retries = await Promise.all(Array.from({ length: 5 }, () => call('POST', `/v1/jobs/${job}/retry`, { token: u.token })));
    const ok = retries.filter((r) => r.status < 300);
    expect(ok).toHaveLength(1);
    expect(ok[0]!.body.status).toBe('pending');
    expect(retries.filter((r) => r.status >= 300).every((r) => r.status === 409)).toBe(true);
    expect((await h.balance(u.id)).credits_remaining).toBe(0);
    const retryDebits = (await h.ledger(u.id)).filter((r) => r.job_id === job && r.reason === 'retry');
    expect(retryDebits.map((r) => [r.amount, r.balance_after])).toEqual([[-1, 0]]);

    // The retry fails too: refunded once more, exactly once however often it is asked.
    await failFinally(job);
    await Promise.all(Array.from({ length: 10 }, () => h.credits.refundJob(h.t.db, job)));
    expect((await h.balance(u.id)).credits_remaining).toBe(1);
    const rows = (await h.ledger(u.id)).filter((r) => r.job_id === job);
    expect(rows.map((r) => [r.reason, r.amount])).toEqual([['generation', -1], ['refund', 1], ['retry', -1], ['refund', 1]]);
    const refunds = rows.filter((r) => r.reason === 'refund');
    expect(new Set(refunds.map((r) => r.refund_of))).toEqual(new Set(rows.filter((r) => r.amount < 0).map((r) => r.id)));

  });

  it('a retry takes a concurrency slot again: refused with 403 while the plan\'s slots are full, nothing charged', async () => {
    await h.t.db.insertInto('subscription_plans').values({ name: 'solo', display_name: 'solo', credits_monthly: -1, credits_daily_limit: -1, max_concurrent_generations: 1, max_projects: -1, max_tracks_per_project: -1 }).execute();
    const u = await h.signup();
    await h.setAccount(u.id, 'solo', 5);
    const failed = (await generate(u.token)).body.id as string;
    await failFinally(failed);
    const running = (await generate(u.token)).body.id as string;
    const refused = await call('POST', `/v1/jobs/${failed}/retry`, { token: u.token });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ type: 'https://muse.studio/problems/concurrency-limit', limit: { name: 'max_concurrent_generations', limit: 1, used: 1, remaining: 0 } });
    expect((await jobRow(failed)).status).toBe('failed');
    expect((await h.balance(u.id)).credits_remaining).toBe(4);
    await h.t.db.updateTable('jobs').set({ status: 'completed', completed_at: new Date() }).where('id', '=', running).execute();
    expect((await call('POST', `/v1/jobs/${failed}/retry`, { token: u.token })).status).toBe(202);
    expect((await h.balance(u.id)).credits_remaining).toBe(3);
  });

  it('reconstructs every production and sandbox balance from the ledger', async () => {
    const { rows } = await sql<{ id: string; kind: string; balance: number; total: number }>`
      select p.id, k.kind, case k.kind when 'production' then p.credits_remaining else p.test_credits_remaining end as balance,
             coalesce((select sum(c.amount) from credit_transactions c where c.user_id = p.id and c.kind = k.kind), 0)::int as total
        from profiles p cross join (values ('production'), ('test')) k(kind)
       where k.kind = 'production' or exists (select 1 from credit_transactions c where c.user_id = p.id and c.kind = 'test')`.execute(h.t.db);
    expect(rows.length).toBeGreaterThan(4);
    // The sandbox's opening 100 is a default, not a movement (0010): its ledger counts from there.
    expect(rows.filter((r) => (r.kind === 'production' ? r.balance !== r.total : r.balance !== r.total + 100))).toEqual([]);
  });
});

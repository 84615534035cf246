import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AccountsRepository, CreditsRepository, SettingsRepository } from '@muse/db';
import { loadConfig } from '@muse/platform';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { GatewayConfig } from '../src/config.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv } from '../../../test/support/env.js';

type Res = { status: number; headers: Headers; body: any };

describe('rate limits: token buckets in Redis shared by every gateway replica', () => {
  let t: TestDatabase;
  const gateways: Gateway[] = [];
  const bases: string[] = [];
  let n = 0;

  const call = async (base: string, method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<Res> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
  /** A user on a plan without limits and with credits, so only the rate limit can refuse. */
  const unlimitedUser = async () => {
    const res = await call(bases[0]!, 'POST', '/v1/auth/signup', { body: { email: `rl${++n}@example.com`, password: 'correct horse battery' } });
    expect(res.status).toBe(201);
    await new AccountsRepository().setPlan(t.db, res.body.user.id, 'rl-unlimited');
    await new CreditsRepository().adjust(t.db, res.body.user.id, 1000, 'test setup');
    return res.body.access_token as string;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    await t.db
      .insertInto('subscription_plans')
      .values({ name: 'rl-unlimited', display_name: 'RL', credits_monthly: -1, credits_daily_limit: -1, max_concurrent_generations: -1, max_projects: -1, max_tracks_per_project: -1 })
      .execute();
    // Both replicas: same database, same Redis, same configuration (QUEUE_PREFIX included), like two pods.
    const config = loadConfig(GatewayConfig, serviceEnv(t.url, { OUTBOX_POLL_MS: '60000', STALE_JOB_SECONDS: '3600', SETTINGS_CACHE_MS: '0', RATE_LIMITS: JSON.stringify({ auth: { requests: 6, per_seconds: 60 } }) }));
    for (let i = 0; i < 2; i++) {
      const g = await createGateway(config);
      await g.app.listen(0, '127.0.0.1');
      gateways.push(g);
      bases.push((await g.app.getUrl()).replace('[::1]', '127.0.0.1'));
    }
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await t.drop();
  });

  it('generate-music 10/min across two gateway processes admits exactly 10, with Retry-After and RateLimit-* on refusals', async () => {
    const token = await unlimitedUser();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => call(bases[i % 2]!, 'POST', '/v1/generations', { token, body: { prompt: `burst ${i}` } })));
    const accepted = results.filter((r) => r.status === 202);
    const limited = results.filter((r) => r.status === 429);
    expect(accepted).toHaveLength(10);
    expect(limited).toHaveLength(20);
    for (const r of accepted) {
      expect(r.headers.get('ratelimit-limit')).toBe('10');
      expect(Number(r.headers.get('ratelimit-remaining'))).toBeLessThan(10);
    }
    for (const r of limited) {
      const retryAfter = Number(r.headers.get('retry-after'));
      // One token refills every 6 s.
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(6);
      expect(r.headers.get('ratelimit-limit')).toBe('10');
      expect(r.headers.get('ratelimit-remaining')).toBe('0');
      expect(r.headers.get('ratelimit-reset')).toBe(String(retryAfter));
      expect(r.body.type).toBe('https://muse.studio/problems/rate-limited');
      expect(r.body.limit).toMatchObject({ name: 'rate_limit:generate-music', limit: 10, remaining: 0, retry_after_seconds: retryAfter });
      expect(r.body.detail).toMatch(/'generate-music' is 10 requests per 60 s per user; the next request is admitted in \d+ s/);
    }
    // Nothing was written for the refused ones.
    expect(Number((await t.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(10);
    // Buckets are per user and per class: another user, and another class of the same user, are not affected.
    const other = await unlimitedUser();
    expect((await call(bases[1]!, 'POST', '/v1/generations', { token: other, body: { prompt: 'mine' } })).status).toBe(202);
    expect((await call(bases[0]!, 'GET', '/v1/me', { token })).status).toBe(200);
  });

  it('anonymous signup/token are limited per IP address', async () => {
    // The test's own signups above used some of this IP's tokens; exhaust the rest across both replicas.
    const results: Res[] = [];
    for (let i = 0; i < 8; i++) {
      results.push(await call(bases[i % 2]!, 'POST', '/v1/auth/token', { body: { email: 'nobody@example.com', password: 'whatever it is' } }));
    }
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 401).length + limited.length).toBe(8);
    expect(limited[0]!.body.detail).toMatch(/'auth' is 6 requests per 60 s per IP address/);
    expect(limited[0]!.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('app_settings.rate_limits overrides the configuration at run time on every replica', async () => {
    await new SettingsRepository().put(t.db, 'rate_limits', { 'api-general': { requests: 3, per_seconds: 60 } });
    try {
      const token = await unlimitedUserWithoutSignupLimit();
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => call(bases[i % 2]!, 'GET', '/v1/jobs', { token })));
      expect(results.filter((r) => r.status === 200)).toHaveLength(3);
      expect(results.filter((r) => r.status === 429)).toHaveLength(5);
    } finally {
      await new SettingsRepository().put(t.db, 'rate_limits', {});
    }
  });

  /** The auth bucket of this IP is spent by now: make the user directly, as the platform would, and mint its token through an API key. */
  async function unlimitedUserWithoutSignupLimit(): Promise<string> {
    const user = await t.db.insertInto('auth.users').values({ email: `direct${++n}@example.com`, encrypted_password: 'x' }).returning('id').executeTakeFirstOrThrow();
    await new AccountsRepository().setPlan(t.db, user.id, 'rl-unlimited');
    const { createHash, randomBytes } = await import('node:crypto');
    const key = `sk_${randomBytes(32).toString('base64url')}`;
    await t.db.insertInto('api_keys').values({ user_id: user.id, name: 'test', key_hash: createHash('sha256').update(key).digest('hex'), key_prefix: key.slice(0, 11) }).execute();
    return key;
  }
});

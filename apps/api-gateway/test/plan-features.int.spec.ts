// Plan features (403 feature-not-in-plan, enforced where the job row is written) and the priority
// queue (premium jobs first, standard ones aged so they never starve), through the gateway's HTTP API.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_PRIORITY } from '@muse/contracts';
import { AccountsRepository, JobsRepository } from '@muse/db';
import { loadConfig } from '@muse/platform';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { GatewayConfig } from '../src/config.js';
import { PriorityAgingService } from '../src/outbox/priority-aging.service.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';

interface User { id: string; token: string }
const AGING_MS = 600_000; // the timer never fires during the test; the starvation test moves the clock instead

describe('plan features and priority', () => {
  let t: TestDatabase;
  let gateway: Gateway;
  let base = '';
  let prefix = '';
  let redis: Redis;
  let queue: Queue;
  const accounts = new AccountsRepository();
  const jobs = new JobsRepository();

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  let s3 = '';
  /** An upscale of audio in the user's own storage (the only input URLs the API takes). */
  const upscaleOf = (user: User) => ({ input_audio_url: `${s3}/tracks/${user.id}/song.mp3`, model_version: 'local-resample-48k' });
  let n = 0;
  const signup = async (plan?: string): Promise<User> => {
    const res = await call('POST', '/v1/auth/signup', undefined, { email: `features-${n++}@example.com`, password: 'correct horse battery' });
    expect(res.status).toBe(201);
    if (plan) await accounts.setPlan(t.db, res.body.user.id, plan);
    return { id: res.body.user.id, token: res.body.access_token };
  };
  const count = async (table: 'jobs' | 'outbox' | 'audio_upscale_jobs' | 'credit_transactions') =>
    Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const generate = async (user: User): Promise<string> => {
    const res = await call('POST', '/v1/generations', user.token, { prompt: 'a song in line', provider: 'local' });
    expect(res.status).toBe(202);
    return res.body.id;
  };
  /** Resumes the paused queue under a one-at-a-time consumer and returns job ids in the order taken. */
  const drainInOrder = async (expected: number): Promise<string[]> => {
    const order: string[] = [];
    const worker = new Worker('generation', async (job) => void order.push(job.data.jobId), { connection: redis, prefix, concurrency: 1 });
    try {
      await queue.resume();
      await waitFor(async () => order.length >= expected, `${expected} jobs to be taken`, 20_000, 50);
    } finally {
      await worker.close();
      await queue.pause();
    }
    return order;
  };
  const published = (ids: string[]) => waitFor(async () => (await count('outbox')) > 0 && (await t.db.selectFrom('outbox').select('queue_job_id').where('published_at', 'is', null).execute()).length === 0 && (await Promise.all(ids.map((id) => queue.getJob(id)))).every(Boolean), 'the outbox to be published', 20_000, 50);

  beforeAll(async () => {
    t = await createTestDatabase();
    const env = serviceEnv(t.url, {
      OUTBOX_POLL_MS: '100',
      PRIORITY_AGING_MS: String(AGING_MS),
      RATE_LIMITS: JSON.stringify({ 'generate-music': { requests: 10_000, per_seconds: 60 }, 'api-general': { requests: 10_000, per_seconds: 60 }, auth: { requests: 1000, per_seconds: 60 } }),
    });
    prefix = env.QUEUE_PREFIX!;
    s3 = env.S3_ENDPOINT!.replace(/\/+$/, '');
    gateway = await createGateway(loadConfig(GatewayConfig, env));
    await gateway.app.listen(0, '127.0.0.1');
    base = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    redis = new Redis(env.REDIS_URL!, { maxRetriesPerRequest: null });
    queue = new Queue('generation', { connection: redis, prefix });
    await queue.pause();
    const unlimited = { credits_monthly: -1, credits_daily_limit: -1, max_concurrent_generations: -1, max_projects: -1, max_tracks_per_project: -1 };
    await t.db.insertInto('subscription_plans').values([
      { name: 'standard-unlimited', display_name: 'Standard', ...unlimited, features: JSON.stringify({ upscale: true }) },
      { name: 'premium-unlimited', display_name: 'Premium', ...unlimited, features: JSON.stringify({ upscale: true, priority_queue: true }) },
    ]).execute();
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    redis?.disconnect();
    await gateway?.close();
    await t?.drop();
  });

  it('refuses a kind whose feature the plan lacks with 403 feature-not-in-plan, writing and charging nothing', async () => {
    const free = await signup();
    const before = { jobs: await count('jobs'), outbox: await count('outbox'), upscales: await count('audio_upscale_jobs'), ledger: await count('credit_transactions') };
    const credits = (await call('GET', '/v1/me', free.token)).body.credits.remaining;
    const res = await call('POST', '/v1/upscales', free.token, upscaleOf(free));
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ type: 'https://muse.studio/problems/feature-not-in-plan', status: 403, feature: 'upscale', plan: 'free' });
    expect(res.body.plans_with_feature).toEqual(expect.arrayContaining(['pro', 'premium']));
    expect(res.body.plans_with_feature).not.toContain('free');
    expect(res.body.detail).toContain('upscale');
    // With an Idempotency-Key too: the claim rolls back with everything else.
    const keyed = await fetch(`${base}/v1/upscales`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${free.token}`, 'idempotency-key': 'feature-1' }, body: JSON.stringify(upscaleOf(free)) });
    expect(keyed.status).toBe(403);
    expect({ jobs: await count('jobs'), outbox: await count('outbox'), upscales: await count('audio_upscale_jobs'), ledger: await count('credit_transactions') }).toEqual(before);
    expect((await call('GET', '/v1/me', free.token)).body.credits.remaining).toBe(credits);
    // Kinds without a feature are not affected; the plan that has it is let through.
    expect((await call('POST', '/v1/generations', free.token, { prompt: 'free songs still work', provider: 'local' })).status).toBe(202);
    await accounts.setPlan(t.db, free.id, 'pro');
    expect((await call('POST', '/v1/upscales', free.token, upscaleOf(free))).status).toBe(202);
  });

  it('refuses the retry of a job whose feature the plan no longer has, leaving the job failed', async () => {
    const user = await signup('pro');
    const res = await call('POST', '/v1/upscales', user.token, upscaleOf(user));
    expect(res.status).toBe(202);
    await jobs.claim(t.db, res.body.id);
    await jobs.fail(t.db, res.body.id, { code: 'engine', message: 'broke' }, true);
    await accounts.setPlan(t.db, user.id, 'free');
    const retry = await call('POST', `/v1/jobs/${res.body.id}/retry`, user.token);
    expect(retry.status).toBe(403);
    expect(retry.body.feature).toBe('upscale');
    expect((await call('GET', `/v1/jobs/${res.body.id}`, user.token)).body.status).toBe('failed');
    // An admin granting the feature to the plan (plain data) lets it through.
    await t.db.updateTable('subscription_plans').set({ features: JSON.stringify({ stems: false, wav: false, upscale: true, commercial_use: false }) }).where('name', '=', 'free').execute();
    expect((await call('POST', `/v1/jobs/${res.body.id}/retry`, user.token)).status).toBe(202);
    await t.db.updateTable('subscription_plans').set({ features: JSON.stringify({ stems: false, wav: false, upscale: false, commercial_use: false }) }).where('name', '=', 'free').execute();
  });

  /** An empty queue with no unfinished job of an earlier test left for a recovery sweep to put back on it. */
  const emptyQueue = async () => {
    await t.db.updateTable('jobs').set({ status: 'cancelled' }).where('status', 'in', ['pending', 'processing']).execute();
    await queue.obliterate({ force: true });
  };

  it('takes premium jobs before standard jobs waiting on the same queue', async () => {
    await emptyQueue();
    await queue.pause();
    const standard = await signup('standard-unlimited');
    const premium = await signup('premium-unlimited');
    const std: string[] = [];
    for (let i = 0; i < 4; i++) std.push(await generate(standard));
    const prem = [await generate(premium), await generate(premium)];
    await published([...std, ...prem]);
    expect((await queue.getJob(std[0]!))!.priority).toBe(QUEUE_PRIORITY.standard);
    expect((await queue.getJob(prem[0]!))!.priority).toBe(QUEUE_PRIORITY.premium);
    const order = await drainInOrder(6);
    expect(order).toEqual([...prem, ...std]); // premium first; within a class, first come first served
  });

  it('ages a waiting standard job so a stream of premium jobs cannot starve it', async () => {
    await emptyQueue();
    await queue.pause();
    const standard = await signup('standard-unlimited');
    const premium = await signup('premium-unlimited');
    const s = await generate(standard);
    const p1 = await generate(premium);
    await published([s, p1]);
    const aging = gateway.app.get(PriorityAgingService);
    expect(await aging.promoteWaiting()).toBe(0); // young: stays standard
    expect(await aging.promoteWaiting(Date.now() + AGING_MS + 1)).toBe(1); // waited PRIORITY_AGING_MS: promoted
    expect((await queue.getJob(s))!.priority).toBe(QUEUE_PRIORITY.premium);
    const later = [await generate(premium), await generate(premium), await generate(premium)];
    await published(later);
    const order = await drainInOrder(5);
    // Behind the premium job that was already waiting, ahead of every later one.
    expect(order).toEqual([p1, s, ...later]);
  });
});

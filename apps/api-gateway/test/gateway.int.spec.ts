import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { SignJWT } from 'jose';
import { sql } from 'kysely';
import { AccountsRepository, CreditsRepository } from '@muse/db';
import { loadConfig } from '@muse/platform';
import { StorageService } from '@muse/storage';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { GatewayConfig } from '../src/config.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, TEST_JWT_SECRET, waitFor } from '../../../test/support/env.js';

describe('api gateway', () => {
  let t: TestDatabase;
  let gateway: Gateway;
  let base: string;
  let config: GatewayConfig;
  let alice: { token: string; id: string };
  let bob: { token: string; id: string };

  const call = async (method: string, path: string, opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(opts.body !== undefined || opts.raw !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...opts.headers,
      },
      body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
  const signup = async (email: string) => {
    const res = await call('POST', '/v1/auth/signup', { body: { email, password: 'correct horse battery' } });
    expect(res.status).toBe(201);
    return { token: res.body.access_token as string, id: res.body.user.id as string };
  };
  const counts = async () => {
    const [jobs, tracks, outbox] = await Promise.all(
      (['jobs', 'tracks', 'outbox'] as const).map((table) => t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()),
    );
    return { jobs: Number(jobs!.n), tracks: Number(tracks!.n), outbox: Number(outbox!.n) };
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    // These tests are about submission mechanics, not plan limits (accounts.int.spec covers those): generous rate limits here.
    config = loadConfig(GatewayConfig, serviceEnv(t.url, { OUTBOX_POLL_MS: '60000', STALE_JOB_SECONDS: '3600', RATE_LIMITS: JSON.stringify({ 'generate-music': { requests: 10_000, per_seconds: 60 }, 'api-general': { requests: 10_000, per_seconds: 60 }, auth: { requests: 1000, per_seconds: 60 } }) }));
    const storage = new StorageService({ endpoint: config.S3_ENDPOINT, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.ensureBuckets();
    storage.destroy();
    gateway = await createGateway(config);
    await gateway.app.listen(0, '127.0.0.1');
    base = await gateway.app.getUrl();
    base = base.replace('[::1]', '127.0.0.1');
    alice = await signup('alice@example.com');
    bob = await signup('bob@example.com');
    // Jobs here are never worked, so they stay in flight: put both users on a plan without limits, with credits.
    await t.db.insertInto('subscription_plans').values({ name: 'test-unlimited', display_name: 'Test', credits_monthly: -1, credits_daily_limit: -1, max_concurrent_generations: -1, max_projects: -1, max_tracks_per_project: -1, features: JSON.stringify({ stems: true, wav: true, upscale: true, commercial_use: true }) }).execute();
    for (const user of [alice, bob]) {
      await new AccountsRepository().setPlan(t.db, user.id, 'test-unlimited');
      await new CreditsRepository().adjust(t.db, user.id, 1000, 'test setup');
    }
  });
  afterAll(async () => {
    await gateway.close();
    await t.drop();
  });

  it('is live, ready, and serves metrics and OpenAPI', async () => {
    expect((await call('GET', '/health/live')).status).toBe(200);
    const ready = await call('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ postgres: 'up', redis: 'up', storage: 'up' });
    const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
    expect(metrics).toContain('http_request_duration_seconds_bucket');
    expect(metrics).toContain('outbox_pending_messages');
    const spec = await call('GET', '/openapi.json');
    expect(spec.body.openapi).toBe('3.1.0');
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/v1/generations', '/v1/jobs/{id}', '/v1/tracks/{id}/versions']));
    const docs = await fetch(`${base}/docs`);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${base}/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
  });

  it('signs up, refuses a second account for the same email, and signs in', async () => {
    const dup = await call('POST', '/v1/auth/signup', { body: { email: 'ALICE@example.com', password: 'another password' } });
    expect(dup.status).toBe(409);
    expect(dup.headers.get('content-type')).toContain('application/problem+json');
    const wrong = await call('POST', '/v1/auth/token', { body: { email: 'alice@example.com', password: 'nope nope' } });
    expect(wrong.status).toBe(401);
    const unknown = await call('POST', '/v1/auth/token', { body: { email: 'nobody@example.com', password: 'nope nope' } });
    expect(unknown.status).toBe(401);
    const ok = await call('POST', '/v1/auth/token', { body: { email: 'alice@example.com', password: 'correct horse battery' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'bearer', user: { id: alice.id } });
    const stored = await t.db.selectFrom('auth.users').select('encrypted_password').where('id', '=', alice.id).executeTakeFirstOrThrow();
    expect(stored.encrypted_password).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('answers bad input with a 4xx problem and creates nothing', async () => {
    const before = await counts();
    const forged = await new SignJWT({ role: 'authenticated' }).setProtectedHeader({ alg: 'HS256' }).setSubject(alice.id).setExpirationTime('1h').sign(new TextEncoder().encode('some-other-secret-some-other-secret!!'));
    const expired = await new SignJWT({ role: 'authenticated' }).setProtectedHeader({ alg: 'HS256' }).setSubject(alice.id).setIssuedAt(1_000).setExpirationTime(2_000).sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const cases: Array<[string, Parameters<typeof call>[2], number, string?]> = [
      ['missing prompt', { token: alice.token, body: {} }, 400, 'prompt'],
      ['empty prompt', { token: alice.token, body: { prompt: '   ' } }, 400, 'prompt'],
      ['oversized prompt', { token: alice.token, body: { prompt: 'x'.repeat(3001) } }, 400, 'prompt'],
      ['wrong type', { token: alice.token, body: { prompt: 42 } }, 400, 'prompt'],
      ['wrong nested type', { token: alice.token, body: { prompt: 'ok', style_tags: 'rock' } }, 400, 'style_tags'],
      ['duration too long', { token: alice.token, body: { prompt: 'ok', duration_seconds: 241 } }, 400, 'duration_seconds'],
      ['unknown field', { token: alice.token, body: { prompt: 'ok', user_id: bob.id } }, 400, 'user_id'],
      ['bad callback url', { token: alice.token, body: { prompt: 'ok', callback_url: 'ftp://x' } }, 400, 'callback_url'],
      ['bad JSON', { token: alice.token, raw: '{"prompt": ' }, 400],
      ['array body', { token: alice.token, body: ['prompt'] }, 400],
      ['too large body', { token: alice.token, raw: JSON.stringify({ prompt: 'x', lyrics: 'y'.repeat(2_000_000) }) }, 413],
      ['no token', { body: { prompt: 'ok' } }, 401],
      ['forged token', { token: forged, body: { prompt: 'ok' } }, 401],
      ['expired token', { token: expired, body: { prompt: 'ok' } }, 401],
      ['garbage token', { token: 'not.a.jwt', body: { prompt: 'ok' } }, 401],
      ['unconfigured provider', { token: alice.token, body: { prompt: 'ok', provider: 'suno' } }, 422, 'provider'],
      ['unknown provider', { token: alice.token, body: { prompt: 'ok', provider: 'acme' } }, 400, 'provider'],
      ['bad idempotency key', { token: alice.token, body: { prompt: 'ok' }, headers: { 'idempotency-key': 'x'.repeat(256) } }, 400],
    ];
    for (const [name, opts, status, field] of cases) {
      const res = await call('POST', '/v1/generations', opts);
      expect({ name, status: res.status }).toEqual({ name, status });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String), type: expect.any(String) });
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
      if (field) expect(JSON.stringify(res.body.errors ?? res.body)).toContain(field);
    }
    expect(await counts()).toEqual(before);
  });

  it('accepts a generation in one transaction: track, job and outbox row, 202 with Location', async () => {
    const before = await counts();
    const res = await call('POST', '/v1/generations', { token: alice.token, body: { prompt: 'a calm lofi beat for studying', genre: 'lofi' } });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/v1/jobs/${res.body.id}`);
    expect(res.body).toMatchObject({ kind: 'generation', status: 'pending', progress: 0, provider: 'local', attempts: 0, error: null, result: null, completed_at: null, resource: { type: 'track' } });
    expect(await counts()).toEqual({ jobs: before.jobs + 1, tracks: before.tracks + 1, outbox: before.outbox + 1 });
    const track = await call('GET', `/v1/tracks/${res.body.resource.id}`, { token: alice.token });
    expect(track.body).toMatchObject({ id: res.body.resource.id, user_id: alice.id, status: 'pending', prompt: 'a calm lofi beat for studying', genre: 'lofi' });
  });

  it('replays an Idempotency-Key with the same body and refuses it with another', async () => {
    const before = await counts();
    const body = { prompt: 'idempotent anthem', mood: 'happy' };
    const first = await call('POST', '/v1/generations', { token: alice.token, body, headers: { 'idempotency-key': 'key-1' } });
    const again = await call('POST', '/v1/generations', { token: alice.token, body: { mood: 'happy', prompt: 'idempotent anthem' }, headers: { 'idempotency-key': 'key-1' } });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await call('POST', '/v1/generations', { token: alice.token, body: { prompt: 'something else' }, headers: { 'idempotency-key': 'key-1' } });
    expect(other.status).toBe(422);
    // The same key belongs to each user separately.
    const bobs = await call('POST', '/v1/generations', { token: bob.token, body, headers: { 'idempotency-key': 'key-1' } });
    expect(bobs.status).toBe(202);
    expect(bobs.body.id).not.toBe(first.body.id);
    // Concurrent duplicates still create one job.
    const burst = await Promise.all(Array.from({ length: 8 }, () => call('POST', '/v1/generations', { token: alice.token, body: { prompt: 'burst' }, headers: { 'idempotency-key': 'key-burst' } })));
    expect(new Set(burst.map((r) => r.body.id)).size).toBe(1);
    expect(await counts()).toEqual({ jobs: before.jobs + 3, tracks: before.tracks + 3, outbox: before.outbox + 3 });
  });

  it("never shows one user another's private job or track (404, not 403)", async () => {
    const res = await call('POST', '/v1/generations', { token: alice.token, body: { prompt: 'private song' } });
    for (const path of [`/v1/jobs/${res.body.id}`, `/v1/tracks/${res.body.resource.id}`, `/v1/tracks/${res.body.resource.id}/versions`]) {
      const other = await call('GET', path, { token: bob.token });
      expect(other.status).toBe(404);
      expect(JSON.stringify(other.body)).not.toContain('private song');
    }
    const list = await call('GET', '/v1/jobs', { token: bob.token });
    expect(list.body.data.map((j: { id: string }) => j.id)).not.toContain(res.body.id);
    expect((await call('GET', '/v1/jobs/not-a-uuid', { token: bob.token })).status).toBe(404);
  });

  it('pages through jobs with an opaque cursor and filters them', async () => {
    const page1 = await call('GET', '/v1/jobs?limit=2', { token: alice.token });
    expect(page1.body.data).toHaveLength(2);
    expect(page1.body.next_cursor).toEqual(expect.any(String));
    const page2 = await call('GET', `/v1/jobs?limit=2&cursor=${page1.body.next_cursor}`, { token: alice.token });
    const ids = [...page1.body.data, ...page2.body.data].map((j: { id: string }) => j.id);
    expect(new Set(ids).size).toBe(ids.length);
    const all = await call('GET', '/v1/jobs?limit=100&kind=generation&status=pending', { token: alice.token });
    expect(all.body.data.every((j: { kind: string; status: string }) => j.kind === 'generation' && j.status === 'pending')).toBe(true);
    expect((await call('GET', '/v1/jobs?limit=0', { token: alice.token })).status).toBe(400);
    expect((await call('GET', '/v1/jobs?status=done', { token: alice.token })).status).toBe(400);
    expect((await call('GET', '/v1/jobs?cursor=bogus', { token: alice.token })).status).toBe(400);
  });

  it('publishes every outbox row once, with the job id as the queue job id', async () => {
    await gateway.relay.drain();
    const queue = new Queue('generation', { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
    try {
      const jobs = await t.db.selectFrom('jobs').select(['id', 'user_id']).execute();
      const unpublished = await t.db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute();
      expect(unpublished).toEqual([]);
      expect(await queue.count()).toBe(jobs.length);
      // A second publish of the same job (e.g. a relay that crashed before marking) is a no-op.
      const one = jobs[0]!.id;
      await t.db.insertInto('outbox').values({ queue_name: 'generation', job_name: 'generation.run', queue_job_id: one, payload: JSON.stringify({ jobId: one, userId: jobs[0]!.user_id, correlationId: 'duplicate' }) }).execute();
      await gateway.relay.drain();
      expect(await queue.count()).toBe(jobs.length);
      // A row that breaks the job contract is never published, and does not hold up the others.
      await t.db.insertInto('outbox').values({ queue_name: 'generation', job_name: 'generation.run', queue_job_id: 'bogus', payload: JSON.stringify({ jobId: 'not-a-uuid' }) }).execute();
      await gateway.relay.drain();
      expect(await queue.getJob('bogus')).toBeUndefined();
      const bogus = await t.db.selectFrom('outbox').selectAll().where('queue_job_id', '=', 'bogus').executeTakeFirstOrThrow();
      expect(bogus.last_error).toMatch(/^rejected/);
      // A job whose queue entry vanished (Redis lost it) is published again by the sweep.
      await (await queue.getJob(one))!.remove();
      await t.db.transaction().execute(async (trx) => {
        await sql`set local session_replication_role = replica`.execute(trx); // keep the updated_at trigger from resetting it
        await trx.updateTable('jobs').set({ updated_at: new Date(Date.now() - 2 * 3600_000) }).where('id', '=', one).execute();
      });
      expect(await gateway.relay.sweep()).toBe(1);
      await gateway.relay.drain();
      expect(await queue.getJob(one)).toBeDefined();
      expect(await queue.count()).toBe(jobs.length);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('accepts submissions while Redis is unreachable and publishes them when it is back', async () => {
    // Its own database, so no other relay listening on the outbox can publish first.
    const own = await createTestDatabase();
    const offline = await createGateway({ ...config, DATABASE_URL: own.url, REDIS_URL: 'redis://127.0.0.1:6399' });
    await offline.app.listen(0, '127.0.0.1');
    const offlineBase = (await offline.app.getUrl()).replace('[::1]', '127.0.0.1');
    let online: Gateway | undefined;
    try {
      const post = (path: string, body: unknown, token?: string) =>
        fetch(`${offlineBase}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
      const user = (await (await post('/v1/auth/signup', { email: 'carol@example.com', password: 'correct horse battery' })).json()) as { access_token: string };
      const res = await post('/v1/generations', { prompt: 'while redis sleeps' }, user.access_token);
      expect(res.status).toBe(202);
      const job = (await res.json()) as { id: string };
      // The relay was woken by the insert, tried, and recorded the failure without losing the row.
      offline.relay.kick();
      const row = await waitFor(async () => {
        const r = await own.db.selectFrom('outbox').selectAll().where('queue_job_id', '=', job.id).executeTakeFirstOrThrow();
        return r.publish_attempts > 0 ? r : undefined;
      }, 'a failed publish attempt');
      expect(row.published_at).toBeNull();
      expect(row.last_error).toMatch(/redis/i);
      online = await createGateway({ ...config, DATABASE_URL: own.url });
      const relay = online.relay;
      await waitFor(async () => {
        relay.kick(); // the poll would do the same within OUTBOX_POLL_MS
        const r = await own.db.selectFrom('outbox').select('published_at').where('queue_job_id', '=', job.id).executeTakeFirstOrThrow();
        return r.published_at !== null;
      }, 'the row to be published once Redis is reachable');
      const queue = new Queue('generation', { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
      expect(await queue.getJob(job.id)).toBeDefined();
      await queue.obliterate({ force: true });
      await queue.close();
    } finally {
      await offline.close();
      await online?.close();
      await own.drop();
    }
  });
});

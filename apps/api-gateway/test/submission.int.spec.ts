import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { sql } from 'kysely';
import { AccountsRepository, CreditsRepository, JobsRepository } from '@muse/db';
import { loadConfig, presentJob } from '@muse/platform';
import { StorageService } from '@muse/storage';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { QUEUES } from '../src/core/tokens.js';
import { SubmissionBatcher, type SubmissionEntryError } from '../src/jobs/submission-batcher.js';
import { GatewayConfig } from '../src/config.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv } from '../../../test/support/env.js';

/**
 * The accept path as one statement (submit_job, migration 0035): it must write exactly what the
 * five-round-trip transaction wrote, as the caller under RLS, and leave nothing behind when refused.
 */
describe('job submission in one statement', () => {
  let t: TestDatabase;
  let gateway: Gateway;
  let base: string;
  let alice: { token: string; id: string };
  let bob: { token: string; id: string };

  const call = async (method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
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
    const { rows } = await sql<{ jobs: number; tracks: number; outbox: number; keys: number; ledger: number }>`
      select (select count(*)::int from jobs) jobs, (select count(*)::int from tracks) tracks, (select count(*)::int from outbox) outbox,
             (select count(*)::int from idempotency_keys) keys, (select count(*)::int from credit_transactions) ledger`.execute(t.db);
    return rows[0]!;
  };
  const balance = async (userId: string) => Number((await sql<{ b: number }>`select coalesce(sum(amount), 0)::int b from credit_transactions where user_id = ${userId}::uuid and kind = 'production'`.execute(t.db)).rows[0]!.b);

  beforeAll(async () => {
    t = await createTestDatabase();
    const config = loadConfig(GatewayConfig, serviceEnv(t.url, { OUTBOX_POLL_MS: '60000', STALE_JOB_SECONDS: '3600' }));
    const storage = new StorageService({ endpoint: config.S3_ENDPOINT, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.ensureBuckets();
    storage.destroy();
    gateway = await createGateway(config);
    await gateway.app.listen(0, '127.0.0.1');
    base = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    alice = await signup('alice@example.com');
    bob = await signup('bob@example.com');
    await t.db.insertInto('subscription_plans').values({ name: 'test-unlimited', display_name: 'Test', credits_monthly: -1, credits_daily_limit: -1, max_concurrent_generations: -1, max_projects: -1, max_tracks_per_project: -1 }).execute();
    await new AccountsRepository().setPlan(t.db, alice.id, 'test-unlimited');
    await new CreditsRepository().adjust(t.db, alice.id, 100, 'test setup');
  });
  afterAll(async () => {
    await gateway.close();
    await t.drop();
  });

  it('writes the track, job, outbox row, debit and stored response the transaction path wrote, and answers with presentJob of the row', async () => {
    const before = await counts();
    const balanceBefore = await balance(alice.id);
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const request = { prompt: 'a slow waltz', title: 'Waltz', lyrics: 'one two three', genre: 'classical', mood: 'calm', style_tags: ['strings', 'piano'], instrumental: true, duration_seconds: 45, seed: 7, callback_url: 'https://example.com/hook' };
    const res = await call('POST', '/v1/generations', {
      token: alice.token,
      body: request,
      headers: { 'idempotency-key': 'waltz-1', 'x-request-id': 'req-waltz-1', traceparent: `00-${traceId}-b7ad6b7169203331-01` },
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/v1/jobs/${res.body.id}`);
    expect(await counts()).toEqual({ ...before, jobs: before.jobs + 1, tracks: before.tracks + 1, outbox: before.outbox + 1, keys: before.keys + 1, ledger: before.ledger + 1 });

    const job = await t.db.selectFrom('jobs').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(res.body).toEqual(presentJob(job)); // the SQL presenter (present_job) writes what the TypeScript one writes
    expect(job).toMatchObject({ user_id: alice.id, kind: 'generation', status: 'pending', queue_name: 'generation', job_name: 'generation.run', resource_type: 'track', provider: 'local', idempotency_key: 'waltz-1', callback_url: 'https://example.com/hook', correlation_id: 'req-waltz-1', payload: { duration_seconds: 45, seed: 7, model: null } });
    expect(job.trace_parent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    const track = await t.db.selectFrom('tracks').selectAll().where('id', '=', job.resource_id!).executeTakeFirstOrThrow();
    expect(track).toMatchObject({ user_id: alice.id, title: 'Waltz', prompt: 'a slow waltz', lyrics: 'one two three', genre: 'classical', mood: 'calm', style_tags: ['strings', 'piano'], provider: 'local', idempotency_key: 'waltz-1', has_vocals: false, status: 'pending', metadata: { instrumental: true, requested_duration_seconds: 45 } });

    const outbox = await t.db.selectFrom('outbox').selectAll().where('queue_job_id', '=', job.id).executeTakeFirstOrThrow();
    expect(outbox.payload).toMatchObject({ jobId: job.id, userId: alice.id, correlationId: 'req-waltz-1', traceparent: job.trace_parent });
    const debit = await t.db.selectFrom('credit_transactions').selectAll().where('job_id', '=', job.id).execute();
    expect(debit).toMatchObject([{ user_id: alice.id, amount: -1 }]);
    expect(await balance(alice.id)).toBe(balanceBefore - 1);

    const stored = await t.db.selectFrom('idempotency_keys').selectAll().where('user_id', '=', alice.id).where('key', '=', 'waltz-1').executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ response_status: 202, response_body: res.body, request_method: 'POST', request_path: '/v1/generations' });
    const replay = await call('POST', '/v1/generations', { token: alice.token, body: request, headers: { 'idempotency-key': 'waltz-1' } });
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(res.body);
    expect(await balance(alice.id)).toBe(balanceBefore - 1);
  });

  it('refuses a submission the plan cannot pay and leaves nothing behind, not even the idempotency key', async () => {
    // bob: default plan, signup credits only; spend them all through the same path.
    const spend = Number((await sql<{ b: number }>`select credits_remaining b from profiles where id = ${bob.id}::uuid`.execute(t.db)).rows[0]!.b);
    await new CreditsRepository().adjust(t.db, bob.id, -spend, 'test: empty the balance');
    const before = await counts();
    const res = await call('POST', '/v1/generations', { token: bob.token, body: { prompt: 'no money' }, headers: { 'idempotency-key': 'broke-1' } });
    expect(res.status).toBe(402);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 402, limit: { name: 'credits' } });
    expect(await counts()).toEqual(before);
    await new CreditsRepository().adjust(t.db, bob.id, 5, 'test: top up');
    const again = await call('POST', '/v1/generations', { token: bob.token, body: { prompt: 'no money' }, headers: { 'idempotency-key': 'broke-1' } });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
  });

  it('relays in one locked round: valid rows reach the queue once and are marked, a row breaking its contract is dead-lettered, not retried', async () => {
    const res = await call('POST', '/v1/generations', { token: alice.token, body: { prompt: 'relayed' } });
    expect(res.status).toBe(202);
    await t.db.insertInto('outbox').values({ queue_name: 'generation', job_name: 'generation.run', queue_job_id: crypto.randomUUID(), payload: JSON.stringify({ jobId: 'not-a-uuid' }) }).execute();
    await gateway.relay.drain();
    const rows = await t.db.selectFrom('outbox').select(['queue_job_id', 'published_at', 'last_error']).execute();
    expect(rows.every((r) => r.published_at !== null)).toBe(true);
    expect(rows.filter((r) => r.last_error?.startsWith('rejected')).length).toBe(1);
    const queue = gateway.app.get<Map<string, import('bullmq').Queue>>(QUEUES).get('generation')!;
    expect(await queue.getJob(res.body.id)).toBeDefined();
    const queued = await queue.getJobCounts('waiting', 'prioritized');
    expect(queued.waiting! + queued.prioritized!).toBe(rows.length - 1);
    await gateway.relay.drain(); // nothing left: the next round locks nothing and publishes nothing
    const again = await queue.getJobCounts('waiting', 'prioritized');
    expect(again).toEqual(queued);
  });

  it('runs as the caller under RLS, and only the platform role may call it (a user could otherwise name someone else)', async () => {
    const before = await counts();
    const submit = (claims: object, trackUser: string) =>
      sql`select public.submit_job(${JSON.stringify(claims)}::jsonb, null, 'tracks', ${JSON.stringify({ user_id: trackUser, prompt: 'x', provider: 'local' })}::jsonb,
            ${JSON.stringify({ id: crypto.randomUUID(), kind: 'generation', queue_name: 'generation', job_name: 'generation.run', resource_type: 'track', provider: 'local', payload: {} })}::jsonb,
            ${JSON.stringify({ prices: { default: 1 }, reason: 'generation', slot_kinds: ['generation'], count_generation: true })}::jsonb)`.execute(t.db);
    // alice's claims cannot write a track of bob's: the row-level security policy refuses it, everything rolls back
    await expect(submit({ sub: alice.id, role: 'authenticated' }, bob.id)).rejects.toMatchObject({ code: '42501' });
    // not an authenticated user's claims: refused before anything runs
    await expect(submit({ sub: alice.id, role: 'service_role' }, alice.id)).rejects.toMatchObject({ code: '22023' });
    // a database user acting as `authenticated` (what every request runs as) may not call it at all
    const denied = await t.db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      try {
        await sql`set local role authenticated`.execute(conn);
        await sql`select public.submit_job('{}'::jsonb, null, null, null, '{}'::jsonb, '{}'::jsonb)`.execute(conn);
        return 'allowed';
      } catch (error) {
        return (error as { code?: string }).code;
      } finally {
        await sql`rollback`.execute(conn);
      }
    });
    expect(denied).toBe('42501');
    expect(await counts()).toEqual(before);
  });

  describe('several submissions in one statement (submit_jobs, SubmissionBatcher)', () => {
    const rowsFor = (userId: string, opts: { key?: string; prompt?: string; price?: number } = {}) => ({
      idempotency: opts.key ? { key: opts.key, method: 'POST', path: '/v1/generations', hash: `hash-${opts.prompt ?? 'x'}` } : undefined,
      resource: { table: 'tracks', values: { user_id: userId, prompt: opts.prompt ?? 'batched', provider: 'local' } },
      job: { id: crypto.randomUUID(), kind: 'generation', queue_name: 'generation', job_name: 'generation.run', resource_type: 'track', provider: 'local', payload: {} },
      charge: { prices: { default: opts.price ?? 1 }, reason: 'generation', slot_kinds: ['generation'], count_generation: true },
    });
    const identity = (userId: string) => ({ userId, claims: { sub: userId, role: 'authenticated', aud: 'authenticated' } });

    it('each entry is exactly one submit_job: new, refused (nothing left of it), replayed, mismatched — and the others are untouched', async () => {
      const jobs = new JobsRepository();
      const spend = Number((await sql<{ b: number }>`select credits_remaining b from profiles where id = ${bob.id}::uuid`.execute(t.db)).rows[0]!.b);
      if (spend > 0) await new CreditsRepository().adjust(t.db, bob.id, -spend, 'test: empty the balance');
      const before = await counts();
      const aliceBefore = await balance(alice.id);
      const entries = [
        { identity: identity(alice.id), rows: rowsFor(alice.id, { key: 'batch-1', prompt: 'one' }) },
        { identity: identity(alice.id), rows: rowsFor(alice.id, { key: 'batch-1', prompt: 'one' }) }, // the same request again: replay
        { identity: identity(alice.id), rows: rowsFor(alice.id, { key: 'batch-1', prompt: 'other' }) }, // the same key, another body
        { identity: identity(alice.id), rows: rowsFor(alice.id, { prompt: 'two' }) },
      ];
      // bob has no credits: his entry is refused in its subtransaction, alice's go through
      const bobFirst = bob.id < alice.id;
      const bobEntry = { identity: identity(bob.id), rows: rowsFor(bob.id, { key: 'batch-bob', prompt: 'broke' }) };
      const ordered = bobFirst ? [bobEntry, ...entries] : [...entries, bobEntry];
      const outcomes = await jobs.submitMany(t.db, ordered);
      const byEntry = (e: object) => outcomes[ordered.indexOf(e as (typeof ordered)[number])]!;
      expect(byEntry(entries[0]!)).toMatchObject({ state: 'new', status: 202 });
      expect(byEntry(entries[1]!)).toEqual({ state: 'replay', status: 202, body: (byEntry(entries[0]!) as { body: unknown }).body });
      expect(byEntry(entries[2]!)).toEqual({ state: 'mismatch' });
      expect(byEntry(entries[3]!)).toMatchObject({ state: 'new', status: 202 });
      expect(byEntry(bobEntry)).toMatchObject({ state: 'error', error: { code: 'P0001' } });
      expect((byEntry(bobEntry) as { error: { message: string } }).error.message).toMatch(/^insufficient credits/);
      // two jobs, two tracks, two outbox rows, alice's key, two debits; nothing of bob's (not even his key)
      expect(await counts()).toEqual({ ...before, jobs: before.jobs + 2, tracks: before.tracks + 2, outbox: before.outbox + 2, keys: before.keys + 1, ledger: before.ledger + 2 });
      expect(await balance(alice.id)).toBe(aliceBefore - 2);
      expect(await t.db.selectFrom('idempotency_keys').select('key').where('user_id', '=', bob.id).where('key', '=', 'batch-bob').execute()).toEqual([]);
      // every entry ran as its own caller: a track written under alice's claims for bob is refused by RLS
      const intruder = await jobs.submitMany(t.db, [{ identity: identity(alice.id), rows: rowsFor(bob.id) }]);
      expect(intruder[0]).toMatchObject({ state: 'error', error: { code: '42501' } });
      // and the statement ends as the platform's role, not as the last caller
      const role = await sql<{ r: string }>`select current_user as r`.execute(t.db);
      expect(role.rows[0]!.r).not.toBe('authenticated');
    });

    it('the gateway gathers submissions of one turn into one statement and answers each as submit_job would have', async () => {
      const batcher = gateway.app.get(SubmissionBatcher);
      const jobs = new JobsRepository();
      const many = jest.spyOn(jobs.constructor.prototype as JobsRepository, 'submitMany');
      try {
        // a plan without a concurrency limit: what refuses bob's last two is his balance
        await new AccountsRepository().setPlan(t.db, bob.id, 'test-unlimited');
        const left = Number((await sql<{ b: number }>`select credits_remaining b from profiles where id = ${bob.id}::uuid`.execute(t.db)).rows[0]!.b);
        await new CreditsRepository().adjust(t.db, bob.id, 3 - left, 'test: three credits');
        const before = await counts();
        // the same turn of the event loop: one statement; bob can pay for three of his five
        const bobs = Array.from({ length: 5 }, (_, i) => batcher.submit(identity(bob.id), rowsFor(bob.id, { key: `bob-${i}`, prompt: `bob ${i}` })));
        const alices = Array.from({ length: 3 }, (_, i) => batcher.submit(identity(alice.id), rowsFor(alice.id, { prompt: `alice ${i}` })));
        const settled = await Promise.allSettled([...bobs, ...alices]);
        expect(many).toHaveBeenCalledTimes(1);
        expect(settled.slice(0, 5).filter((s) => s.status === 'fulfilled').length).toBe(3);
        const refused = settled.slice(0, 5).filter((s): s is PromiseRejectedResult => s.status === 'rejected');
        expect(refused.map((r) => (r.reason as SubmissionEntryError).code)).toEqual(['P0001', 'P0001']);
        expect(settled.slice(5).every((s) => s.status === 'fulfilled' && s.value.state === 'new')).toBe(true);
        expect(await counts()).toMatchObject({ jobs: before.jobs + 6, tracks: before.tracks + 6, keys: before.keys + 3 });
        // through HTTP, the refused ones are the same 402 problem a lone submission gets
        const res = await call('POST', '/v1/generations', { token: bob.token, body: { prompt: 'no money' } });
        expect(res.status).toBe(402);
      } finally {
        many.mockRestore();
      }
    });
  });
});

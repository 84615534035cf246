// The platform scaled out, as built processes (apps/*/dist/main.js): 3 gateways and 2 replicas of
// every worker, all on a 3-master Redis Cluster (REDIS_URL=redis+cluster://…) and on Postgres
// through PgBouncer in transaction mode (DATABASE_URL → pooler, far fewer server connections than
// clients). Proves: limits hold exactly across replicas under a concurrent burst, submit / cancel /
// retry / process work, every job is finished exactly once, each cron schedule fires once per
// period, SSE clients on any gateway see every event of their jobs and resume with Last-Event-ID on
// another gateway, and a rolling restart of every replica under steady load loses no accepted job and
// answers no 5xx. A CROSSSLOT error anywhere (logged by any process) fails the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { sql } from 'kysely';
import { AccountsRepository, CreditsRepository } from '@muse/db';
import { createRedis, jobEventsStreamKey, type Redis } from '@muse/platform';
import { StorageService } from '@muse/storage';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { serviceEnv, waitFor } from '../support/env.js';
import { freePort } from '../support/ports.js';
import { startPgBouncer, startRedisCluster, type PgBouncerHandle, type RedisClusterHandle } from './servers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WORKERS = ['generation-worker', 'stems-worker', 'archiver', 'analytics-ingest'] as const;
type AppName = 'api-gateway' | (typeof WORKERS)[number];

interface Proc {
  app: AppName;
  port: number;
  child: ChildProcess;
  exit: Promise<number | null>;
}

/** Every line any process wrote; CROSSSLOT / MOVED-loop / pooler errors must never show up. */
const output: string[] = [];

function startApp(app: AppName, port: number, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [`apps/${app}/dist/main.js`], {
    env: { ...process.env, ...env, ...(app === 'api-gateway' ? { PORT: String(port) } : { HEALTH_PORT: String(port) }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (d: Buffer) => {
    for (const line of d.toString().split('\n')) if (line.trim()) output.push(`${app}:${port} ${line}`);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { app, port, child, exit };
}

async function ready(p: Proc, timeoutMs = 300_000): Promise<void> {
  let last = '';
  const tail = () => output.filter((l) => l.startsWith(`${p.app}:${p.port} `)).slice(-20).join('\n');
  try {
    await waitFor(async () => {
      if (p.child.exitCode !== null) throw new Error(`${p.app} exited during start-up:\n${tail()}`);
      const res = await fetch(`http://127.0.0.1:${p.port}/health/ready`).catch((e: Error) => ({ error: e }));
      if ('error' in res) {
        last = `${res.error.message} ${(res.error.cause as Error | undefined)?.message ?? ''}`;
        return false;
      }
      last = `${res.status} ${await res.text()}`;
      return res.ok;
    }, `${p.app} on ${p.port} to be ready`, timeoutMs, 500);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last answer: ${last}\n${tail()}`);
  }
}

async function stop(p: Proc): Promise<number | null> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  return p.exit;
}

interface SseEvent {
  id: string;
  job: { id: string; status: string };
}

/**
 * An SSE client that follows the gateways: when its gateway goes away it reconnects to the next one
 * with Last-Event-ID, as a browser's EventSource does behind a load balancer.
 */
function followStream(gateways: () => string[], token: string) {
  const events: SseEvent[] = [];
  let lastId: string | undefined;
  let stopped = false;
  let controller = new AbortController();
  let reconnects = 0;
  const loop = (async () => {
    let turn = 0;
    while (!stopped) {
      const list = gateways();
      const base = list[turn++ % list.length]!;
      controller = new AbortController();
      try {
        const res = await fetch(`${base}/v1/stream`, { headers: { authorization: `Bearer ${token}`, ...(lastId ? { 'last-event-id': lastId } : {}) }, signal: controller.signal });
        if (res.status !== 200) throw new Error(`stream answered ${res.status}`);
        const decoder = new TextDecoder();
        let buffer = '';
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const e: Record<string, string> = {};
            for (const line of block.split('\n')) {
              const i = line.indexOf(': ');
              if (i > 0) e[line.slice(0, i)] = line.slice(i + 2);
            }
            if (e.event === 'job' && e.id && e.data) {
              events.push({ id: e.id, job: JSON.parse(e.data) });
              lastId = e.id;
            }
          }
        }
      } catch {
        // the gateway went away (or we stopped): reconnect elsewhere
      }
      if (!stopped) {
        reconnects++;
        await sleep(200);
      }
    }
  })();
  return {
    events,
    get reconnects() {
      return reconnects;
    },
    async close() {
      stopped = true;
      controller.abort();
      await loop;
    },
  };
}

describe('scale-out: 3 gateways, 2 of every worker, Redis Cluster, PgBouncer (transaction mode)', () => {
  let t: TestDatabase;
  let cluster: RedisClusterHandle;
  let bouncer: PgBouncerHandle;
  let redis: Redis;
  let env: Record<string, string>;
  let gateways: Proc[] = [];
  let workers: Proc[] = [];
  const accounts = new AccountsRepository();
  const credits = new CreditsRepository();
  const bases = () => gateways.map((g) => `http://127.0.0.1:${g.port}`);
  let rr = 0;
  const anyGateway = () => bases()[rr++ % gateways.length]!;
  const call = async (base: string, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, any> };
  };
  const signup = async (plan: string, balance: number) => {
    const res = await call(anyGateway(), 'POST', '/v1/auth/signup', undefined, { email: `scale-${randomUUID()}@example.com`, password: 'a long password' });
    expect(res.status).toBe(201);
    const id = res.body.user.id as string;
    await accounts.setPlan(t.db, id, plan);
    const p = await t.db.selectFrom('profiles').select('credits_remaining').where('id', '=', id).executeTakeFirstOrThrow();
    if (balance !== p.credits_remaining) await credits.adjust(t.db, id, balance - p.credits_remaining, 'scale test setup');
    return { token: res.body.access_token as string, id };
  };

  beforeAll(async () => {
    [t, cluster, bouncer] = await Promise.all([createTestDatabase('muse_scale'), startRedisCluster(3), startPgBouncer({ poolSize: 8, maxClients: 400 })]);
    redis = createRedis(cluster.url, 'scale-test');
    const storage = new StorageService({ endpoint: process.env.S3_ENDPOINT!, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.ensureBuckets();
    storage.destroy();
    env = serviceEnv(bouncer.url(t.name), {
      REDIS_URL: cluster.url,
      LOG_LEVEL: 'warn',
      DATABASE_POOL_SIZE: '4',
      INGEST_COPY_CONNECTIONS: '1',
      WORKER_CONCURRENCY: '2',
      SHUTDOWN_GRACE_MS: '30000',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Every minute, so a run of a few minutes sees several firings of each across two archivers.
      RESET_LIMITS_CRON: '* * * * *',
      ANALYTICS_PARTITIONS_CRON: '* * * * *',
      RATE_LIMITS: JSON.stringify({
        'generate-music': { requests: 100_000, per_seconds: 60 },
        'api-general': { requests: 100_000, per_seconds: 60 },
        auth: { requests: 1_000, per_seconds: 60 },
        'generate-lyrics': { requests: 7, per_seconds: 3600 },
      }),
    });
    const ports = await Promise.all(Array.from({ length: 3 + WORKERS.length * 2 }, () => freePort()));
    gateways = [0, 1, 2].map((i) => startApp('api-gateway', ports[i]!, env));
    await Promise.all(gateways.map((g) => ready(g)));
  }, 600_000);

  afterAll(async () => {
    await Promise.all([...gateways, ...workers].map((p) => {
      p.child.kill('SIGKILL');
      return p.exit;
    }));
    redis?.disconnect();
    await bouncer?.stop();
    await cluster?.stop();
    await t?.drop();
  }, 60_000);

  const schedulerStart = Date.now();
  let schedulesFrom = Date.now(); // when the first archiver registered its schedules
  let loadUsers: { token: string; id: string }[] = [];
  let burstJobs: string[] = [];
  let cancelled: string;
  let retried: string;
  let retryToken: string;

  it('holds the rate limit and the concurrency limit exactly under a burst spread over the gateways', async () => {
    // No workers yet: nothing finishes during the burst, so the counts are exact.
    const lyricsUser = await signup('free', 10);
    const lyrics = await Promise.all(Array.from({ length: 21 }, (_, i) => call(bases()[i % 3]!, 'POST', '/v1/lyrics', lyricsUser.token, { prompt: `burst ${i}` })));
    expect(lyrics.filter((r) => r.status === 202)).toHaveLength(7);
    expect(lyrics.filter((r) => r.status === 429)).toHaveLength(14);
    expect(lyrics.find((r) => r.status === 429)!.body.limit).toBeDefined();

    const limited = await signup('pro', 50); // pro: max 5 concurrent generations
    const burst = await Promise.all(Array.from({ length: 15 }, (_, i) => call(bases()[i % 3]!, 'POST', '/v1/generations', limited.token, { prompt: `burst song ${i}`, duration_seconds: 5 })));
    const accepted = burst.filter((r) => r.status === 202);
    expect(accepted).toHaveLength(5);
    expect(burst.filter((r) => r.status === 403 && /concurrency/.test(r.body.type))).toHaveLength(10);
    expect((await t.db.selectFrom('profiles').select('credits_remaining').where('id', '=', limited.id).executeTakeFirstOrThrow()).credits_remaining).toBe(45);
    burstJobs = accepted.map((r) => r.body.id as string);

    // Cancel one pending job on another gateway than the one that took it; it frees its slot and is refunded.
    const cancel = await call(bases()[2]!, 'POST', `/v1/jobs/${burstJobs[0]}/cancel`, limited.token);
    expect(cancel.body).toMatchObject({ status: 'cancelled' });
    cancelled = burstJobs.shift()!;
    expect((await call(bases()[1]!, 'POST', '/v1/generations', limited.token, { prompt: 'into the freed slot', duration_seconds: 5 })).status).toBe(202);
    expect((await call(bases()[0]!, 'POST', '/v1/generations', limited.token, { prompt: 'no slot left', duration_seconds: 5 })).status).toBe(403);
    const jobs = await t.db.selectFrom('jobs').select(['id', 'status']).where('user_id', '=', limited.id).where('kind', '=', 'generation').execute();
    burstJobs = jobs.filter((j) => j.status === 'pending').map((j) => j.id);
    expect(burstJobs).toHaveLength(5);

    // A failed job with attempts left is retried through a gateway under a fresh queue job id.
    retryToken = (await signup('pro', 10)).token;
    const failing = await call(bases()[0]!, 'POST', '/v1/generations', retryToken, { prompt: 'will be retried', duration_seconds: 5 });
    expect(failing.status).toBe(202);
    retried = failing.body.id;
    const queue = new Queue('generation', { connection: redis, prefix: env.QUEUE_PREFIX });
    await waitFor(async () => (await queue.getJob(retried)) !== undefined, 'the job to be published to the cluster');
    await queue.remove(retried);
    await t.db.updateTable('jobs').set({ status: 'failed', attempts: 1, error: JSON.stringify({ code: 'provider-rejected', message: 'scale test' }) }).where('id', '=', retried).execute();
    await queue.close();
  }, 120_000);

  it('starts 2 replicas of every worker; every job is processed exactly once', async () => {
    const ports = await Promise.all(Array.from({ length: WORKERS.length * 2 }, () => freePort()));
    workers = WORKERS.flatMap((app, i) => [startApp(app, ports[2 * i]!, env), startApp(app, ports[2 * i + 1]!, env)]);
    await Promise.all(workers.map((w) => ready(w)));
    schedulesFrom = Date.now();
    process.stdout.write(`scale: ${workers.length} workers ready ${Math.round((Date.now() - schedulerStart) / 1000)} s after the test began\n`);

    await waitFor(async () => {
      const rows = await t.db.selectFrom('jobs').select('status').where('id', 'in', burstJobs).execute();
      return rows.every((r) => r.status === 'completed');
    }, 'the burst jobs to complete', 180_000, 500);
    expect((await t.db.selectFrom('jobs').select('status').where('id', '=', cancelled).executeTakeFirstOrThrow()).status).toBe('cancelled');
  }, 600_000);

  it('retries a failed job through any gateway', async () => {
    expect((await t.db.selectFrom('jobs').select('status').where('id', '=', retried).executeTakeFirstOrThrow()).status).toBe('failed');
    const res = await call(bases()[1]!, 'POST', `/v1/jobs/${retried}/retry`, retryToken);
    expect(res.status).toBeLessThan(300);
    await waitFor(async () => (await t.db.selectFrom('jobs').select('status').where('id', '=', retried).executeTakeFirstOrThrow()).status === 'completed', 'the retried job to complete', 120_000, 500);
  }, 150_000);

  it('keeps every accepted job, answers no 5xx and streams every event while every replica is replaced under load', async () => {
    loadUsers = await Promise.all([0, 1].map(() => signup('premium', 10_000)));
    const streams = loadUsers.map((u) => followStream(bases, u.token));
    await sleep(1000);
    const accepted = new Map<string, string>(); // job id → user id
    const statuses: number[] = [];
    const refusals: string[] = [];
    let networkErrors = 0;
    let loading = true;
    const loaders = loadUsers.map(async (u, n) => {
      let i = 0;
      while (loading) {
        const key = `load-${n}-${i++}`;
        // Retried with the same Idempotency-Key on the next gateway until it gets an answer.
        for (let attempt = 0; attempt < 20; attempt++) {
          try {
            const res = await call(anyGateway(), 'POST', '/v1/generations', u.token, { prompt: `steady ${key}`, duration_seconds: 5 }, { 'idempotency-key': key });
            statuses.push(res.status);
            if (res.status === 202 || res.status === 200) accepted.set(res.body.id, u.id);
            else refusals.push(`${res.status} ${res.body.type ?? ''}`);
            break;
          } catch {
            networkErrors++;
            await sleep(100);
          }
        }
        await sleep(4000);
      }
    });

    await sleep(3000);
    // Replace every replica one by one: the new one is up before the old one gets SIGTERM.
    for (const old of [...gateways]) {
      const fresh = startApp('api-gateway', await freePort(), env);
      await ready(fresh);
      gateways.push(fresh);
      gateways = gateways.filter((g) => g !== old);
      expect(await stop(old)).toBe(0);
      await sleep(1000);
    }
    process.stdout.write(`scale: gateways replaced at ${Math.round((Date.now() - schedulerStart) / 1000)} s\n`);
    // The four worker Deployments roll at the same time, as they would in a release; within each, one
    // replica at a time (surge one, then stop one).
    const originals = WORKERS.map((app) => workers.filter((w) => w.app === app));
    for (const round of [0, 1]) {
      const olds = originals.map((replicas) => replicas[round]!);
      const fresh = await Promise.all(olds.map(async (old) => startApp(old.app, await freePort(), env)));
      await Promise.all(fresh.map((f) => ready(f)));
      workers.push(...fresh);
      expect(await Promise.all(olds.map((old) => stop(old)))).toEqual(olds.map(() => 0));
      workers = workers.filter((w) => !olds.includes(w));
    }
    await sleep(2000);
    loading = false;
    await Promise.all(loaders);

    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    // The only refusal a well-behaved client may see: the plan's concurrency limit, while workers restart.
    expect(refusals.filter((r) => !/^403 .*concurrency/.test(r))).toEqual([]);
    expect(accepted.size).toBeGreaterThanOrEqual(10);
    const ids = [...accepted.keys()];
    await waitFor(async () => {
      const rows = await t.db.selectFrom('jobs').select('status').where('id', 'in', ids).execute();
      return rows.length === ids.length && rows.every((r) => r.status === 'completed');
    }, 'every accepted job to complete', 400_000, 1000);

    // SSE: each user's stream (which moved between gateways as they were replaced) saw the completion of each of their jobs.
    await waitFor(async () => loadUsers.every((u, n) => ids.filter((id) => accepted.get(id) === u.id).every((id) => streams[n]!.events.some((e) => e.job.id === id && e.job.status === 'completed'))), 'every completion on the streams', 30_000, 200);
    for (const s of streams) {
      expect(s.reconnects).toBeGreaterThanOrEqual(1); // its gateway was replaced at least once
      expect(new Set(s.events.map((e) => e.id)).size).toBe(s.events.length); // resumed without repeats
      await s.close();
    }
    process.stdout.write(`scale: ${ids.length} jobs accepted during the rolling restart, ${networkErrors} connection errors retried, ${statuses.length} answers, ${refusals.length} concurrency refusals\n`);
  }, 1_200_000);

  it('finished every job exactly once, published every outbox row, fired every schedule once per minute', async () => {
    const done = await t.db.selectFrom('jobs').select(['id', 'attempts', 'resource_id', 'kind']).where('status', '=', 'completed').where('kind', '=', 'generation').execute();
    expect(done.length).toBeGreaterThanOrEqual(14);
    for (const j of done) expect(j.attempts).toBe(j.id === retried ? 2 : 1);
    const versions = await sql<{ track_id: string; n: number }>`select parent_track_id as track_id, count(*)::int as n from public.track_versions where parent_track_id = any(${done.map((j) => j.resource_id)}) group by parent_track_id`.execute(t.db);
    expect(versions.rows).toHaveLength(done.length);
    for (const v of versions.rows) expect(v.n).toBe(2);
    const debits = await sql<{ job_id: string; n: number }>`select job_id, count(*)::int as n from public.credit_transactions where amount < 0 and job_id = any(${done.map((j) => j.id)}) group by job_id`.execute(t.db);
    // One debit per job; the retried job was refunded when it failed and paid again on retry (README).
    expect(debits.rows.filter((r) => r.n !== (r.job_id === retried ? 2 : 1))).toEqual([]);
    const refunds = await sql<{ n: number }>`select count(*)::int as n from public.credit_transactions where refund_of is not null and job_id = ${retried}::uuid`.execute(t.db);
    expect(refunds.rows[0]!.n).toBe(1);
    const unpublished = await sql<{ n: number }>`select count(*)::int as n from public.outbox where published_at is null`.execute(t.db);
    expect(unpublished.rows[0]!.n).toBe(0);

    // Two archivers (replaced once each) kept one schedule each: one job per firing, each run once.
    const archiving = new Queue('archiving', { connection: redis, prefix: env.QUEUE_PREFIX });
    const scheduled = ['limits.reset-daily', 'analytics.ensure-partitions'];
    // A fast run can reach here before the first minute boundary after the schedules were registered: wait for it.
    const completed = await waitFor(
      async () => {
        const jobs = await archiving.getJobs(['completed', 'failed', 'active', 'waiting'], 0, 1000);
        return scheduled.every((name) => jobs.some((j) => j.name === name && j.finishedOn)) && jobs;
      },
      'each schedule to fire once',
      Math.max(0, schedulesFrom + 90_000 - Date.now()),
      1000,
    );
    await archiving.close();
    const elapsedMinutes = Math.floor((Date.now() - schedulesFrom) / 60_000);
    for (const name of scheduled) {
      const firings = completed.filter((j) => j.name === name);
      // The minute each firing was scheduled for (a scheduler job is added delayed until its time).
      const slots = firings.map((j) => Math.floor((j.timestamp + (j.opts.delay ?? 0)) / 60_000));
      expect(new Set(slots).size).toBe(firings.length); // never two jobs for one minute
      expect(firings.length).toBeGreaterThanOrEqual(Math.max(1, elapsedMinutes - 1));
      for (const j of firings) expect(j.attemptsMade).toBeLessThanOrEqual(1);
    }

    // Every app ran on the cluster and through the pooler without a single slot or pooler error.
    expect(output.filter((l) => /CROSSSLOT|MOVED|prepared statement|pgbouncer cannot|unsupported startup parameter/i.test(l))).toEqual([]);
    // The stream and every queue live in the deployment's hash slot.
    const slotOf = async (key: string) => Number(await redis.call('cluster', 'keyslot', key));
    const slot = await slotOf(jobEventsStreamKey(env.QUEUE_PREFIX!));
    expect(await slotOf(`${env.QUEUE_PREFIX}:generation:wait`)).toBe(slot);
    const pools = (await bouncer.admin('SHOW POOLS')).filter((p) => p.database === t.name);
    const stats = (await bouncer.admin('SHOW STATS')).filter((p) => p.database === t.name);
    const jobs = (await sql<{ n: number }>`select count(*)::int as n from public.jobs`.execute(t.db)).rows[0]!.n;
    process.stdout.write(`scale: ${jobs} jobs in all; pooler pools ${JSON.stringify(pools)}; stats ${JSON.stringify(stats)}\n`);
  }, 180_000);
});

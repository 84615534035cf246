// PgBouncer in transaction pooling mode with ONE server connection: every transaction of every client
// runs on the same Postgres backend, one after another. The caller's RLS identity is set with
// set_config(…, is_local = true), so it ends with its transaction; two users whose transactions
// share that connection still see only their own rows, nothing is left on the connection between
// clients (no identity, no role, no named prepared statement), and the gateway works through it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { AccountsRepository, asUser, createDatabase, CreditsRepository, type Database } from '@muse/db';
import { loadConfig } from '@muse/platform';
import { createGateway, type Gateway } from '../../apps/api-gateway/src/bootstrap.js';
import { GatewayConfig } from '../../apps/api-gateway/src/config.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { serviceEnv } from '../support/env.js';
import { startPgBouncer, type PgBouncerHandle } from './servers.js';

describe('PgBouncer, transaction mode, one server connection', () => {
  let t: TestDatabase;
  let bouncer: PgBouncerHandle;
  let pooled: Database;
  let gateway: Gateway;
  let base: string;
  const users: Record<'alice' | 'bob', { token: string; id: string; jobs: string[] }> = {} as never;

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    t = await createTestDatabase(); // migrated over the direct connection (session advisory lock)
    bouncer = await startPgBouncer({ poolSize: 1 });
    pooled = createDatabase({ url: bouncer.url(t.name), maxConnections: 8, applicationName: 'pooler-test' });
    // The gateway's own pool has 8 client connections; PgBouncer multiplexes them onto one server connection.
    gateway = await createGateway(loadConfig(GatewayConfig, serviceEnv(bouncer.url(t.name), { DATABASE_POOL_SIZE: '8' })));
    await gateway.app.listen(0, '127.0.0.1');
    base = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    for (const name of ['alice', 'bob'] as const) {
      const res = await call('POST', '/v1/auth/signup', undefined, { email: `${name}-${Date.now()}@example.com`, password: 'a long password' });
      expect(res.status).toBe(201);
      users[name] = { token: res.body.access_token, id: res.body.user.id, jobs: [] };
    }
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await pooled?.destroy();
    await bouncer?.stop();
    await t?.drop();
  });

  it('submits and lists through the pooler; concurrent readers only ever see their own jobs', async () => {
    for (const name of ['alice', 'bob'] as const) {
      for (let i = 0; i < 2; i++) {
        const res = await call('POST', '/v1/generations', users[name].token, { prompt: `${name} song ${i}`, duration_seconds: 5 });
        expect(res.status).toBe(202);
        users[name].jobs.push(res.body.id);
      }
    }
    const reads = await Promise.all(Array.from({ length: 30 }, (_, i) => {
      const name = i % 2 ? 'alice' : 'bob';
      return call('GET', '/v1/jobs?limit=100', users[name].token).then((r) => ({ name, r }));
    }));
    for (const { name, r } of reads) {
      expect(r.status).toBe(200);
      expect(r.body.data.map((j: { id: string }) => j.id).sort()).toEqual([...users[name as 'alice'].jobs].sort());
    }
  });

  it('runs interleaved transactions of two users on one backend, each with its own identity, and leaves the connection clean', async () => {
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => {
      const who = i % 2 ? users.alice : users.bob;
      return asUser(pooled, { userId: who.id }, async (trx) => {
        const before = await sql<{ sub: string; pid: number; role: string }>`select auth.uid()::text as sub, pg_backend_pid() as pid, current_user as role`.execute(trx);
        await sql`select pg_sleep(0.005)`.execute(trx);
        const jobs = await trx.selectFrom('jobs').select('id').execute();
        return { expected: who, row: before.rows[0]!, jobs: jobs.map((j) => j.id).sort() };
      });
    }));
    const pids = new Set(results.map((r) => r.row.pid));
    expect(pids.size).toBe(1); // every transaction ran on the single server connection
    for (const r of results) {
      expect(r.row).toMatchObject({ sub: r.expected.id, role: 'authenticated' });
      expect(r.jobs).toEqual([...r.expected.jobs].sort());
    }
    // The next client on the same backend inherits nothing: no claims, back to the login role, no
    // named prepared statements (node-pg and Kysely only use the unnamed statement).
    const after = await sql<{ claims: string | null; role: string; pid: number; prepared: number }>`
      select nullif(current_setting('request.jwt.claims', true), '') as claims, current_user as role, pg_backend_pid() as pid,
             (select count(*)::int from pg_prepared_statements) as prepared`.execute(pooled);
    expect(after.rows[0]).toEqual({ claims: null, role: 'postgres', pid: [...pids][0], prepared: 0 });
    const servers = (await bouncer.admin('SHOW SERVERS')).filter((s) => s.database === t.name);
    expect(servers.length).toBe(1);
  });

  it('measures what one accepted submission costs: Postgres round trips and transactions through the pooler, CPU', async () => {
    // Numbers for deploy/CAPACITY.md. One caller, sequential, so the pooler's counters are ours alone.
    const stats = async () => (await bouncer.admin('SHOW STATS')).find((r) => r.database === t.name) as Record<string, string>;
    const carol = await call('POST', '/v1/auth/signup', undefined, { email: `carol-${Date.now()}@example.com`, password: 'a long password' });
    const carolId = carol.body.user.id as string;
    await new AccountsRepository().setPlan(t.db, carolId, 'premium'); // 10 concurrent generations
    await new CreditsRepository().adjust(t.db, carolId, 1000, 'capacity measurement');
    const token = carol.body.access_token as string;
    const N = 10;
    for (let i = 0; i < 5; i++) await call('GET', '/v1/jobs?limit=1', token); // warm caches (settings, JWT keys)
    await new Promise((r) => setTimeout(r, 1200)); // the pooler's SHOW STATS totals move on its 1 s stats tick
    const before = await stats();
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < N; i++) {
      const res = await call('POST', '/v1/generations', token, { prompt: `measured ${i}`, duration_seconds: 5 }).catch(() => undefined);
      if (res?.status !== 202) break;
    }
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    await new Promise((r) => setTimeout(r, 1500));
    const after = await stats();
    const count = (await sql<{ n: number }>`select count(*)::int as n from public.jobs where user_id = ${carolId}::uuid`.execute(t.db)).rows[0]!.n;
    const per = (k: string) => (Number(after[k]) - Number(before[k])) / count;
    const measured = {
      submissions: count,
      queries_per_submission: per('total_query_count'),
      transactions_per_submission: per('total_xact_count'),
      cpu_ms_per_submission_gateway_and_client: (used.user + used.system) / 1000 / count,
      wall_ms_per_submission_sequential: wall / count,
      measured_at: new Date().toISOString(),
    };
    process.stdout.write(`capacity: ${JSON.stringify(measured)}\n`);
    expect(count).toBe(N);
    // Includes the relay's publish round (claim rows, mark published); a regression past this shows here.
    expect(measured.queries_per_submission).toBeLessThan(30);
  });

  it('a failed transaction rolls its identity back too', async () => {
    await expect(asUser(pooled, { userId: users.alice.id }, async (trx) => {
      await sql`select 1/0`.execute(trx);
    })).rejects.toThrow(/division by zero/);
    const after = await sql<{ claims: string | null; role: string }>`select nullif(current_setting('request.jwt.claims', true), '') as claims, current_user as role`.execute(pooled);
    expect(after.rows[0]).toEqual({ claims: null, role: 'postgres' });
  });
});

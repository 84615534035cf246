// Accepted POST /v1/generations per second through the real gateway process (32 clients), against a
// plain script doing the same Postgres transaction and BullMQ add.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { Queue } from 'bullmq';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { closedLoop, embeddedS3, fmt, scratchDatabase } from './support.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

async function waitReady(base) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/health/ready`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('gateway did not become ready');
}

/** The naive design on the same data: domain rows, the same credit charge, a direct queue add, no outbox. */
async function rawBaseline(url, prefix) {
  const pool = new pg.Pool({ connectionString: url, max: CLIENTS });
  pool.on('error', () => undefined); // the scratch database is dropped with force at the end
  const queue = new Queue('generation', { connection: { url: 'redis://127.0.0.1:6379' }, prefix });
  await pool.query('alter table public.jobs disable trigger jobs_enqueue');
  const users = [];
  for (let i = 0; i < CLIENTS; i++) {
    const { rows } = await pool.query(`insert into auth.users (email, encrypted_password) values ($1, 'x') returning id`, [`raw${i}@bench.test`]);
    await unlimitedAccount(pool, rows[0].id);
    users.push({ id: rows[0].id, claims: JSON.stringify({ sub: rows[0].id, role: 'authenticated' }) });
  }
  const result = await closedLoop({
    clients: CLIENTS,
    seconds: SECONDS,
    op: async (i) => {
      const user = users[i];
      const client = await pool.connect();
      const jobId = randomUUID();
      try {
        await client.query('begin');
        await client.query(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [user.claims]);
        const track = await client.query(`insert into tracks (user_id, prompt, provider) values ($1, 'raw baseline', 'local') returning id`, [user.id]);
        await client.query(
          `insert into jobs (id, user_id, kind, queue_name, job_name, provider, resource_type, resource_id, payload) values ($1, $2, 'generation', 'generation', 'generation.run', 'local', 'track', $3, '{}')`,
          [jobId, user.id, track.rows[0].id],
        );
        await client.query(`select public.charge_job($1, $2, 1, 'generation', '{generation}', true)`, [user.id, jobId]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      } finally {
        client.release();
      }
      await queue.add('generation.run', { jobId, userId: user.id, correlationId: jobId }, { jobId });
    },
  });
  await queue.obliterate({ force: true });
  await queue.close();
  await pool.end();
  return result;
}

// The bench measures submission throughput, not plan limits (those are proven by the accounts and
// rate-limit tests): rate limits out of the way, and one user on a plan without limits, with credits.
const BENCH_RATE_LIMITS = JSON.stringify({ 'generate-music': { requests: 1_000_000, per_seconds: 1 }, 'api-general': { requests: 1_000_000, per_seconds: 1 }, auth: { requests: 1_000, per_seconds: 1 } });

async function unlimitedAccount(pool, userId) {
  await pool.query(`insert into subscription_plans (name, display_name, credits_monthly, credits_daily_limit, max_concurrent_generations, max_projects, max_tracks_per_project)
                    values ('bench', 'Bench', -1, -1, -1, -1, -1) on conflict (name) do nothing`);
  await pool.query(`update profiles set subscription_plan = 'bench', subscription_tier = 'enterprise' where id = $1`, [userId]);
  await pool.query(`select admin_adjust_credits($1, 100000000, 'bench')`, [userId]);
}

export async function gatewayBench() {
  const db = await scratchDatabase();
  const s3 = await embeddedS3();
  const prefix = `{bench${Date.now()}}`;
  const port = 4700 + Math.floor(Math.random() * 200);
  const base = `http://127.0.0.1:${port}`;
  const gateway = spawn(process.execPath, [...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), 'apps/api-gateway/dist/main.js'], {
    env: { ...process.env, PORT: String(port), DATABASE_URL: db.url, S3_ENDPOINT: s3.endpoint, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn', JWT_SECRET: 'bench-secret-bench-secret-bench-secret!', DATABASE_POOL_SIZE: String(CLIENTS), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', RATE_LIMITS: BENCH_RATE_LIMITS },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitReady(base);
    // One user per client, as real traffic is many users: one user's submissions serialise on their
    // credit balance (row lock), by design.
    const setup = new pg.Pool({ connectionString: db.url, max: 2 });
    setup.on('error', () => undefined);
    const tokens = [];
    for (let i = 0; i < CLIENTS; i++) {
      const res = await fetch(`${base}/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `bench${i}@bench.test`, password: 'bench password' }) });
      if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
      const signup = await res.json();
      await unlimitedAccount(setup, signup.user.id);
      tokens.push(signup.access_token);
    }
    await setup.end();
    const body = JSON.stringify({ prompt: 'benchmark anthem with drums and bass', genre: 'rock', duration_seconds: 30 });
    // node:http with keep-alive: a far cheaper client than fetch, so the load generator leaves the CPU to the gateway.
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
    const post = (i) =>
      new Promise((resolve, reject) => {
        const headers = { 'content-type': 'application/json', authorization: `Bearer ${tokens[i]}`, 'content-length': Buffer.byteLength(body) };
        const req = http.request(`${base}/v1/generations`, { method: 'POST', agent, headers }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 202 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end(body);
      });
    const platform = await closedLoop({ clients: CLIENTS, seconds: SECONDS, op: post });
    agent.destroy();
    if (process.env.BENCH_PROFILE) {
      gateway.kill('SIGTERM'); // the profile covers the platform phase only
      await new Promise((r) => gateway.once('exit', r));
    }
    const raw = await rawBaseline(db.url, `${prefix}raw`);
    const q = new Queue('generation', { connection: { url: 'redis://127.0.0.1:6379' }, prefix });
    await q.obliterate({ force: true });
    await q.close();
    return {
      title: `Job submission: POST /v1/generations, ${CLIENTS} concurrent clients (one user each), ${SECONDS} s`,
      rows: [
        ['gateway (HTTP, auth, rate limit, validation, RLS transaction with credit charge, outbox; relay publishes to BullMQ)', fmt(platform.perSecond), fmt(platform.p50, 2), fmt(platform.p99, 2), platform.errors],
        ['raw script (same rows and credit charge in one pg transaction + BullMQ add, same process)', fmt(raw.perSecond), fmt(raw.p50, 2), fmt(raw.p99, 2), raw.errors],
      ],
      header: ['path', 'accepted/s', 'p50 ms', 'p99 ms', 'errors'],
      ratio: platform.perSecond / raw.perSecond,
      platform,
      raw,
    };
  } finally {
    if (gateway.exitCode === null) {
      gateway.kill('SIGTERM');
      await new Promise((r) => gateway.once('exit', r));
    }
    await s3.close();
    await db.drop();
  }
}

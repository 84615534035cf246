// Accepted POST /v1/generations per second through the real gateway process, against a plain script
// doing the same rows and the same credit charge in one Postgres transaction plus a direct BullMQ add.
// Measured at 32 and 64 concurrent clients (one user each); the gateway's CPU time per accepted job is
// read from /proc (robust on a shared machine); the relay's publishing lag is publish time − job row
// time; a short extra phase runs the gateway under --cpu-prof and summarises its top frames.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { closedLoop, embeddedS3, fmt, percentile, scratchDatabase } from './support.js';
import { summariseProfile } from './profile-summary.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PROFILE_SECONDS = Number(process.env.BENCH_PROFILE_SECONDS ?? 5);
/** The gateway's DATABASE_POOL_SIZE: a submission is one statement, so 16 connections serve 64 clients, and the raw phase (one connection per client) stays under max_connections beside it. */
const GATEWAY_POOL = Number(process.env.BENCH_GATEWAY_POOL ?? 16);
const REDIS = 'redis://127.0.0.1:6379';

async function waitReady(base) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/health/ready`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('gateway did not become ready');
}

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** Every process named `postgres` (the server's backends), pid → CPU seconds. */
function postgresCpu() {
  const out = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') out.set(Number(pid), cpuSeconds(pid));
    } catch {}
  }
  return out;
}

/**
 * Where the machine's CPU goes during a measured phase: the gateway, this process (the load generator, and in
 * the raw phase the raw script too), the Postgres backends that serve the bench database at the end of the
 * phase (backends of other databases on the shared server are not counted) and redis-server. Started
 * synchronously when measuring starts (after the warm-up, when every pool is open).
 */
function cpuMeter(gatewayPid, redisPid) {
  const usage = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const start = { gateway: gatewayPid ? cpuSeconds(gatewayPid) : 0, bench: usage(), postgres: postgresCpu(), redis: redisPid ? cpuSeconds(redisPid) : 0 };
  return {
    /** CPU ms per operation, by process. */
    async perOp(admin, ops) {
      const end = { gateway: gatewayPid ? cpuSeconds(gatewayPid) : 0, bench: usage(), redis: redisPid ? cpuSeconds(redisPid) : 0 };
      const pids = (await admin.query(`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`)).rows.map((r) => r.pid);
      const postgres = pids.reduce((sum, pid) => sum + (start.postgres.has(pid) ? cpuSeconds(pid) - start.postgres.get(pid) : 0), 0);
      const ms = (x) => (x * 1000) / Math.max(1, ops);
      return { gateway: ms(end.gateway - start.gateway), bench: ms(end.bench - start.bench), postgres: ms(postgres), redis: ms(end.redis - start.redis) };
    },
  };
}

/** The gateway's job_submissions_per_statement histogram so far: statements and submissions. */
async function statementStats(base) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const read = (name) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text)?.[1] ?? 0);
  return { statements: read('job_submissions_per_statement_count'), submissions: read('job_submissions_per_statement_sum') };
}

async function redisServerPid() {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS);
  try {
    return Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]) || undefined;
  } finally {
    redis.disconnect();
  }
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

const REQUEST = { prompt: 'benchmark anthem with drums and bass', genre: 'rock', duration_seconds: 30 };

/**
 * The naive design on the same data: the same track and job rows the gateway writes for REQUEST (same
 * columns and values), the same credit charge (charge_job: debit, ledger row, limits, daily counter),
 * as the caller under RLS, in one transaction; then a direct queue add instead of an outbox row.
 */
async function rawBaseline(url, prefix, users, clients, meter) {
  const pool = new pg.Pool({ connectionString: url, max: clients });
  pool.on('error', () => undefined); // the scratch database is dropped with force at the end
  const queue = new Queue('generation', { connection: { url: REDIS }, prefix });
  const claims = users.map((u) => JSON.stringify({ role: 'authenticated', sub: u.id, aud: 'authenticated' }));
  const metadata = JSON.stringify({ instrumental: false, requested_duration_seconds: REQUEST.duration_seconds });
  const payload = JSON.stringify({ duration_seconds: REQUEST.duration_seconds, seed: null, model: null });
  const prices = JSON.stringify({ default: 1, bench: 1 });
  await pool.query('alter table public.jobs disable trigger jobs_enqueue');
  try {
    const result = await closedLoop({
      clients,
      seconds: SECONDS,
      onMeasuring: meter.start,
      op: async (i) => {
        const user = users[i];
        const client = await pool.connect();
        const jobId = randomUUID();
        try {
          await client.query('begin');
          await client.query(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [claims[i]]);
          const track = await client.query(
            `insert into tracks (user_id, title, prompt, lyrics, genre, mood, style_tags, provider, model_name, project_id, persona_id, reference_audio_url, idempotency_key, has_vocals, metadata)
             values ($1, null, $2, null, $3, null, '{}', 'local', null, null, null, null, null, null, $4) returning id`,
            [user.id, REQUEST.prompt, REQUEST.genre, metadata],
          );
          await client.query(
            `insert into jobs (id, user_id, kind, queue_name, job_name, resource_type, resource_id, provider, idempotency_key, callback_url, correlation_id, trace_parent, payload)
             values ($1, $2, 'generation', 'generation', 'generation.run', 'track', $3, 'local', null, null, $5, null, $4) returning *`,
            [jobId, user.id, track.rows[0].id, payload, jobId],
          );
          await client.query(`select public.charge_job($1, $2, $3::jsonb, 'generation', '{generation}', true, 'production')`, [user.id, jobId, prices]);
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
    // before the pool ends: the meter counts the backends serving the database now
    return { ...result, cpu: await meter.finish(result.ops) };
  } finally {
    await pool.query('alter table public.jobs enable trigger jobs_enqueue');
    await queue.obliterate({ force: true });
    await queue.close();
    await pool.end();
  }
}

/** DATABASE_POOL_SIZE = `connections`. */
function startGateway({ db, s3, prefix, port, clients: connections, profileDir }) {
  return spawn(process.execPath, [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), 'apps/api-gateway/dist/main.js'], {
    env: { ...process.env, PORT: String(port), DATABASE_URL: db.url, S3_ENDPOINT: s3.endpoint, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn', JWT_SECRET: 'bench-secret-bench-secret-bench-secret!', DATABASE_POOL_SIZE: String(connections), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', RATE_LIMITS: BENCH_RATE_LIMITS },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function stopGateway(gateway) {
  if (gateway.exitCode !== null) return;
  gateway.kill('SIGTERM');
  await new Promise((r) => gateway.once('exit', r));
}

/** A closed loop of POST /v1/generations, one user per client, over keep-alive node:http (a far cheaper client than fetch). */
async function submitLoop(base, tokens, clients, seconds, onMeasuring) {
  const body = JSON.stringify(REQUEST);
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
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
  try {
    return await closedLoop({ clients, seconds, op: post, onMeasuring });
  } finally {
    agent.destroy();
  }
}

/** Publish time (BullMQ job timestamp) − job row time (the submission's transaction), over every job in the queue. */
async function relayLag(dbUrl, prefix, since) {
  const queue = new Queue('generation', { connection: { url: REDIS }, prefix });
  const pool = new pg.Pool({ connectionString: dbUrl, max: 1 });
  try {
    const published = new Map();
    for (let start = 0; ; start += 2000) {
      const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed'], start, start + 1999, true);
      for (const j of jobs) if (j?.id) published.set(j.id, j.timestamp);
      if (jobs.length < 2000) break;
    }
    // this phase's jobs only (the queue of the previous phase was emptied after its measurement)
    const { rows } = await pool.query(`select id, extract(epoch from created_at) * 1000 as at from jobs where created_at >= $1`, [since]);
    const lags = [];
    let missing = 0;
    for (const r of rows) {
      const t = published.get(r.id);
      if (t === undefined) missing++;
      else lags.push(t - Number(r.at));
    }
    lags.sort((a, b) => a - b);
    await queue.obliterate({ force: true });
    return { jobs: rows.length, missing, p50: percentile(lags, 50), p99: percentile(lags, 99), max: lags[lags.length - 1] };
  } finally {
    await queue.close();
    await pool.end();
  }
}

export async function gatewayBench() {
  const db = await scratchDatabase();
  const s3 = await embeddedS3();
  const prefix = `{bench${Date.now()}}`;
  const port = 4700 + Math.floor(Math.random() * 200);
  const base = `http://127.0.0.1:${port}`;
  const maxClients = CLIENTS * 2;
  let gateway = startGateway({ db, s3, prefix, port, clients: GATEWAY_POOL });
  const admin = new pg.Pool({ connectionString: db.url, max: 2 });
  admin.on('error', () => undefined);
  try {
    await waitReady(base);
    // One user per client, as real traffic is many users: one user's submissions serialise on their
    // credit balance (row lock), by design.
    const tokens = [];
    const users = [];
    for (let i = 0; i < maxClients; i++) {
      const res = await fetch(`${base}/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `bench${i}@bench.test`, password: 'bench password' }) });
      if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
      const signup = await res.json();
      await unlimitedAccount(admin, signup.user.id);
      tokens.push(signup.access_token);
      users.push({ id: signup.user.id });
    }

    // Platform and raw phases alternate (N, N, 2N, 2N), so a change in the machine's load during the
    // run falls on both sides of each ratio rather than on one.
    const runs = [];
    const redisPid = await redisServerPid();
    for (const clients of [CLIENTS, maxClients]) {
      let meter;
      const statementsBefore = await statementStats(base);
      const since = new Date();
      const platform = await submitLoop(base, tokens, clients, SECONDS, () => (meter = cpuMeter(gateway.pid, redisPid)));
      platform.cpu = await meter.perOp(admin, platform.ops);
      const statementsAfter = await statementStats(base);
      platform.perStatement = (statementsAfter.submissions - statementsBefore.submissions) / Math.max(1, statementsAfter.statements - statementsBefore.statements);
      const gatewayCpuMs = platform.cpu.gateway;
      await new Promise((r) => setTimeout(r, 300)); // the relay's last round
      const lag = await relayLag(db.url, prefix, since);
      let rawMeter;
      const raw = await rawBaseline(db.url, `${prefix}raw`, users, clients, { start: () => (rawMeter = cpuMeter(undefined, redisPid)), finish: (ops) => rawMeter.perOp(admin, ops) });
      runs.push({ clients, platform, lag, gatewayCpuMs, raw });
    }
    await stopGateway(gateway);

    // A short profiled phase (the profiler costs a little; the measured phases above run without it).
    const profileDir = mkdtempSync(join(tmpdir(), 'muse-bench-prof-'));
    gateway = startGateway({ db, s3, prefix, port, clients: GATEWAY_POOL, profileDir });
    await waitReady(base);
    const profiled = await submitLoop(base, tokens, CLIENTS, PROFILE_SECONDS);
    await stopGateway(gateway);
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    const profile = file ? summariseProfile(join(profileDir, file), { top: 12, lastSeconds: PROFILE_SECONDS }) : undefined;
    if (profile) profile.perRequestMs = profile.busyMs / Math.max(1, profiled.ops);
    if (profile) profile.file = join(profileDir, file);
    const q = new Queue('generation', { connection: { url: REDIS }, prefix });
    await q.obliterate({ force: true });
    await q.close();

    const rows = [];
    for (const r of runs) {
      rows.push([`gateway, ${r.clients} clients (HTTP, auth, rate limit, validation, idempotency-ready one-statement submission as the caller under RLS: track, job, outbox, credit charge; relay publishes to BullMQ)`, fmt(r.platform.perSecond), fmt(r.platform.p50, 2), fmt(r.platform.p99, 2), r.platform.errors, fmt(r.platform.cpu.gateway, 2), fmt(r.platform.cpu.bench, 2), fmt(r.platform.cpu.postgres, 2), fmt(r.platform.cpu.redis, 2), fmt(r.platform.perStatement, 1)]);
      rows.push([`raw script, ${r.clients} clients (same track + job rows and credit charge as the caller in one pg transaction, then BullMQ add; same process)`, fmt(r.raw.perSecond), fmt(r.raw.p50, 2), fmt(r.raw.p99, 2), r.raw.errors, '', fmt(r.raw.cpu.bench, 2), fmt(r.raw.cpu.postgres, 2), fmt(r.raw.cpu.redis, 2), '1']);
    }
    return {
      title: `Job submission: POST /v1/generations, ${CLIENTS} and ${maxClients} concurrent clients (one user each), ${SECONDS} s each`,
      rows,
      header: ['path', 'accepted/s', 'p50 ms', 'p99 ms', 'errors', 'gateway CPU ms / job', 'load generator (+ raw script) CPU ms / job', 'Postgres backends CPU ms / job', 'Redis CPU ms / job', 'submissions per Postgres statement'],
      ratio: runs[0].platform.perSecond / runs[0].raw.perSecond,
      ratios: runs.map((r) => ({ clients: r.clients, ratio: r.platform.perSecond / r.raw.perSecond })),
      runs,
      profile,
      seconds: SECONDS,
      profileClients: CLIENTS,
      profileSeconds: PROFILE_SECONDS,
    };
  } finally {
    await admin.end();
    await stopGateway(gateway);
    await s3.close();
    await db.drop();
  }
}

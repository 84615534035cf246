#!/usr/bin/env node
// Analytics at volume: BENCH_EVENTS (default 1,000,000) events through POST /v1/analytics/events
// (the real gateway process), then drained by the real analytics-ingest process into Postgres,
// next to a raw server-side COPY of exactly the same rows into the same table; then a paced live
// run measuring the lag from 202 Accepted to the event being queryable.
// Writes bench/analytics-results.md.  Run: npx tsc -b apps/api-gateway apps/analytics-ingest && node scripts/bench/analytics-bench.js
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import http from 'node:http';
import { Queue } from 'bullmq';
import pg from 'pg';
import { embeddedS3, fmt, machine, percentile, scratchDatabase } from './support.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const BATCH = 500;
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
const LIVE_SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 20);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitReady(base, what) {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/health/ready`)).ok) return;
    } catch {}
    await sleep(100);
  }
  throw new Error(`${what} did not become ready`);
}

function start(script, env) {
  const child = spawn(process.execPath, [script], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return {
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** A realistic mix: plays and likes of a real track, page views, clicks, features (every event validated by the gateway). */
function makeBatch(trackId, n, marker) {
  const events = [];
  for (let i = 0; i < n; i++) {
    const k = i % 5;
    if (k === 0) events.push({ event_type: 'track_play', track_id: trackId, position_seconds: i % 240, session_id: 'bench-session' });
    else if (k === 1) events.push({ event_type: 'page_view', page_url: `https://muse.studio/tracks/${trackId}`, referrer: 'https://muse.studio/' });
    else if (k === 2) events.push({ event_type: 'button_click', button: 'play', properties: { position: i } });
    else if (k === 3) events.push({ event_type: 'feature_used', feature: 'stems' });
    else events.push({ event_type: 'track_like', track_id: trackId });
  }
  if (marker) Object.assign(events[0], marker);
  return JSON.stringify({ events });
}

export async function analyticsBench() {
  const loadBefore = loadavg()[0];
  const db = await scratchDatabase();
  const s3 = await embeddedS3();
  const prefix = `{abench${Date.now()}}`;
  const port = 4900 + Math.floor(Math.random() * 100);
  const ingestPort = port + 100;
  const base = `http://127.0.0.1:${port}`;
  const env = {
    DATABASE_URL: db.url, S3_ENDPOINT: s3.endpoint, QUEUE_PREFIX: prefix, REDIS_URL,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret!',
    RATE_LIMITS: JSON.stringify({ 'api-general': { requests: 1_000_000, per_seconds: 1 } }),
    SETTINGS_CACHE_MS: '60000', OUTBOX_POLL_MS: '60000',
  };
  const gateway = start('apps/api-gateway/dist/main.js', { ...env, PORT: String(port) });
  let ingest;
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const queue = new Queue('analytics', { connection: { url: REDIS_URL }, prefix });
  const csv = `/tmp/muse-analytics-bench-${randomUUID()}.csv`;
  try {
    await waitReady(base, 'gateway');
    const signup = await (await fetch(`${base}/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@bench.test', password: 'bench password' }) })).json();
    const userId = signup.user.id;
    const { rows: [track] } = await pool.query(`insert into tracks (user_id, prompt, status, genre) values ($1, 'bench', 'completed', 'rock') returning id`, [userId]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${signup.access_token}` };
    const post = (body) =>
      new Promise((resolve, reject) => {
        const req = http.request(`${base}/v1/analytics/events`, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 202 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end(body);
      });

    // 1. Accept: the gateway alone (ingest not running), every batch queued in Redis.
    const batches = Math.ceil(EVENTS / BATCH);
    const body = makeBatch(track.id, BATCH);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      while (next < batches) {
        next++;
        await post(body);
      }
    }));
    const acceptSeconds = (performance.now() - t0) / 1000;
    const accepted = batches * BATCH;
    console.log(JSON.stringify({ phase: 'accept', events: accepted, seconds: acceptSeconds, perSecond: accepted / acceptSeconds }));

    // 2. Drain: the ingest process empties the backlog into analytics_events.
    ingest = start('apps/analytics-ingest/dist/main.js', { ...env, HEALTH_PORT: String(ingestPort) });
    const inserted = async () => {
      try {
        const text = await (await fetch(`http://127.0.0.1:${ingestPort}/metrics`)).text();
        return Number(text.match(/^analytics_events_inserted_total(?:\{[^}]*\})? (\d+(?:\.\d+)?(?:e\+\d+)?)/m)?.[1] ?? 0);
      } catch {
        return 0;
      }
    };
    let first;
    for (;;) {
      const n = await inserted();
      const now = performance.now();
      if (n > 0 && !first) first = { n, at: now };
      if (n >= accepted) {
        var drain = { events: n - first.n, seconds: (now - first.at) / 1000 };
        break;
      }
      await sleep(50);
    }
    drain.perSecond = drain.events / drain.seconds;
    const { rows: [{ n: stored }] } = await pool.query('select count(*)::int as n from analytics_events');
    console.log(JSON.stringify({ phase: 'drain', ...drain, stored }));

    // 3. Raw COPY of exactly these rows into the same (emptied) table, server-side, same indexes and constraints.
    await pool.query(`copy (select * from analytics_events) to '${csv}' with (format binary)`);
    await pool.query('truncate analytics_events');
    await pool.query('checkpoint');
    const c0 = performance.now();
    await pool.query(`copy analytics_events from '${csv}' with (format binary)`);
    const copySeconds = (performance.now() - c0) / 1000;
    const copy = { events: stored, seconds: copySeconds, perSecond: stored / copySeconds };
    console.log(JSON.stringify({ phase: 'copy', ...copy }));
    await pool.query(`select pg_catalog.pg_stat_reset()`).catch(() => undefined);

    // 4. Live: paced load with both services running; a marker event per batch measures 202 → queryable.
    const rate = Number(process.env.BENCH_LIVE_RATE ?? Math.round(Math.min(drain.perSecond, accepted / acceptSeconds) * 0.5));
    const interval = (BATCH / rate) * 1000;
    const pending = new Map();
    const lags = [];
    let sent = 0;
    let stop = false;
    const poller = (async () => {
      while (!stop || pending.size > 0) {
        const ids = [...pending.keys()];
        if (ids.length) {
          const { rows } = await pool.query('select id from analytics_events where id = any($1::uuid[])', [ids]);
          const seenAt = performance.now();
          for (const { id } of rows) {
            lags.push(seenAt - pending.get(id));
            pending.delete(id);
          }
        }
        await sleep(10);
      }
    })();
    const liveStart = performance.now();
    const inflight = [];
    while (performance.now() - liveStart < LIVE_SECONDS * 1000) {
      const id = randomUUID();
      const b = makeBatch(track.id, BATCH, { id, occurred_at: new Date().toISOString() });
      inflight.push(post(b).then(() => pending.set(id, performance.now())));
      sent += BATCH;
      const due = liveStart + (sent / BATCH) * interval;
      await sleep(Math.max(0, due - performance.now()));
    }
    await Promise.all(inflight);
    stop = true;
    await poller;
    lags.sort((a, b) => a - b);
    const live = { rate, events: sent, seconds: LIVE_SECONDS, p50: percentile(lags, 50), p95: percentile(lags, 95), p99: percentile(lags, 99), max: lags.at(-1) };
    console.log(JSON.stringify({ phase: 'live', ...live }));
    agent.destroy();

    const ratio = drain.perSecond / copy.perSecond;
    const report = [
      '# Analytics ingest benchmark',
      '',
      `Machine: ${machine()}; Postgres, Redis, the gateway, analytics-ingest and the load generator share it (1-minute load average before the run: ${loadBefore.toFixed(1)}, after: ${loadavg()[0].toFixed(1)} — other work on the machine shifts both columns).`,
      `Run: \`npx tsc -b apps/api-gateway apps/analytics-ingest && node scripts/bench/analytics-bench.js\` (${new Date().toISOString()}).`,
      '',
      `### Throughput: ${fmt(accepted, 0)} events (batches of ${BATCH}, ${CLIENTS} HTTP clients)`,
      '',
      '| path | events | seconds | events/s |',
      '|---|---|---|---|',
      `| accept: POST /v1/analytics/events → validated per event → BullMQ \`analytics\` (gateway process, no Postgres) | ${accepted} | ${fmt(acceptSeconds, 2)} | ${fmt(accepted / acceptSeconds, 0)} |`,
      `| ingest: analytics-ingest drains the backlog into \`analytics_events\` (group commit of concurrent batches, one COPY per group; insert … on conflict do nothing only for a redelivered group; FK checks) | ${drain.events} | ${fmt(drain.seconds, 2)} | **${fmt(drain.perSecond, 0)}** |`,
      `| raw: one server-side binary \`COPY analytics_events FROM\` file of exactly the same rows (same table, indexes, constraints) | ${copy.events} | ${fmt(copy.seconds, 2)} | **${fmt(copy.perSecond, 0)}** |`,
      '',
      `Ingest / raw COPY: **${(ratio * 100).toFixed(0)} %** (target ≥ 50 %). Rows stored after the drain: ${stored} (expected ${accepted}).`,
      '',
      `### Lag from 202 Accepted to queryable (live: ${fmt(rate, 0)} events/s paced for ${LIVE_SECONDS} s, both services running)`,
      '',
      '| samples | p50 ms | p95 ms | p99 ms | max ms |',
      '|---|---|---|---|---|',
      `| ${lags.length} | ${fmt(live.p50, 1)} | ${fmt(live.p95, 1)} | ${fmt(live.p99, 1)} | ${fmt(live.max, 1)} |`,
      '',
      'The lag is measured per batch: its first event carries a client id; a poller looks the ids up every 10 ms.',
      '',
    ].join('\n');
    writeFileSync(new URL('../../bench/analytics-results.md', import.meta.url), report);
    console.log(report);
    return { ratio, accepted, acceptSeconds, drain, copy, live };
  } finally {
    await gateway.stop();
    await ingest?.stop();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await pool.query(`copy (select 1) to program 'rm -f ${csv}'`).catch(() => undefined); // the file is on the server's side
    await pool.end();
    await s3.close();
    await db.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await analyticsBench();

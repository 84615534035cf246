// Chaos: SIGTERM of every app while it has work in flight, as an orchestrator's rolling update sends it. Each
// must exit 0 within its grace period (SHUTDOWN_GRACE_MS) having finished or handed back its work; the gateway
// drains its open requests (no 5xx from the old process) and closes its event streams; a replacement takes
// over and everything completes. Then the audit: nothing lost, nothing run twice, every webhook delivered.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { waitFor } from '../support/env.js';
import { freePort } from '../support/ports.js';
import { auditAndRecord, ChaosPlatform, FULL, sleep, type App } from './platform.js';

const GRACE_MS = 10_000;
/** Node's timers run late on a CPU-starved machine; the exit code (1 when the grace timer fires) is the strict check. */
const EXIT_SLACK_MS = Number(process.env.CHAOS_EXIT_SLACK_MS ?? 30_000);
const WAVE = FULL ? 6 : 3;
const ROUNDS = FULL ? 2 : 1;

/** A callback_url receiver that answers slowly, so deliveries are in flight when the sender is stopped. */
class Receiver {
  readonly seen = new Map<string, number>();
  private server!: Server;
  port = 0;
  async start(): Promise<void> {
    this.port = await freePort();
    this.server = createServer((req, res) => {
      const id = String(req.headers['webhook-id'] ?? '').replace(/^msg_/, ''); // webhook-id is msg_<delivery id>
      req.resume();
      req.on('end', () =>
        setTimeout(() => {
          this.seen.set(id, (this.seen.get(id) ?? 0) + 1);
          res.writeHead(204).end();
        }, 1_500),
      );
    });
    await new Promise<void>((r) => this.server.listen(this.port, '127.0.0.1', r));
  }
  get url() {
    return `http://127.0.0.1:${this.port}/hook`;
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

describe(`chaos: SIGTERM of every app under load (${FULL ? 'full' : 'reduced'} profile)`, () => {
  const p = new ChaosPlatform();
  const receiver = new Receiver();
  const began = Date.now();
  const exits: Array<{ name: string; code: number | null; ms: number }> = [];
  const gatewayFigures = { requests: 0, answered: 0, connectionErrors: 0, serverErrors: 0, streamsClosed: 0 };
  let redis: Redis;
  let n = 0;

  beforeAll(async () => {
    await receiver.start();
    // One replica of each worker, so the one stopped is the one holding the work.
    await p.start({ generationWorkers: 1, stemsWorkers: 1, env: { SHUTDOWN_GRACE_MS: String(GRACE_MS), WEBHOOK_ALLOW_LOOPBACK: 'true' } });
    for (const name of ['archiver', 'analytics-ingest', 'webhook-sender']) await p.waitReady(await p.startApp(name));
    await p.signup(3);
    for (const u of p.users) expect((await p.call('POST', '/v1/me/webhook-secret', { token: u.token })).status).toBeLessThan(300);
    redis = new Redis(p.redis.url, { maxRetriesPerRequest: null });
  }, 600_000);
  afterAll(async () => {
    redis?.disconnect();
    await p.stop();
    await receiver.stop();
  }, 60_000);

  /** Submits a generation with a callback_url (so the webhook sender has work too), retried like platform.submitGeneration. */
  const submit = (i: number, seconds: number) => {
    const user = p.users[i % p.users.length];
    const key = `sigterm-${++n}`;
    return waitFor(
      async () => {
        try {
          const res = await p.call('POST', '/v1/generations', { token: user.token, headers: { 'idempotency-key': key }, body: { prompt: `sigterm song ${n} warm lo-fi`, duration_seconds: seconds, callback_url: receiver.url } });
          if (res.status !== 202) return undefined;
          if (!p.submitted.some((s) => s.jobId === res.body.id)) p.submitted.push({ jobId: res.body.id, trackId: res.body.resource.id, userId: user.id, kind: 'generation' });
          return res.body.id as string;
        } catch {
          return undefined; // the gateway is restarting: the same key makes the retry safe
        }
      },
      'a submission to be accepted',
      300_000,
      250,
    );
  };
  const count = async (q: string) => (await sql<{ n: number }>`select count(*)::int as n from jobs where status = 'processing' and queue_name = ${q}`.execute(p.t.db)).rows[0].n;

  /** SIGTERM, then the exit: code 0 within the grace period (plus the slack of a loaded machine). */
  async function terminate(app: App): Promise<void> {
    const t0 = Date.now();
    app.proc.kill('SIGTERM');
    const code = await Promise.race([app.exited, sleep(GRACE_MS + EXIT_SLACK_MS).then(() => 'hung' as const)]);
    const ms = Date.now() - t0;
    exits.push({ name: app.name, code: code === 'hung' ? null : code, ms });
    expect({ app: app.name, code, log: code === 0 ? '' : app.log.join('').slice(-3000) }).toEqual({ app: app.name, code: 0, log: '' });
  }
  const replace = async (name: string) => p.waitReady(await p.startApp(name));

  it('generation worker: SIGTERM mid-render, exits 0, its jobs finish or are handed back and complete once', async () => {
    for (let r = 0; r < ROUNDS; r++) {
      // 45-second songs: still rendering when the signal lands.
      await Promise.all(Array.from({ length: WAVE }, (_, i) => submit(i, 45)));
      await waitFor(async () => (await count('generation')) > 0 || undefined, 'a generation to be running', 120_000, 20);
      await terminate(p.running('generation-worker')[0]);
      await replace('generation-worker');
    }
    await p.settle(600_000);
  }, 1_200_000);

  it('stems worker: SIGTERM mid-separation, exits 0, the separation completes once', async () => {
    const completed = new Set((await sql<{ id: string }>`select id from tracks where status = 'completed'`.execute(p.t.db)).rows.map((r) => r.id));
    const done = p.submitted.filter((s) => s.kind === 'generation' && completed.has(s.trackId)).slice(0, 2);
    for (const s of done) expect(await p.submitStems(p.users.find((u) => u.id === s.userId)!, s.trackId)).toBe(202);
    await waitFor(async () => (await count('stems')) > 0 || undefined, 'a separation to be running', 120_000, 20);
    await terminate(p.running('stems-worker')[0]);
    await replace('stems-worker');
    await p.settle(600_000);
  }, 900_000);

  it('webhook sender and analytics ingest: SIGTERM with deliveries and events in flight, exit 0, nothing dropped', async () => {
    // Short songs: completions (each a webhook and analytics events) arrive while the two are stopped.
    const wave = Promise.all(Array.from({ length: WAVE * 2 }, (_, i) => submit(i, 5)));
    await waitFor(async () => receiver.seen.size > 0 || (await sql<{ n: number }>`select count(*)::int as n from webhook_deliveries`.execute(p.t.db)).rows[0].n > 0 || undefined, 'a webhook delivery', 300_000, 20);
    await Promise.all([terminate(p.running('webhook-sender')[0]), terminate(p.running('analytics-ingest')[0])]);
    await Promise.all([replace('webhook-sender'), replace('analytics-ingest')]);
    await wave;
    await p.settle(600_000);
    // Every delivery delivered (at least once: a receiver may see one twice, with the same webhook-id).
    await waitFor(async () => (await sql<{ n: number }>`select count(*)::int as n from webhook_deliveries where status <> 'delivered'`.execute(p.t.db)).rows[0].n === 0 || undefined, 'every webhook delivered', 300_000, 250);
    const deliveries = (await sql<{ id: string }>`select id::text from webhook_deliveries`.execute(p.t.db)).rows;
    expect(deliveries.length).toBeGreaterThanOrEqual(p.submitted.filter((s) => s.kind === 'generation').length);
    expect(deliveries.filter((d) => !receiver.seen.has(d.id))).toEqual([]);
    // The analytics queue drained: nothing failed, nothing stuck.
    const analytics = new Queue('analytics', { connection: redis, prefix: p.prefix });
    await waitFor(async () => {
      const c = await analytics.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(c).every((x) => x === 0) || undefined;
    }, 'the analytics queue to drain', 300_000, 250);
    expect((await analytics.getJobCounts('failed')).failed).toBe(0);
    await analytics.close();
  }, 1_200_000);

  it('archiver: SIGTERM with object purges in flight, exits 0, the purges complete', async () => {
    // Tracks made for this step and deleted: the archiver purges their objects (the audit then finds no orphan).
    const ids = await Promise.all(Array.from({ length: WAVE }, (_, i) => submit(i, 5)));
    await p.settle(600_000);
    const mine = p.submitted.filter((s) => ids.includes(s.jobId));
    for (const s of mine) {
      const user = p.users.find((u) => u.id === s.userId)!;
      expect((await p.call('DELETE', `/v1/tracks/${s.trackId}`, { token: user.token })).status).toBeLessThan(300);
      p.submitted.splice(p.submitted.indexOf(s), 1); // its versions are gone by design; the ledger check still covers the user
    }
    await terminate(p.running('archiver')[0]);
    await replace('archiver');
    // The purge jobs (id purge-<track>) completed; the archiving queue's cron schedules stay delayed by design.
    const archiving = new Queue('archiving', { connection: redis, prefix: p.prefix });
    for (const s of mine) await waitFor(async () => (await archiving.getJobState(`purge-${s.trackId}`)) === 'completed' || undefined, `the purge of ${s.trackId}`, 300_000, 250);
    expect((await archiving.getJobCounts('failed')).failed).toBe(0);
    await archiving.close();
  }, 900_000);

  it('gateway: SIGTERM mid-burst drains open requests (no 5xx), closes event streams, exits 0; the retries complete', async () => {
    const gateway = p.running('api-gateway')[0];
    // An open event stream: the old process must end it (the client reconnects with Last-Event-ID), not wait on it.
    const stream = await fetch(`${p.base}/v1/stream`, { headers: { authorization: `Bearer ${p.users[0].token}` } });
    expect(stream.status).toBe(200);
    const streamEnded = (async () => {
      try {
        for await (const _ of stream.body!) void _;
      } catch {
        /* ended by a reset: still ended */
      }
      gatewayFigures.streamsClosed++;
    })();
    // A steady stream of submissions, each once against the old process and then retried with its key.
    const keys: Array<{ key: string; user: (typeof p.users)[number] }> = [];
    let stop = false;
    const firing = (async () => {
      const inFlight: Promise<void>[] = [];
      while (!stop) {
        const user = p.users[keys.length % p.users.length];
        const key = `sigterm-gw-${keys.length}`;
        keys.push({ key, user });
        gatewayFigures.requests++;
        inFlight.push(
          p.call('POST', '/v1/generations', { token: user.token, headers: { 'idempotency-key': key }, body: { prompt: 'sigterm burst song', duration_seconds: 5 } }).then(
            (res) => {
              gatewayFigures.answered++;
              if (res.status >= 500) gatewayFigures.serverErrors++;
            },
            () => void gatewayFigures.connectionErrors++,
          ),
        );
        await sleep(40);
      }
      await Promise.all(inFlight);
    })();
    await sleep(1_500);
    await terminate(gateway);
    stop = true;
    await firing;
    await Promise.race([streamEnded, sleep(5_000)]);
    expect(gatewayFigures.streamsClosed).toBe(1);
    expect(gatewayFigures.serverErrors).toBe(0);
    // The replacement; every submission retried with its key is accepted once.
    await p.waitReady(p.startApp('api-gateway', p.gatewayPort));
    for (const { key, user } of keys) {
      const res = await waitFor(async () => {
        const r = await p.call('POST', '/v1/generations', { token: user.token, headers: { 'idempotency-key': key }, body: { prompt: 'sigterm burst song', duration_seconds: 5 } });
        return r.status === 202 ? r : undefined;
      }, 'a retried submission to be accepted', 120_000, 250);
      if (!p.submitted.some((s) => s.jobId === res.body.id)) p.submitted.push({ jobId: res.body.id, trackId: res.body.resource.id, userId: user.id, kind: 'generation' });
    }
    await p.settle(600_000);
  }, 900_000);

  it('audit: one terminal state each, 2 versions with objects, no orphans, one charge each, balances = ledger', async () => {
    await auditAndRecord(p, 'SIGTERM of every app under load', {
      began,
      figures: () => {
        const handedBack = p.apps.reduce((s, a) => s + a.log.filter((l) => l.includes('handed back to their queues')).length, 0);
        return {
          faults: `SIGTERM of ${exits.map((e) => `${e.name} (exit ${e.code}, ${(e.ms / 1000).toFixed(1)} s)`).join(', ')}; grace ${GRACE_MS / 1000} s; gateway: ${gatewayFigures.requests} requests during its shutdown, ${gatewayFigures.answered} answered (0 5xx), ${gatewayFigures.connectionErrors} connection errors (refused or reset: retried with their key), event stream closed`,
          recoverSeconds: `slowest exit ${(Math.max(...exits.map((e) => e.ms)) / 1000).toFixed(1)} s; ${handedBack} shutdowns handed jobs back`,
        };
      },
    });
  }, 60_000);
});

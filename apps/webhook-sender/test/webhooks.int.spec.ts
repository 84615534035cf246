// Outbound webhooks end to end: a gateway and a webhook sender on one database and queue prefix, a
// receiver on localhost that verifies every delivery with standardwebhooks' Webhook.verify.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { AccountsRepository, JobsRepository } from '@muse/db';
import { loadConfig, type WorkerService } from '@muse/platform';
import { safePost, SafeFetchError } from '@muse/providers';
import { createGateway, type Gateway } from '../../api-gateway/src/bootstrap.js';
import { GatewayConfig } from '../../api-gateway/src/config.js';
import { startWebhookSender, WebhookSenderConfig } from '../src/bootstrap.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';

interface Received { path: string; headers: Record<string, string>; body: string; verified: unknown; error?: string }
interface User { id: string; token: string; secret?: string }

/** A receiver: per path, a list of status codes to answer in turn (the last repeats); 'hang' never answers. */
class Receiver {
  server!: Server;
  base = '';
  received: Received[] = [];
  plans = new Map<string, (number | 'hang')[]>();
  secrets = new Map<string, string>(); // path prefix → secret that must verify
  private hanging: ServerResponse[] = [];

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const path = req.url ?? '/';
    const secret = [...this.secrets.entries()].find(([prefix]) => path.startsWith(prefix))?.[1];
    const entry: Received = { path, headers, body, verified: undefined };
    try {
      entry.verified = new Webhook(secret ?? 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').verify(body, headers);
    } catch (e) {
      entry.error = (e as Error).message;
    }
    this.received.push(entry);
    const plan = this.plans.get(path) ?? [200];
    const next = plan.length > 1 ? plan.shift()! : plan[0]!;
    if (next === 'hang') {
      this.hanging.push(res);
      return;
    }
    res.writeHead(next, { 'content-type': 'text/plain' }).end(next >= 400 ? 'not now' : 'ok');
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    this.server.close();
  }
}

describe('outbound webhooks', () => {
  let t: TestDatabase;
  let gateway: Gateway;
  let sender: WorkerService | undefined;
  let env: Record<string, string>;
  let base = '';
  const receiver = new Receiver();
  const jobs = new JobsRepository();
  let alice: User;
  let bob: User;

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const signup = async (email: string): Promise<User> => {
    const res = await call('POST', '/v1/auth/signup', undefined, { email, password: 'correct horse battery' });
    expect(res.status).toBe(201);
    await new AccountsRepository().setPlan(t.db, res.body.user.id, 'hooks-unlimited');
    return { id: res.body.user.id, token: res.body.access_token };
  };
  /** A pending job of the user with a callback_url, submitted like any client would. */
  const submit = async (user: User, path: string): Promise<string> => {
    const res = await call('POST', '/v1/generations', user.token, { prompt: 'a song for the webhook test', provider: 'local', callback_url: `${receiver.base}${path}` });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  /** What a worker's completion transaction does to the job row (claim, then complete). */
  const complete = async (id: string) => {
    await jobs.claim(t.db, id);
    expect(await jobs.complete(t.db, id, { track_id: id })).toBeDefined();
  };
  const deliveriesOf = async (user: User, jobId: string) => (await call('GET', `/v1/webhook-deliveries?job_id=${jobId}`, user.token)).body.data as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  const settledDelivery = (user: User, jobId: string, status = 'delivered') =>
    waitFor(async () => (await deliveriesOf(user, jobId)).find((d) => d.status === status), `a ${status} delivery of job ${jobId}`, 30_000, 100);

  beforeAll(async () => {
    await receiver.start();
    t = await createTestDatabase();
    env = serviceEnv(t.url, {
      OUTBOX_POLL_MS: '100',
      JOB_LOCK_MS: '5000',
      WEBHOOK_ALLOW_LOOPBACK: 'true',
      WEBHOOK_RETRY_SCHEDULE_MS: '150,150,150',
      WEBHOOK_TIMEOUT_MS: '2000',
      RATE_LIMITS: JSON.stringify({ 'generate-music': { requests: 10_000, per_seconds: 60 }, 'api-general': { requests: 10_000, per_seconds: 60 }, auth: { requests: 1000, per_seconds: 60 } }),
    });
    gateway = await createGateway(loadConfig(GatewayConfig, env));
    await gateway.app.listen(0, '127.0.0.1');
    base = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    sender = await startWebhookSender(loadConfig(WebhookSenderConfig, { ...env, HEALTH_PORT: '0' }), { listen: false });
    await t.db.insertInto('subscription_plans').values({ name: 'hooks-unlimited', display_name: 'Test', credits_monthly: -1, credits_daily_limit: -1, max_concurrent_generations: -1, max_projects: -1, max_tracks_per_project: -1 }).execute();
    alice = await signup('hooks-alice@example.com');
    bob = await signup('hooks-bob@example.com');
  }, 60_000);

  afterAll(async () => {
    await sender?.close();
    await gateway?.close();
    await t?.drop();
    await receiver.stop();
  });

  it('creates and rotates a secret shown once; /v1/me says whether one is set', async () => {
    expect((await call('GET', '/v1/me', alice.token)).body.webhook_secret).toEqual({ set: false, created_at: null });
    expect((await call('POST', '/v1/me/webhook-secret')).status).toBe(401);
    expect((await call('POST', '/v1/me/webhook-secret', alice.token, { secret: 'mine' })).status).toBe(400);
    const first = await call('POST', '/v1/me/webhook-secret', alice.token);
    expect(first.status).toBe(201);
    expect(first.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const second = await call('POST', '/v1/me/webhook-secret', alice.token, {});
    expect(second.body.secret).not.toBe(first.body.secret);
    alice.secret = second.body.secret;
    receiver.secrets.set('/alice', alice.secret!);
    const me = await call('GET', '/v1/me', alice.token);
    expect(me.body.webhook_secret.set).toBe(true);
    expect(JSON.stringify(me.body)).not.toContain(alice.secret!.slice(6));
  });

  it('rejects callback URLs with credentials or other protocols at submission, writing nothing', async () => {
    for (const url of ['ftp://example.com/hook', 'https://user:pass@example.com/hook', 'not a url', `https://example.com/${'a'.repeat(2100)}`]) {
      const res = await call('POST', '/v1/generations', alice.token, { prompt: 'x', callback_url: url });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].path).toBe('callback_url');
    }
    expect(Number((await t.db.selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)).toBe(0);
  });

  it('delivers completed, failed and cancelled jobs signed per Standard Webhooks, with the job object as body', async () => {
    const done = await submit(alice, '/alice/done');
    const failed = await submit(alice, '/alice/failed');
    const cancelled = await submit(alice, '/alice/cancelled');
    await complete(done);
    await jobs.claim(t.db, failed);
    await jobs.fail(t.db, failed, { code: 'engine', message: 'the engine broke' }, true);
    expect((await call('POST', `/v1/jobs/${cancelled}/cancel`, alice.token)).status).toBe(200);
    for (const [id, path, event] of [[done, '/alice/done', 'job.completed'], [failed, '/alice/failed', 'job.failed'], [cancelled, '/alice/cancelled', 'job.cancelled']] as const) {
      const delivery = await settledDelivery(alice, id);
      expect(delivery).toMatchObject({ event_type: event, attempts: 1, last_status_code: 200, url: `${receiver.base}${path}` });
      const [got] = receiver.at(path);
      expect(got?.error).toBeUndefined();
      expect(got!.headers['webhook-id']).toBe(`msg_${delivery.id}`);
      expect(got!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(Math.abs(Number(got!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      // The same presenter as GET /v1/jobs/{id}, snake_case.
      expect(got!.verified).toEqual((await call('GET', `/v1/jobs/${id}`, alice.token)).body);
      expect((got!.verified as { status: string }).status).toBe(event.slice(4));
    }
    // A wrong secret does not verify the same bytes.
    const [sample] = receiver.at('/alice/done');
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(sample!.body, sample!.headers)).toThrow();
  });

  it('retries a receiver answering 500 twice, then 200: three attempts recorded, delivered once', async () => {
    receiver.plans.set('/alice/flaky', [500, 500, 200]);
    const id = await submit(alice, '/alice/flaky');
    await complete(id);
    const delivery = await settledDelivery(alice, id);
    const detail = await call('GET', `/v1/webhook-deliveries/${delivery.id}`, alice.token);
    expect(detail.body.attempts).toBe(3);
    expect(detail.body.attempts_log.map((a: { status_code: number }) => a.status_code)).toEqual([500, 500, 200]);
    expect(detail.body.attempts_log[0].error).toContain('answered 500');
    const hits = receiver.at('/alice/flaky');
    expect(hits).toHaveLength(3);
    expect(new Set(hits.map((h) => h.headers['webhook-id'])).size).toBe(1); // one message, three tries
    expect(hits.every((h) => h.error === undefined)).toBe(true);
  });

  it('gives up after the last scheduled attempt and can be redelivered', async () => {
    receiver.plans.set('/alice/down', [503, 503, 503, 503, 200]);
    const id = await submit(alice, '/alice/down');
    await complete(id);
    const failed = await settledDelivery(alice, id, 'failed');
    expect(failed.attempts).toBe(4); // 1 + 3 scheduled retries
    expect(failed.last_status_code).toBe(503);
    const again = await call('POST', `/v1/webhook-deliveries/${failed.id}/redeliver`, alice.token);
    expect(again.status).toBe(202);
    const delivered = await settledDelivery(alice, id);
    expect(delivered).toMatchObject({ id: failed.id, attempts: 5, redeliveries: 1 });
    const hits = receiver.at('/alice/down');
    expect(hits).toHaveLength(5);
    expect(hits[4]!.headers['webhook-id']).toBe(hits[0]!.headers['webhook-id']);
    expect(hits[4]!.verified).toEqual(hits[0]!.verified);
  });

  it('never sends unsigned: without a secret the delivery is recorded failed, and goes out once one exists', async () => {
    const id = await submit(bob, '/bob/first');
    await complete(id);
    const failed = await settledDelivery(bob, id, 'failed');
    expect(failed.last_error).toContain('no webhook secret');
    expect(receiver.at('/bob/first')).toHaveLength(0);
    const created = await call('POST', '/v1/me/webhook-secret', bob.token);
    receiver.secrets.set('/bob', created.body.secret);
    expect((await call('POST', `/v1/webhook-deliveries/${failed.id}/redeliver`, bob.token)).status).toBe(202);
    await settledDelivery(bob, id);
    expect(receiver.at('/bob/first')[0]?.error).toBeUndefined();
  });

  it('keeps deliveries private: another user gets 404, anonymous 401; lists, filters and pages', async () => {
    const mine = (await call('GET', '/v1/webhook-deliveries?limit=2', alice.token)).body;
    expect(mine.data).toHaveLength(2);
    expect(mine.next_cursor).toEqual(expect.any(String));
    const page2 = (await call('GET', `/v1/webhook-deliveries?limit=2&cursor=${mine.next_cursor}`, alice.token)).body;
    expect(page2.data.map((d: { id: string }) => d.id)).not.toContain(mine.data[0].id);
    const aliceDelivery = mine.data[0].id as string;
    expect((await call('GET', `/v1/webhook-deliveries/${aliceDelivery}`, bob.token)).status).toBe(404);
    expect((await call('POST', `/v1/webhook-deliveries/${aliceDelivery}/redeliver`, bob.token)).status).toBe(404);
    expect((await call('GET', '/v1/webhook-deliveries', bob.token)).body.data.every((d: { url: string }) => d.url.includes('/bob/'))).toBe(true);
    expect((await call('GET', '/v1/webhook-deliveries')).status).toBe(401);
    expect((await call('GET', '/v1/webhook-deliveries/not-a-uuid', alice.token)).status).toBe(404);
    expect((await call('GET', '/v1/webhook-deliveries?limit=0', alice.token)).status).toBe(400);
    expect((await call('GET', '/v1/webhook-deliveries?cursor=bogus', alice.token)).status).toBe(400);
    expect((await call('GET', '/v1/webhook-deliveries?status=delivered&job_id=00000000-0000-4000-8000-000000000000', alice.token)).body.data).toEqual([]);
  });

  it('refuses private and metadata targets (and loopback where it is not allowed), checking the address it connects to', async () => {
    // Accepted at submission (a valid URL; DNS can change until it is called), refused when it is called.
    const res = await call('POST', '/v1/generations', alice.token, { prompt: 'metadata please', provider: 'local', callback_url: 'http://169.254.169.254/latest/meta-data' });
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    await complete(id);
    const refused = await settledDelivery(alice, id, 'failed');
    expect(refused.attempts).toBe(1); // a policy refusal is not retried
    expect(refused.last_error).toContain('not a public address');
    // Loopback by name, without the development exception: refused in the socket's own DNS lookup, nothing sent.
    const before = receiver.received.length;
    const byName = receiver.base.replace('127.0.0.1', 'localhost');
    await expect(safePost(`${byName}/alice/x`, '{}', { headers: {}, timeoutMs: 2000 })).rejects.toMatchObject({ code: 'address' });
    await expect(safePost('http://10.1.2.3/hook', '{}', { headers: {}, timeoutMs: 2000 })).rejects.toBeInstanceOf(SafeFetchError);
    await expect(safePost('http://[::1]:9/hook', '{}', { headers: {}, timeoutMs: 2000 })).rejects.toMatchObject({ code: 'address' });
    expect(receiver.received.length).toBe(before);
  });

  it('does not lose a delivery when the sender is killed in the middle of it', async () => {
    await sender!.close();
    sender = undefined;
    const spawnSender = (): ChildProcess =>
      spawn(process.execPath, [join(process.cwd(), 'apps/webhook-sender/dist/main.js')], { env: { ...process.env, ...env, HEALTH_PORT: '0', LOG_LEVEL: 'silent' }, stdio: 'ignore' });
    receiver.plans.set('/alice/crash', ['hang', 200]);
    const first = spawnSender();
    try {
      const id = await submit(alice, '/alice/crash');
      await complete(id);
      await waitFor(async () => receiver.at('/alice/crash').length === 1, 'the first attempt to reach the receiver', 30_000);
      first.kill('SIGKILL'); // mid-delivery: the request is open, nothing recorded yet
      await once(first, 'exit');
      expect((await deliveriesOf(alice, id))[0]).toMatchObject({ status: 'pending', attempts: 0 });
      const second = spawnSender();
      try {
        // The dead sender's lock expires (JOB_LOCK_MS 5 s) and the new one takes the delivery again.
        const delivery = await settledDelivery(alice, id);
        expect(delivery.attempts).toBe(1);
        const hits = receiver.at('/alice/crash');
        expect(hits).toHaveLength(2);
        expect(hits[1]!.headers['webhook-id']).toBe(hits[0]!.headers['webhook-id']);
      } finally {
        second.kill('SIGTERM');
        await once(second, 'exit');
      }
    } finally {
      if (first.exitCode === null && first.signalCode === null) first.kill('SIGKILL');
    }
  }, 60_000);

  it('is in the OpenAPI document', async () => {
    const doc = await (await fetch(`${base}/openapi.json`)).json();
    for (const p of ['/v1/me/webhook-secret', '/v1/webhook-deliveries', '/v1/webhook-deliveries/{id}', '/v1/webhook-deliveries/{id}/redeliver']) expect(Object.keys(doc.paths)).toContain(p);
  });
});

// Operations proof: the queue dashboard behind the API's auth, a job's metrics on the worker, and one
// W3C trace from the HTTP request through the outbox and queue into the worker.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { pino } from 'pino';
import { loadConfig, initTracing, type WorkerService } from '@muse/platform';
import { StorageService } from '@muse/storage';
import { GenerationWorkerConfig, startGenerationWorker } from '../../generation-worker/src/bootstrap.js';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { GatewayConfig } from '../src/config.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';

// Registered before any service starts, so every span of this process lands here.
const spans = new InMemorySpanExporter();
initTracing(pino({ level: 'silent' }), { exporter: spans });

/** Sum of the samples of one series whose labels include these (Prometheus text format). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[3]);
  }
  return total;
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

describe('operations: dashboard, metrics, tracing', () => {
  let t: TestDatabase;
  let gateway: Gateway;
  let worker: WorkerService;
  let base: string;
  let workerBase: string;
  let admin: { token: string; id: string };
  let user: { token: string; id: string };

  const signup = async (email: string) => {
    const res = await fetch(`${base}/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'correct horse battery' }) });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { access_token: string; user: { id: string } };
    return { token: body.access_token, id: body.user.id };
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    const env = serviceEnv(t.url, { OUTBOX_POLL_MS: '200', STALE_JOB_SECONDS: '3600' });
    const config = loadConfig(GatewayConfig, env);
    const storage = new StorageService({ endpoint: config.S3_ENDPOINT, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.ensureBuckets();
    storage.destroy();
    gateway = await createGateway(config);
    await gateway.app.listen(0, '127.0.0.1');
    base = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    worker = await startGenerationWorker(loadConfig(GenerationWorkerConfig, { ...env, HEALTH_PORT: '0' }), { listen: false });
    await worker.app.listen(0, '127.0.0.1');
    workerBase = (await worker.app.getUrl()).replace('[::1]', '127.0.0.1');
    admin = await signup('ops-admin@example.com');
    user = await signup('ops-user@example.com');
    await t.db.insertInto('user_roles').values({ user_id: admin.id, role: 'admin' }).execute();
  });
  afterAll(async () => {
    await worker?.close();
    await gateway?.close();
    await t?.drop();
  });

  describe('queue dashboard at /admin/queues', () => {
    it('refuses anonymous callers (401) and non-admins (403)', async () => {
      const anon = await fetch(`${base}/admin/queues`);
      expect(anon.status).toBe(401);
      expect(anon.headers.get('content-type')).toContain('application/problem+json');
      expect(anon.headers.get('www-authenticate')).toBe('Bearer');
      expect((await fetch(`${base}/admin/queues/api/queues`)).status).toBe(401);
      const forged = await fetch(`${base}/admin/queues`, { headers: { cookie: 'muse_admin_queues=eyJhbGciOiJIUzI1NiJ9.e30.x' } });
      expect(forged.status).toBe(401);
      const normal = await fetch(`${base}/admin/queues`, { headers: { authorization: `Bearer ${user.token}` } });
      expect(normal.status).toBe(403);
      expect(normal.headers.get('set-cookie')).toBeNull();
      expect((await fetch(`${base}/admin/queues/session`, { method: 'POST', headers: { authorization: `Bearer ${user.token}` } })).status).toBe(403);
      // An API access token is not a dashboard session, and a session cookie is not an API token.
      expect((await fetch(`${base}/admin/queues`, { headers: { cookie: `muse_admin_queues=${admin.token}` } })).status).toBe(401);
    });

    it('serves the board to an admin and hands the browser a scoped HttpOnly session cookie', async () => {
      const page = await fetch(`${base}/admin/queues`, { headers: { authorization: `Bearer ${admin.token}` } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      const html = await page.text();
      expect(html).toContain('<base href="/admin/queues/"');
      const cookie = page.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^muse_admin_queues=[\w-]+\.[\w-]+\.[\w-]+;/);
      expect(cookie).toContain('Path=/admin/queues');
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Strict');
      const session = cookie.split(';')[0]!;

      // What the browser does next: assets and API calls carry only the cookie.
      const api = await fetch(`${base}/admin/queues/api/queues`, { headers: { cookie: session } });
      expect(api.status).toBe(200);
      const queues = ((await api.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
      expect(queues).toEqual(['analytics', 'archiving', 'generation', 'stems', 'webhooks']);
      const asset = /src="(static\/js\/main[^"]+\.js)"/.exec(html)?.[1];
      expect(asset).toBeDefined();
      expect((await fetch(`${base}/admin/queues/${asset}`, { headers: { cookie: session } })).status).toBe(200);
      expect((await fetch(`${base}/admin/queues/${asset}`)).status).toBe(401);

      // A revoked role stops the session at once.
      await t.db.deleteFrom('user_roles').where('user_id', '=', admin.id).execute();
      expect((await fetch(`${base}/admin/queues/api/queues`, { headers: { cookie: session } })).status).toBe(403);
      await t.db.insertInto('user_roles').values({ user_id: admin.id, role: 'admin' }).execute();
    });

    it('serves a sign-in page without auth and refuses actions that would bypass the job rows', async () => {
      const login = await fetch(`${base}/admin/queues/login`);
      expect(login.status).toBe(200);
      expect(await login.text()).toContain('/v1/auth/token');
      const auth = { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' };
      const add = await fetch(`${base}/admin/queues/api/queues/generation/add`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'generation.run', data: {} }) });
      expect(add.status).toBe(403);
      const obliterate = await fetch(`${base}/admin/queues/api/queues/generation/obliterate`, { method: 'PUT', headers: auth });
      expect(obliterate.status).toBe(403);
    });
  });

  describe('a job from the HTTP request to the worker', () => {
    it('carries the W3C trace and correlation id through the outbox and queue, and moves the worker metrics', async () => {
      const metricsBefore = await fetch(`${workerBase}/metrics`).then((r) => r.text());
      expect(metricsBefore).toContain('process_cpu_seconds_total'); // Node process metrics
      const res = await fetch(`${base}/v1/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}`, traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01`, 'x-request-id': 'ops-trace-1' },
        body: JSON.stringify({ prompt: 'a short traced lofi loop', genre: 'lofi' }),
      });
      expect(res.status).toBe(202);
      const jobId = ((await res.json()) as { id: string }).id;

      const row = await t.db.selectFrom('jobs').select(['trace_parent', 'correlation_id']).where('id', '=', jobId).executeTakeFirstOrThrow();
      expect(row.correlation_id).toBe('ops-trace-1');
      expect(row.trace_parent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
      const outbox = await t.db.selectFrom('outbox').select('payload').where('queue_job_id', '=', jobId).executeTakeFirstOrThrow();
      expect(outbox.payload).toMatchObject({ jobId, correlationId: 'ops-trace-1', traceparent: row.trace_parent });

      await waitFor(async () => {
        const j = await t.db.selectFrom('jobs').select('status').where('id', '=', jobId).executeTakeFirst();
        return j?.status === 'completed';
      }, 'the job to complete', 60_000);

      // One trace: request SERVER span -> PRODUCER span (relay) -> CONSUMER span (worker).
      const finished = spans.getFinishedSpans().filter((s) => s.spanContext().traceId === TRACE_ID);
      const server = finished.find((s) => s.name === 'POST /v1/generations');
      const producer = finished.find((s) => s.name === 'publish generation.run');
      const consumer = finished.find((s) => s.name === 'process generation.run');
      expect(server?.parentSpanContext?.spanId).toBe(CALLER_SPAN);
      expect(row.trace_parent).toContain(server!.spanContext().spanId);
      expect(producer?.parentSpanContext?.spanId).toBe(server!.spanContext().spanId);
      expect(consumer?.parentSpanContext?.spanId).toBe(producer!.spanContext().spanId);
      expect(consumer?.attributes).toMatchObject({ 'messaging.system': 'bullmq', 'messaging.destination.name': 'generation', 'messaging.message.id': jobId });

      const metrics = await fetch(`${workerBase}/metrics`).then((r) => r.text());
      const job = { queue: 'generation', job_name: 'generation.run' };
      expect(sample(metrics, 'bullmq_jobs_completed_total', job) - sample(metricsBefore, 'bullmq_jobs_completed_total', job)).toBe(1);
      expect(sample(metrics, 'bullmq_job_wait_seconds_count', job) - sample(metricsBefore, 'bullmq_job_wait_seconds_count', job)).toBe(1);
      expect(sample(metrics, 'bullmq_job_duration_seconds_count', { ...job, outcome: 'completed' }) - sample(metricsBefore, 'bullmq_job_duration_seconds_count', { ...job, outcome: 'completed' })).toBe(1);
      expect(sample(metrics, 'bullmq_job_duration_seconds_sum', { ...job, outcome: 'completed' })).toBeGreaterThan(0);
      // No ids in labels: every label value is from a small fixed set.
      expect(metrics).not.toContain(jobId);
      expect(metrics).not.toContain(user.id);

      const gatewayMetrics = await fetch(`${base}/metrics`).then((r) => r.text());
      expect(sample(gatewayMetrics, 'bullmq_queue_jobs', { queue: 'generation', state: 'completed' })).toBeGreaterThanOrEqual(1);
      expect(sample(gatewayMetrics, 'outbox_pending_messages', {})).toBe(0);
      expect(sample(gatewayMetrics, 'http_request_duration_seconds_count', { method: 'POST', route: '/v1/generations', status_code: '202' })).toBeGreaterThanOrEqual(1);
      expect(gatewayMetrics).not.toContain(jobId);
    });
  });
});

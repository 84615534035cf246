import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { AccountsRepository, CallbackLogsRepository, JobsRepository, UsersRepository, type Job } from '@muse/db';
import { loadConfig } from '@muse/platform';
import { callbackUrl, FalClient, ReplicateClient, signStandardWebhook } from '@muse/providers';
import { StorageService } from '@muse/storage';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { GatewayConfig } from '../src/config.js';
import type { GatewayConfig as GatewayConfigType } from '../src/config.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';
import { startProviderSimulator, type ProviderSimulator } from '../../../test/simulators/provider-simulator.js';

/** Replicate-style signed webhooks: URL token + Standard Webhooks signature, dedup by webhook-id, replays refused. */
describe('POST /v1/webhooks/replicate', () => {
  let t: TestDatabase;
  let sim: ProviderSimulator;
  let gateway: Gateway;
  let base: string;
  let job: Job;
  let userId: string;
  let config: GatewayConfigType;
  const SECRET = 'provider-callback-secret-for-tests-0123456789';
  const logs = new CallbackLogsRepository();

  beforeAll(async () => {
    t = await createTestDatabase();
    sim = await startProviderSimulator({ stepMs: 80 });
    config = loadConfig(GatewayConfig, serviceEnv(t.url, { OUTBOX_POLL_MS: '60000', STALE_JOB_SECONDS: '3600', PROVIDER_CALLBACK_SECRET: SECRET, REPLICATE_API_TOKEN: sim.apiKey, REPLICATE_WEBHOOK_SECRET: sim.replicateWebhookSecret, FAL_WEBHOOK_JWKS_URL: `${sim.url}/.well-known/jwks.json` }));
    const storage = new StorageService({ endpoint: config.S3_ENDPOINT, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.ensureBuckets();
    storage.destroy();
    gateway = await createGateway(config);
    await gateway.app.listen(0, '127.0.0.1');
    base = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    const user = (await new UsersRepository().create(t.db, { email: 'hooks@example.com', passwordHash: 'x' }))!;
    userId = user.id;
    await new AccountsRepository().setPlan(t.db, user.id, 'pro'); // stems is a pro feature (0030)
    job = await new JobsRepository().insert(t.db, { user_id: user.id, kind: 'stems', queue_name: 'stems', job_name: 'stems.separate', provider: 'replicate', payload: '{}' });
  });
  afterAll(async () => {
    await gateway.close();
    await sim.close();
    await t.drop();
  });

  const post = (headers: Record<string, string>, body: string, token = true) =>
    fetch(token ? callbackUrl(base, SECRET, 'replicate', job.id) : `${base}/v1/webhooks/replicate?job=${job.id}&token=${'a'.repeat(43)}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('accepts the provider’s signed deliveries once each, and refuses replays, forgeries and stale signatures', async () => {
    const client = new ReplicateClient({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 2000 });
    const prediction = await client.create({ model: 'cjwbw/demucs', input: { audio: 'https://example.com/a.mp3' }, webhook: callbackUrl(base, SECRET, 'replicate', job.id), webhookEventsFilter: ['start', 'completed'] });
    await t.db.updateTable('jobs').set({ provider_task_id: prediction.id, status: 'processing' }).where('id', '=', job.id).execute();
    await waitFor(async () => sim.callbacksSent.filter((c) => c.taskId === prediction.id).length >= 2, 'both deliveries');
    expect(sim.callbacksSent.filter((c) => c.taskId === prediction.id).map((c) => c.status)).toEqual([200, 200]);

    // A replay of a real delivery (same webhook-id, within the tolerance) is a duplicate: logged, no effect.
    expect(await sim.replayLastWebhook()).toBe(200);

    const body = JSON.stringify({ id: prediction.id, status: 'succeeded', output: { vocals: 'http://169.254.169.254/x' } });
    const now = Math.floor(Date.now() / 1000);
    // Forged: signed with another key.
    const forged = await post({ 'webhook-id': 'msg_forged', 'webhook-timestamp': String(now), 'webhook-signature': signStandardWebhook(`whsec_${Buffer.from('attacker').toString('base64')}`, 'msg_forged', now, body) }, body);
    expect(forged.status).toBe(401);
    // Replayed long after: a valid signature, but outside the 5-minute tolerance.
    const stale = now - 600;
    const old = await post({ 'webhook-id': 'msg_old', 'webhook-timestamp': String(stale), 'webhook-signature': signStandardWebhook(sim.replicateWebhookSecret, 'msg_old', stale, body) }, body);
    expect(old.status).toBe(401);
    // Body changed after signing.
    const sig = signStandardWebhook(sim.replicateWebhookSecret, 'msg_t', now, body);
    expect((await post({ 'webhook-id': 'msg_t', 'webhook-timestamp': String(now), 'webhook-signature': sig }, body.replace('succeeded', 'failed'))).status).toBe(401);
    // Right signature, wrong URL token.
    expect((await post({ 'webhook-id': 'msg_t', 'webhook-timestamp': String(now), 'webhook-signature': sig }, body, false)).status).toBe(401);
    // Signed by the provider key but naming another prediction: refused.
    const other = JSON.stringify({ id: 'someone-elses', status: 'succeeded' });
    expect((await post({ 'webhook-id': 'msg_o', 'webhook-timestamp': String(now), 'webhook-signature': signStandardWebhook(sim.replicateWebhookSecret, 'msg_o', now, other) }, other)).status).toBe(409);

    const rows = await logs.listForJob(t.db, job.id);
    const accepted = rows.filter((r) => r.dedup_key !== null);
    expect(accepted.map((r) => r.callback_type)).toEqual(['starting', 'succeeded']);
    expect(accepted.every((r) => r.dedup_key!.startsWith('replicate:msg_'))).toBe(true);
    expect(rows.filter((r) => r.callback_type === 'duplicate:succeeded')).toHaveLength(1);
    expect(rows.filter((r) => r.callback_type === 'rejected').map((r) => r.error_message)).toEqual([
      'signature: no matching signature',
      expect.stringMatching(/^signature: webhook-timestamp outside/),
      'signature: no matching signature',
      'invalid callback token',
      expect.stringMatching(/is not this job's task/),
    ]);

    // Each accepted delivery was handed to the job's own worker as its kind's continuation (not only generation's).
    const queue = new Queue('stems', { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
    try {
      const queued = (await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed'])).filter((q) => q.data?.jobId === job.id);
      expect(queued.map((q) => [q.name, q.data.source]).sort()).toEqual([['stems.provider-update', 'callback'], ['stems.provider-update', 'callback']]);
      expect(queued.every((q) => q.data.userId === userId && typeof q.data.callbackLogId === 'string')).toBe(true);
    } finally {
      await queue.close();
    }
  });

  it('fal deliveries for a description job: URL token and ED25519 signature checked, queued as description.provider-update; unsigned or foreign ones refused', async () => {
    const described = await new JobsRepository().insert(t.db, { user_id: userId, kind: 'description', queue_name: 'stems', job_name: 'description.run', provider: 'fal', payload: '{}' });
    const url = callbackUrl(base, SECRET, 'fal', described.id);
    const fal = new FalClient({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 2000 });
    const requestId = await fal.submit('fal-ai/sim-describer', { audio_url: 'https://example.com/a.mp3' }, url);
    await t.db.updateTable('jobs').set({ provider_task_id: requestId, status: 'processing' }).where('id', '=', described.id).execute();
    await waitFor(async () => sim.callbacksSent.some((c) => c.taskId === requestId), 'the signed fal delivery');
    expect(sim.callbacksSent.filter((c) => c.taskId === requestId).map((c) => c.status)).toEqual([200]);
    expect(await sim.replayLastFalWebhook()).toBe(200); // the same delivery again: a duplicate

    const send = (body: unknown, target = url) => fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await send({ request_id: requestId, status: 'OK', payload: { description: 'forged' } })).status).toBe(401); // token right, no signature
    expect((await send({ request_id: requestId, status: 'OK' }, `${base}/v1/webhooks/fal?job=${described.id}&token=${'b'.repeat(43)}`)).status).toBe(401);
    const rows = await logs.listForJob(t.db, described.id);
    expect(rows.filter((r) => r.dedup_key !== null).map((r) => r.callback_type)).toEqual(['OK']);
    expect(rows.filter((r) => r.callback_type === 'duplicate:OK')).toHaveLength(1);
    expect(rows.filter((r) => r.callback_type === 'rejected').map((r) => r.error_message)).toEqual([expect.stringMatching(/^signature: missing x-fal-webhook/), 'invalid callback token']);
    const queue = new Queue('stems', { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
    try {
      const queued = (await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed'])).filter((q) => q.data?.jobId === described.id);
      expect(queued.map((q) => q.name)).toEqual(['description.provider-update']);
    } finally {
      await queue.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CallbackLogsRepository, JobsRepository, UsersRepository, type Job } from '@muse/db';
import { loadConfig } from '@muse/platform';
import { callbackUrl, ReplicateClient, signStandardWebhook } from '@muse/providers';
import { StorageService } from '@muse/storage';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { GatewayConfig } from '../src/config.js';
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
  const SECRET = 'provider-callback-secret-for-tests-0123456789';
  const logs = new CallbackLogsRepository();

  beforeAll(async () => {
    t = await createTestDatabase();
    sim = await startProviderSimulator({ stepMs: 80 });
    const config = loadConfig(GatewayConfig, serviceEnv(t.url, { OUTBOX_POLL_MS: '60000', STALE_JOB_SECONDS: '3600', PROVIDER_CALLBACK_SECRET: SECRET, REPLICATE_API_TOKEN: sim.apiKey, REPLICATE_WEBHOOK_SECRET: sim.replicateWebhookSecret }));
    const storage = new StorageService({ endpoint: config.S3_ENDPOINT, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.ensureBuckets();
    storage.destroy();
    gateway = await createGateway(config);
    await gateway.app.listen(0, '127.0.0.1');
    base = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    const user = (await new UsersRepository().create(t.db, { email: 'hooks@example.com', passwordHash: 'x' }))!;
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
  });
});

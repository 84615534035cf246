import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { loadConfig } from '@muse/platform';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { GatewayConfig } from '../src/config.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';

describe('cancelling and retrying jobs', () => {
  let t: TestDatabase;
  let gateway: Gateway;
  let base: string;
  let queue: Queue;
  let alice: string;
  let bob: string;

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
  };
  const signup = async (email: string) => {
    const res = await fetch(`${base}/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'a long password' }) });
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const submit = async () => (await call('POST', '/v1/generations', alice, { prompt: 'a song to cancel' })).body;

  beforeAll(async () => {
    t = await createTestDatabase();
    const config = loadConfig(GatewayConfig, serviceEnv(t.url));
    gateway = await createGateway(config);
    await gateway.app.listen(0, '127.0.0.1');
    base = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    queue = new Queue('generation', { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
    alice = await signup('alice@example.com');
    bob = await signup('bob@example.com');
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await gateway.close();
    await t.drop();
  });

  it('cancels a pending job, settles its track and takes it off the queue; a second cancel changes nothing', async () => {
    const job = await submit();
    await waitFor(async () => (await queue.getJob(job.id)) !== undefined, 'the job to be queued');
    expect((await call('POST', `/v1/jobs/${job.id}/cancel`, bob)).status).toBe(404);
    const res = await call('POST', `/v1/jobs/${job.id}/cancel`, alice);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: job.id, status: 'cancelled', completed_at: expect.any(String) });
    expect(await queue.getJob(job.id)).toBeUndefined();
    const track = await call('GET', `/v1/tracks/${job.resource.id}`, alice);
    expect(track.body).toMatchObject({ status: 'failed', error_message: 'cancelled by the user' });
    const again = await call('POST', `/v1/jobs/${job.id}/cancel`, alice);
    expect(again.body).toMatchObject({ status: 'cancelled', updated_at: res.body.updated_at });
  });

  it('retries only failed jobs with attempts left, under a fresh queue job id', async () => {
    const job = await submit();
    expect((await call('POST', `/v1/jobs/${job.id}/retry`, alice)).status).toBe(409); // still pending
    await t.db.updateTable('jobs').set({ status: 'failed', attempts: 1, error: JSON.stringify({ code: 'provider-rejected', message: 'x' }) }).where('id', '=', job.id).execute();
    expect((await call('POST', `/v1/jobs/${job.id}/retry`, bob)).status).toBe(404);
    const res = await call('POST', `/v1/jobs/${job.id}/retry`, alice);
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/v1/jobs/${job.id}`);
    expect(res.body).toMatchObject({ status: 'pending', progress: 0, error: null, attempts: 1 });
    await waitFor(async () => (await queue.getJob(`${job.id}-retry-1`)) !== undefined, 'the retry to be queued');
    expect((await call('GET', `/v1/tracks/${job.resource.id}`, alice)).body.status).toBe('pending');

    await t.db.updateTable('jobs').set({ status: 'failed', attempts: 3 }).where('id', '=', job.id).execute();
    const exhausted = await call('POST', `/v1/jobs/${job.id}/retry`, alice);
    expect(exhausted.status).toBe(409);
    expect(exhausted.body.detail).toMatch(/3 of its attempts/);
  });
});

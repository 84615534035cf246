import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AccountsRepository, CreditsRepository, TracksRepository } from '@muse/db';
import { loadConfig } from '@muse/platform';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { GatewayConfig } from '../src/config.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv } from '../../../test/support/env.js';

/** Submission mechanics of the audio jobs (the stems worker's tests cover them end to end). */
describe('audio job submission', () => {
  let t: TestDatabase;
  let gateway: Gateway;
  let base: string;
  let user: { token: string; id: string };
  let trackId: string;

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}`, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, headers: res.headers, body: await res.json().catch(() => null) };
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    gateway = await createGateway(loadConfig(GatewayConfig, serviceEnv(t.url, { OUTBOX_POLL_MS: '60000' })));
    await gateway.app.listen(0, '127.0.0.1');
    base = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    const res = await fetch(`${base}/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'sub@example.com', password: 'correct horse battery' }) });
    const body = (await res.json()) as { access_token: string; user: { id: string } };
    user = { token: body.access_token, id: body.user.id };
    await new AccountsRepository().setPlan(t.db, user.id, 'pro'); // stems is a pro feature (0030)
    await new CreditsRepository().adjust(t.db, user.id, 100, 'test setup');
    const tracks = new TracksRepository();
    const track = await tracks.insert(t.db, { user_id: user.id, prompt: 'x', title: 'T' });
    await tracks.saveGeneration(t.db, track.id, [{ variantIndex: 0, audioUrl: 'http://s3.test/tracks/a.mp3', coverUrl: 'http://s3.test/c.jpg', durationSeconds: 5, lyrics: null, metadata: {} }], { hasVocals: false, modelName: 'm', title: 'T' });
    trackId = track.id;
  });
  afterAll(async () => {
    await gateway.close();
    await t.drop();
  });

  it.each([
    ['stems', () => `/v1/tracks/${trackId}/stems`, {}],
    ['classification', () => `/v1/tracks/${trackId}/classifications`, { classifier_type: 'genre' }],
    ['description', () => '/v1/descriptions', null],
  ])('%s: an Idempotency-Key replays the same job; the same key with another body is refused', async (kind, path, body) => {
    const payload = body ?? { track_id: trackId };
    const first = await call('POST', path(), payload, { 'idempotency-key': `k-${kind}` });
    expect(first.status).toBe(202);
    expect(first.body.kind).toBe(kind);
    expect(first.headers.get('location')).toBe(`/v1/jobs/${first.body.id}`);
    const again = await call('POST', path(), payload, { 'idempotency-key': `k-${kind}` });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await call('POST', path(), kind === 'description' ? { track_id: trackId, provider: 'local' } : { ...payload, version_id: crypto.randomUUID() }, { 'idempotency-key': `k-${kind}` });
    expect(other.status).toBe(422);
    const jobs = await t.db.selectFrom('jobs').selectAll().where('kind', '=', kind).execute();
    expect(jobs.map((j) => j.id)).toEqual([first.body.id]);
    expect(jobs[0]!.queue_name).toBe('stems');
  });

  it('documents the endpoints in the OpenAPI document', async () => {
    const res = await fetch(`${base}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    for (const p of ['/v1/tracks/{id}/stems', '/v1/tracks/{id}/classifications', '/v1/descriptions', '/v1/recognitions']) expect(Object.keys(doc.paths)).toContain(p);
  });
});

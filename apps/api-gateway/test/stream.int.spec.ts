import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@muse/platform';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { GatewayConfig } from '../src/config.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';
import { openStream } from './sse-client.js';

describe('GET /v1/stream', () => {
  let t: TestDatabase;
  let gateway: Gateway;
  let base: string;
  let alice: string;
  let bob: string;

  const post = async (path: string, token: string, body?: unknown) =>
    (await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) }).then((r) => r.json())) as Record<string, any>;
  const signup = async (email: string) =>
    ((await fetch(`${base}/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'a long password' }) }).then((r) => r.json())) as { access_token: string }).access_token;

  beforeAll(async () => {
    t = await createTestDatabase();
    gateway = await createGateway(loadConfig(GatewayConfig, serviceEnv(t.url)));
    await gateway.app.listen(0, '127.0.0.1');
    base = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    alice = await signup('alice@example.com');
    bob = await signup('bob@example.com');
  });
  afterAll(async () => {
    await gateway.close();
    await t.drop();
  });

  it("delivers the caller's job changes in order, none of anyone else's, and resumes after Last-Event-ID", async () => {
    const aliceStream = openStream(`${base}/v1/stream`, alice);
    const bobStream = openStream(`${base}/v1/stream`, bob);
    expect(await aliceStream.ready).toEqual({ status: 200, type: 'text/event-stream; charset=utf-8' });
    await bobStream.ready;

    const first = await post('/v1/generations', alice, { prompt: 'streamed song' });
    await post(`/v1/jobs/${first.id}/cancel`, alice);
    const seen = await waitFor(async () => aliceStream.events.find((e) => JSON.parse(e.data!).id === first.id), 'the cancel event');
    expect(seen.event).toBe('job');
    expect(JSON.parse(seen.data!)).toMatchObject({ id: first.id, status: 'cancelled', kind: 'generation' });
    expect(bobStream.events).toEqual([]);
    aliceStream.close();

    // While Alice is away, another of her jobs changes; reconnecting with the last id replays it.
    const second = await post('/v1/generations', alice, { prompt: 'missed song' });
    await post(`/v1/jobs/${second.id}/cancel`, alice);
    const resumed = openStream(`${base}/v1/stream`, alice, seen.id);
    await resumed.ready;
    const replayed = await waitFor(async () => resumed.events.find((e) => JSON.parse(e.data!).id === second.id), 'the missed event');
    expect(JSON.parse(replayed.data!).status).toBe('cancelled');
    expect(resumed.events.some((e) => e.id === seen.id)).toBe(false);
    resumed.close();
    bobStream.close();
  });

  it('refuses a malformed Last-Event-ID and an anonymous caller', async () => {
    const bad = await fetch(`${base}/v1/stream`, { headers: { authorization: `Bearer ${alice}`, 'last-event-id': 'yesterday' } });
    expect(bad.status).toBe(400);
    expect((await fetch(`${base}/v1/stream`)).status).toBe(401);
  });
});

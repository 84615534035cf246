import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NotificationsRepository } from '@muse/db';
import { NotificationStreamPublisher } from '../src/social/notification-stream.publisher.js';
import { waitFor } from '../../../test/support/env.js';
import { AccountsHarness } from './accounts-harness.js';
import { openStream } from './sse-client.js';


/** /v1/notifications and `event: notification` on /v1/stream. Notifications are written as the workers write them. */
describe('notifications', () => {
  const h = new AccountsHarness();
  const { call } = h;
  const repo = new NotificationsRepository();
  // The workers' connection (no user identity), as in their completion transactions.
  const notify = (userId: string, title: string, type: 'info' | 'success' | 'error' = 'success') => repo.create(h.t.db, { userId, type, title, message: `${title}!`, link: '/tracks/x' });

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it('lists newest first with cursor pagination and the unread filter; read, read-all and delete are the owner\'s only', async () => {
    const alice = await h.signup();
    const bob = await h.signup();
    for (let i = 0; i < 5; i++) await notify(alice.id, `n${i}`);
    await notify(bob.id, 'bob only');

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { data: Array<{ id: string; title: string }>; next_cursor: string | null; unread_count: number } } = await call('GET', `/v1/notifications?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: alice.token });
      expect(res.status).toBe(200);
      expect(res.body.unread_count).toBe(5);
      seen.push(...res.body.data.map((n) => n.title));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['n4', 'n3', 'n2', 'n1', 'n0']);
    const first = (await call('GET', '/v1/notifications?limit=1', { token: alice.token })).body.data[0];
    expect(Object.keys(first).sort()).toEqual(['created_at', 'id', 'link', 'message', 'read', 'title', 'type', 'updated_at']);

    // Validation: nothing changes.
    for (const q of ['limit=0', 'limit=101', 'unread=yes', 'cursor=bogus', 'sort=asc']) expect((await call('GET', `/v1/notifications?${q}`, { token: alice.token })).status).toBe(400);
    for (const body of [{}, { read: 'yes' }, { read: true, title: 'x' }]) {
      const res = await call('PATCH', `/v1/notifications/${first.id}`, { token: alice.token, body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await call('GET', '/v1/notifications/unread-count', { token: alice.token })).body).toEqual({ unread_count: 5 });

    // Another user's notification is 404, and stays unread; anonymous is 401.
    expect((await call('PATCH', `/v1/notifications/${first.id}`, { token: bob.token, body: { read: true } })).status).toBe(404);
    expect((await call('DELETE', `/v1/notifications/${first.id}`, { token: bob.token })).status).toBe(404);
    expect((await call('GET', '/v1/notifications')).status).toBe(401);
    expect((await call('POST', '/v1/notifications/read-all')).status).toBe(401);
    expect((await call('PATCH', '/v1/notifications/not-a-uuid', { token: alice.token, body: { read: true } })).status).toBe(404);
    expect((await call('GET', '/v1/notifications/unread-count', { token: alice.token })).body.unread_count).toBe(5);

    const read = await call('PATCH', `/v1/notifications/${first.id}`, { token: alice.token, body: { read: true } });
    expect(read.body).toMatchObject({ id: first.id, read: true });
    expect((await call('GET', '/v1/notifications?unread=true', { token: alice.token })).body.data.map((n: { title: string }) => n.title)).toEqual(['n3', 'n2', 'n1', 'n0']);
    expect((await call('GET', '/v1/notifications?unread=false', { token: alice.token })).body.data.map((n: { title: string }) => n.title)).toEqual(['n4']);

    // Bob's read-all touches only bob's.
    expect((await call('POST', '/v1/notifications/read-all', { token: bob.token })).body).toEqual({ updated: 1, unread_count: 0 });
    expect((await call('GET', '/v1/notifications/unread-count', { token: alice.token })).body.unread_count).toBe(4);
    expect((await call('POST', '/v1/notifications/read-all', { token: alice.token })).body).toEqual({ updated: 4, unread_count: 0 });
    expect((await call('POST', '/v1/notifications/read-all', { token: alice.token })).body).toEqual({ updated: 0, unread_count: 0 });
    expect((await call('PATCH', `/v1/notifications/${first.id}`, { token: alice.token, body: { read: false } })).body.read).toBe(false);

    expect((await call('DELETE', `/v1/notifications/${first.id}`, { token: alice.token })).status).toBe(204);
    expect((await call('DELETE', `/v1/notifications/${first.id}`, { token: alice.token })).status).toBe(404);
    expect((await call('GET', '/v1/notifications', { token: alice.token })).body.data).toHaveLength(4);
  });

  it('announces every new notification once on the owner\'s stream as event: notification, resumable with Last-Event-ID', async () => {
    const alice = await h.signup();
    const bob = await h.signup();
    const publisher = h.gateway.app.get(NotificationStreamPublisher);
    await publisher.drain(); // earlier tests' rows are announced already or now

    const aliceStream = openStream(`${h.base}/v1/stream`, alice.token);
    const bobStream = openStream(`${h.base}/v1/stream`, bob.token);
    expect((await aliceStream.ready).status).toBe(200);
    expect((await bobStream.ready).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200)); // subscribed

    // Written in a transaction that rolls back: never announced.
    await h.t.db.transaction().execute(async (trx) => {
      await repo.create(trx, { userId: alice.id, type: 'info', title: 'never', message: 'x' });
      throw new Error('rollback');
    }).catch(() => undefined);

    await notify(alice.id, 'song ready');
    await notify(alice.id, 'second');
    const got = await waitFor(() => Promise.resolve(aliceStream.events.filter((e) => e.event === 'notification').length >= 2 ? aliceStream.events : undefined), 'notification events', 10_000);
    const notes = got.filter((e) => e.event === 'notification').map((e) => JSON.parse(e.data!));
    expect(notes.map((n) => n.title)).toEqual(['song ready', 'second']);
    expect(notes[0]).toMatchObject({ type: 'success', message: 'song ready!', link: '/tracks/x', read: false });
    expect(Object.keys(notes[0]).sort()).toEqual(['created_at', 'id', 'link', 'message', 'read', 'title', 'type', 'updated_at']);
    expect(bobStream.events.filter((e) => e.event === 'notification')).toEqual([]);

    // Every row is stamped: a further round announces nothing (no duplicates in normal operation).
    expect(await publisher.drain()).toBe(0);
    const unstreamed = await h.t.db.selectFrom('notifications').select('id').where('streamed_at', 'is', null).execute();
    expect(unstreamed).toEqual([]);
    await new Promise((r) => setTimeout(r, 400));
    expect(aliceStream.events.filter((e) => e.event === 'notification')).toHaveLength(2);

    // Resume after the first notification: the rest are replayed.
    const firstId = got.find((e) => e.event === 'notification')!.id!;
    const resumed = openStream(`${h.base}/v1/stream`, alice.token, firstId);
    await resumed.ready;
    await waitFor(() => Promise.resolve(resumed.events.length >= 1), 'replayed notifications', 10_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(resumed.events.map((e) => [e.event, JSON.parse(e.data!).title])).toEqual([['notification', 'second']]);

    aliceStream.close();
    bobStream.close();
    resumed.close();
  });

  it('keeps a notification written while Redis cannot take it, and announces it once Redis is back', async () => {
    const alice = await h.signup();
    const publisher = h.gateway.app.get(NotificationStreamPublisher);
    await publisher.drain();
    const stream = openStream(`${h.base}/v1/stream`, alice.token);
    await stream.ready;
    await new Promise((r) => setTimeout(r, 200));

    // Redis "down" for the publisher: its connection reports not ready, so rounds fail and rows wait.
    const redis = (publisher as unknown as { redis: { status: string } }).redis;
    const status = redis.status;
    redis.status = 'reconnecting';
    try {
      await notify(alice.id, 'while down');
      await expect(publisher.drain()).rejects.toThrow(/redis is not connected/);
      await new Promise((r) => setTimeout(r, 400));
      const row = await h.t.db.selectFrom('notifications').select('streamed_at').where('user_id', '=', alice.id).executeTakeFirstOrThrow();
      expect(row.streamed_at).toBeNull();
      expect(stream.events.filter((e) => e.event === 'notification')).toEqual([]);
    } finally {
      redis.status = status;
    }
    await waitFor(() => Promise.resolve(stream.events.some((e) => e.event === 'notification')), 'the delayed notification', 10_000);
    expect(stream.events.filter((e) => e.event === 'notification').map((e) => JSON.parse(e.data!).title)).toEqual(['while down']);
    stream.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { nonSnakeCaseKeys } from '@muse/contracts';
import type { Database } from '@muse/db';
import { loadConfig } from '@muse/platform';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { GatewayConfig } from '../src/config.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv } from '../../../test/support/env.js';

interface User {
  token: string;
  id: string;
}

/** Albums (music_projects) and their track order, through HTTP as the caller under RLS. */
describe('music projects API', () => {
  let t: TestDatabase;
  let db: Database;
  let gateway: Gateway;
  let base: string;
  let alice: User;
  let bob: User;
  const bodies: unknown[] = [];

  const call = async (method: string, path: string, user?: User, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(user ? { authorization: `Bearer ${user.token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : null;
    if (parsed !== null) bodies.push(parsed);
    return { status: res.status, body: parsed, type: res.headers.get('content-type') ?? '' };
  };
  const signup = async (email: string): Promise<User> => {
    const res = await call('POST', '/v1/auth/signup', undefined, { email, password: 'correct horse battery' });
    return { token: res.body.access_token, id: res.body.user.id };
  };
  const track = async (owner: User, isPublic = false) =>
    (await db.insertInto('tracks').values({ user_id: owner.id, prompt: 'p', title: 'T', status: 'completed', is_public: isPublic }).returning('id').executeTakeFirstOrThrow()).id;
  /** The album's rows straight from the table: positions must be exactly 0..n-1. */
  const positions = async (projectId: string) => {
    const rows = await db.selectFrom('project_tracks').select(['track_id', 'position']).where('project_id', '=', projectId).orderBy('position').execute();
    expect(rows.map((r) => r.position)).toEqual(rows.map((_, i) => i));
    return rows.map((r) => r.track_id);
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
    gateway = await createGateway(loadConfig(GatewayConfig, serviceEnv(t.url, { OUTBOX_POLL_MS: '60000' })));
    await gateway.app.listen(0, '127.0.0.1');
    base = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    alice = await signup('alice@example.com');
    bob = await signup('bob@example.com');
  });
  afterAll(async () => {
    await gateway?.close();
    await t?.drop();
  });

  it('creates, reads, lists, updates and deletes albums; others get 404, anonymous 401; bad input changes nothing', async () => {
    const created = await call('POST', '/v1/music-projects', alice, { name: 'First LP', genre: 'Jazz', is_public: false, metadata: { label: 'home' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'First LP', genre: 'Jazz', status: 'planning', user_id: alice.id });
    const id = created.body.id as string;
    const pub = (await call('POST', '/v1/music-projects', alice, { name: 'Public EP', is_public: true })).body.id as string;

    expect((await call('GET', `/v1/music-projects/${id}`, alice)).body).toMatchObject({ id, tracks: [] });
    expect((await call('GET', `/v1/music-projects/${id}`, bob)).status).toBe(404);
    expect((await call('GET', `/v1/music-projects/${pub}`, bob)).status).toBe(200);
    expect((await call('GET', `/v1/music-projects/${id}`)).status).toBe(401);
    expect((await call('GET', '/v1/music-projects', alice)).body.data.map((p: { id: string }) => p.id)).toEqual([pub, id]);
    expect((await call('GET', '/v1/music-projects?public=true', bob)).body.data.map((p: { id: string }) => p.id)).toEqual([pub]);
    const paged = await call('GET', '/v1/music-projects?limit=1', alice);
    expect(paged.body.data.map((p: { id: string }) => p.id)).toEqual([pub]);
    expect((await call('GET', `/v1/music-projects?limit=1&cursor=${paged.body.next_cursor}`, alice)).body).toMatchObject({ data: [{ id }], next_cursor: null });

    const patched = await call('PATCH', `/v1/music-projects/${id}`, alice, { status: 'in_progress', metadata: { year: 2026 } });
    expect(patched.body).toMatchObject({ status: 'in_progress', metadata: { label: 'home', year: 2026 } });
    const before = await db.selectFrom('music_projects').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    for (const body of [{}, { name: '' }, { status: 'done' }, { user_id: bob.id }, { completed_tracks: 9 }]) expect((await call('PATCH', `/v1/music-projects/${id}`, alice, body)).status).toBe(400);
    expect((await call('PATCH', `/v1/music-projects/${pub}`, bob, { name: 'Mine' })).status).toBe(404);
    expect((await call('DELETE', `/v1/music-projects/${pub}`, bob)).status).toBe(404);
    expect(await db.selectFrom('music_projects').selectAll().where('id', '=', id).executeTakeFirstOrThrow()).toEqual(before);
    expect((await call('POST', '/v1/music-projects', alice, { name: 'x', extra: 1 })).status).toBe(400);

    expect((await call('DELETE', `/v1/music-projects/${pub}`, alice)).status).toBe(204);
    expect((await call('GET', `/v1/music-projects/${pub}`, alice)).status).toBe(404);
  });

  it('adds, moves, reorders and removes tracks with positions kept 0..n-1', async () => {
    const album = (await call('POST', '/v1/music-projects', alice, { name: 'Order' })).body.id as string;
    const [t1, t2, t3] = [await track(alice), await track(alice), await track(alice)];
    const bobsPublic = await track(bob, true);
    const bobsPrivate = await track(bob);

    expect((await call('POST', `/v1/music-projects/${album}/tracks`, alice, { track_id: t1 })).status).toBe(201);
    expect((await call('POST', `/v1/music-projects/${album}/tracks`, alice, { track_id: t2 })).status).toBe(201);
    const added = await call('POST', `/v1/music-projects/${album}/tracks`, alice, { track_id: t3, position: 0 });
    expect(added.body.data.map((x: { id: string; position: number }) => [x.id, x.position])).toEqual([[t3, 0], [t1, 1], [t2, 2]]);
    expect(await positions(album)).toEqual([t3, t1, t2]);

    expect((await call('POST', `/v1/music-projects/${album}/tracks`, alice, { track_id: bobsPublic, position: 99 })).status).toBe(201);
    expect((await call('POST', `/v1/music-projects/${album}/tracks`, alice, { track_id: bobsPrivate })).status).toBe(404);
    expect((await call('POST', `/v1/music-projects/${album}/tracks`, alice, { track_id: t1 })).status).toBe(409);
    expect((await call('POST', `/v1/music-projects/${album}/tracks`, bob, { track_id: bobsPublic })).status).toBe(404);
    expect((await call('POST', `/v1/music-projects/${album}/tracks`, alice, { track_id: 'x' })).status).toBe(400);
    expect(await positions(album)).toEqual([t3, t1, t2, bobsPublic]);

    expect((await call('PATCH', `/v1/music-projects/${album}/tracks/${bobsPublic}`, alice, { position: 1 })).status).toBe(200);
    expect(await positions(album)).toEqual([t3, bobsPublic, t1, t2]);
    expect((await call('PATCH', `/v1/music-projects/${album}/tracks/${t3}`, alice, { position: 50 })).status).toBe(200);
    expect(await positions(album)).toEqual([bobsPublic, t1, t2, t3]);
    expect((await call('PATCH', `/v1/music-projects/${album}/tracks/${t3}`, bob, { position: 0 })).status).toBe(404);
    expect((await call('PATCH', `/v1/music-projects/${album}/tracks/${bobsPrivate}`, alice, { position: 0 })).status).toBe(404);
    expect((await call('PATCH', `/v1/music-projects/${album}/tracks/${t3}`, alice, { position: -1 })).status).toBe(400);

    expect((await call('PUT', `/v1/music-projects/${album}/tracks`, alice, { track_ids: [t1, t2, t3] })).status).toBe(422);
    expect((await call('PUT', `/v1/music-projects/${album}/tracks`, alice, { track_ids: [t1, t1, t2, t3] })).status).toBe(400);
    expect((await call('PUT', `/v1/music-projects/${album}/tracks`, alice, { track_ids: [t1, t2, t3, bobsPrivate] })).status).toBe(422);
    expect(await positions(album)).toEqual([bobsPublic, t1, t2, t3]);
    expect((await call('PUT', `/v1/music-projects/${album}/tracks`, alice, { track_ids: [t3, t2, t1, bobsPublic] })).status).toBe(200);
    expect(await positions(album)).toEqual([t3, t2, t1, bobsPublic]);

    expect((await call('DELETE', `/v1/music-projects/${album}/tracks/${t2}`, alice)).status).toBe(204);
    expect(await positions(album)).toEqual([t3, t1, bobsPublic]);
    expect((await call('DELETE', `/v1/music-projects/${album}/tracks/${t2}`, alice)).status).toBe(404);
    expect((await call('DELETE', `/v1/music-projects/${album}/tracks/${t1}`, bob)).status).toBe(404);
    expect((await call('GET', `/v1/music-projects/${album}/tracks`, alice)).body.data.map((x: { id: string }) => x.id)).toEqual([t3, t1, bobsPublic]);
    expect((await call('GET', `/v1/music-projects/${album}/tracks`, bob)).status).toBe(404);
    expect((await call('GET', `/v1/music-projects/${album}/tracks`)).status).toBe(401);
  });

  it('keeps positions dense and unique under concurrent adds, moves and removals', async () => {
    const album = (await call('POST', '/v1/music-projects', alice, { name: 'Busy' })).body.id as string;
    const ids = await Promise.all(Array.from({ length: 16 }, () => track(alice)));
    const adds = await Promise.all(ids.map((id, i) => call('POST', `/v1/music-projects/${album}/tracks`, alice, { track_id: id, ...(i % 2 ? { position: 0 } : {}) })));
    expect(adds.map((r) => r.status)).toEqual(ids.map(() => 201));
    expect((await positions(album)).sort()).toEqual([...ids].sort());

    const ops = await Promise.all([
      ...ids.slice(0, 8).map((id, i) => call('PATCH', `/v1/music-projects/${album}/tracks/${id}`, alice, { position: (i * 5) % 16 })),
      ...ids.slice(8, 12).map((id) => call('DELETE', `/v1/music-projects/${album}/tracks/${id}`, alice)),
      ...ids.slice(8, 10).map((id) => call('POST', `/v1/music-projects/${album}/tracks`, alice, { track_id: id, position: 3 })),
    ]);
    expect(ops.every((r) => [200, 201, 204, 404, 409].includes(r.status))).toBe(true);
    const after = await positions(album);
    expect(new Set(after).size).toBe(after.length);
    expect(after.length).toBeGreaterThanOrEqual(12);
    expect(after.length).toBeLessThanOrEqual(14);
  });

  it('answered snake_case JSON only', () => {
    expect(bodies.flatMap((b) => nonSnakeCaseKeys(b))).toEqual([]);
  });
});

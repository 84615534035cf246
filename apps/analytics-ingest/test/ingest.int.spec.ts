import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { AnalyticsRepository, type Database } from '@muse/db';
import { analyticsRow, AnalyticsEmitter, loadConfig, type WorkerService } from '@muse/platform';
import type { AnalyticsBatchMessage } from '@muse/contracts';
import { createGateway, type Gateway } from '../../api-gateway/src/bootstrap.js';
import { GatewayConfig } from '../../api-gateway/src/config.js';
import { IngestConfig, startAnalyticsIngest } from '../src/bootstrap.js';
import { IngestService } from '../src/ingest/ingest.service.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';

describe('analytics ingest', () => {
  let t: TestDatabase;
  let db: Database;
  let gateway: Gateway;
  let ingest: WorkerService;
  let base: string;
  let queue: Queue;
  let alice: { token: string; id: string };
  let admin: { token: string; id: string };
  let trackId: string;
  const analytics = new AnalyticsRepository();

  const post = async (body: unknown, token?: string, raw?: string) => {
    const res = await fetch(`${base}/v1/analytics/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'ingest-test/1.0', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: raw ?? JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const get = async (path: string, token: string) => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json() };
  };
  const signup = async (email: string) => {
    const res = await fetch(`${base}/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'correct horse battery' }) });
    const body = await res.json();
    return { token: body.access_token as string, id: body.user.id as string };
  };
  const count = (filter: { userId?: string; eventType?: string } = {}) => analytics.countEvents(db, filter);

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
    const env = serviceEnv(t.url);
    gateway = await createGateway(loadConfig(GatewayConfig, env));
    await gateway.app.listen(0, '127.0.0.1');
    base = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    ingest = await startAnalyticsIngest(loadConfig(IngestConfig, env), { listen: false });
    queue = new Queue('analytics', { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX });
    alice = await signup('alice@example.com');
    admin = await signup('admin@example.com');
    await db.insertInto('user_roles').values({ user_id: admin.id, role: 'admin' }).execute();
    trackId = (await db.insertInto('tracks').values({ user_id: alice.id, prompt: 'x', status: 'completed', genre: 'jazz' }).returning('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await ingest?.close();
    await gateway?.close();
    await t?.drop();
  });

  it('accepts the valid events of a batch, rejects each malformed one with its reason, stores duplicates once', async () => {
    const clientId = randomUUID();
    const at = new Date(Date.now() - 60_000).toISOString();
    const res = await post(
      {
        events: [
          { event_type: 'track_play', track_id: trackId, position_seconds: 12.5, session_id: 's1' },
          { id: clientId, occurred_at: at, event_type: 'page_view', page_url: 'https://muse.studio/library', referrer: 'https://example.com/' },
          { id: clientId, occurred_at: at, event_type: 'page_view', page_url: 'https://muse.studio/library', referrer: 'https://example.com/' },
          { event_type: 'feature_used', feature: 'stems', event_category: 'audio', properties: { mode: 'local' } },
          { event_type: 'custom', name: 'tour.step_done', properties: { step: 3 } },
          { event_type: 'track_play' },
          { event_type: 'teleport', track_id: trackId },
          { event_type: 'page_view', page_url: 'not a url' },
          { event_type: 'button_click', button: 'go', occurred_at: new Date(Date.now() + 3_600_000).toISOString() },
          { event_type: 'button_click', button: 'go', id: randomUUID() },
          { event_type: 'button_click', button: 'go', is_admin: true },
          'nonsense',
        ],
      },
      alice.token,
    );
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 4, duplicates: 1 });
    const reasons = Object.fromEntries(res.body.rejected.map((r: { index: number; errors: Array<{ path: string; message: string }> }) => [r.index, r.errors.map((e) => e.path).join(' ')]));
    expect(reasons).toEqual({
      5: 'events.5.track_id',
      6: 'events.6.event_type',
      7: 'events.7.page_url',
      8: 'events.8.occurred_at',
      9: 'events.9.occurred_at',
      10: 'events.10',
      11: 'events.11',
    });
    expect(res.body.rejected.find((r: { index: number }) => r.index === 8).errors[0].message).toBe('is in the future');

    await waitFor(async () => (await count({ userId: alice.id })) === 4, 'the 4 events to be stored');
    const rows = await db.selectFrom('analytics_events').selectAll().where('user_id', '=', alice.id).execute();
    const play = rows.find((r) => r.event_type === 'track_play')!;
    expect(play).toMatchObject({ track_id: trackId, session_id: 's1', event_category: 'audio', event_data: { position_seconds: 12.5 }, user_agent: 'ingest-test/1.0' });
    expect(play.ip_address).toBe('127.0.0.1');
    expect(rows.find((r) => r.id === clientId)!.created_at.toISOString()).toBe(at);
    expect(rows.map((r) => r.event_type).sort()).toEqual(['custom.tour.step_done', 'feature_used', 'page_view', 'track_play']);

    // The client resends the batch (e.g. it never saw the 202): the event with its own id is not stored again.
    const again = await post({ events: [{ id: clientId, occurred_at: at, event_type: 'page_view', page_url: 'https://muse.studio/library' }] }, alice.token);
    expect(again.status).toBe(202);
    await waitFor(async () => (await queue.getJob(again.body.batch_id))?.isCompleted(), 'the resent batch');
    expect(await count({ userId: alice.id })).toBe(4);
  });

  it('does not count a redelivered batch twice', async () => {
    const source = { userId: alice.id };
    const events = Array.from({ length: 300 }, () => analyticsRow({ event_type: 'track_like', track_id: trackId }, source));
    const batch: AnalyticsBatchMessage = { jobId: randomUUID(), correlationId: 'redelivery', events: events.map((e) => { if ('error' in e) throw new Error('bad'); return e; }) };
    const before = await count({ eventType: 'track_like' });
    // The same message delivered three times: twice through the queue (as after a lost ack), once straight in.
    const redelivery = randomUUID();
    await queue.add('analytics.ingest', batch, { jobId: batch.jobId });
    await queue.add('analytics.ingest', batch, { jobId: redelivery });
    await ingest.app.get(IngestService).ingest(batch);
    for (const id of [batch.jobId, redelivery]) await waitFor(async () => (await queue.getJob(id))?.isCompleted(), `delivery ${id}`);
    expect((await count({ eventType: 'track_like' })) - before).toBe(300);
  });

  it('keeps events that name a deleted track, without the link, and takes anonymous events', async () => {
    const gone = randomUUID();
    const res = await post({ events: [{ event_type: 'track_share', track_id: gone, channel: 'link' }, { event_type: 'page_view', page_url: 'https://muse.studio/' }] });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    await waitFor(async () => (await count({ eventType: 'track_share' })) === 1, 'the share event');
    const share = await db.selectFrom('analytics_events').selectAll().where('event_type', '=', 'track_share').executeTakeFirstOrThrow();
    expect(share).toMatchObject({ user_id: null, track_id: null, event_data: { channel: 'link' } });
  });

  it('stores text with the characters COPY reserves exactly as sent', async () => {
    const tricky = { note: 'tab\there\nnew line \\N "quoted" back\\slash \r ünïcødé 🎵', nested: { a: ['\t', '\\'] } };
    const res = await post({ events: [{ event_type: 'feature_used', feature: 'a\\b\tc', session_id: '\\N', properties: tricky }] }, alice.token);
    expect(res.status).toBe(202);
    await waitFor(async () => (await count({ eventType: 'feature_used' })) === 2, 'the tricky event');
    const row = await db.selectFrom('analytics_events').selectAll().where('session_id', '=', '\\N').executeTakeFirstOrThrow();
    expect(row.event_properties).toEqual(tricky);
    expect(row.event_data).toEqual({ feature: 'a\\b\tc' });
  });

  it('refuses bad envelopes and bad tokens, changing nothing', async () => {
    const before = await count();
    expect((await post({ events: [] }, alice.token)).status).toBe(400);
    expect((await post({ events: Array.from({ length: 501 }, () => ({ event_type: 'page_view', page_url: 'https://x.y/' })) }, alice.token)).status).toBe(400);
    expect((await post({ events: [{ event_type: 'page_view', page_url: 'https://x.y/' }], extra: 1 }, alice.token)).status).toBe(400);
    expect((await post(undefined, alice.token, '{"events": [')).status).toBe(400);
    const allBad = await post({ events: [{ event_type: 'track_play' }, { event_type: 'nope' }] }, alice.token);
    expect(allBad.status).toBe(400);
    expect(allBad.body.errors.map((e: { path: string }) => e.path)).toEqual(['events.0.track_id', 'events.1.event_type']);
    expect((await post({ events: [{ event_type: 'page_view', page_url: 'https://x.y/' }] }, 'not-a-token')).status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toBe(before);
  });

  it('platform services emit through the same path', async () => {
    const emitter = new AnalyticsEmitter(queue);
    await emitter.emit(alice.id, [
      { event_type: 'generation_started', track_id: trackId },
      { event_type: 'generation_completed', track_id: trackId, duration_ms: 4200 },
    ]);
    await waitFor(async () => (await count({ eventType: 'generation_completed' })) === 1, 'platform events');
    await expect(emitter.emit(alice.id, [{ event_type: 'generation_failed' } as never])).rejects.toThrow();
  });

  it('answers the admin reports from the stored data', async () => {
    const user = await get(`/v1/admin/analytics/users/${alice.id}`, admin.token);
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({ user_id: alice.id, tracks_total: 1 });
    expect(user.body.events_by_type_last_30_days).toMatchObject({ track_play: 1, track_like: 300, generation_started: 1 });
    expect(user.body.events_last_30_days).toBeGreaterThanOrEqual(305);
    const daily = await get('/v1/admin/analytics/generations-daily?days=7', admin.token);
    expect(daily.status).toBe(200);
    expect(daily.body.data).toHaveLength(7);
    expect(daily.body.data.at(-1).total).toBe(1);
    const genres = await get('/v1/admin/analytics/top-genres?limit=5', admin.token);
    expect(genres.body.data).toEqual([{ genre: 'jazz', track_count: 1, total_plays: 0, total_likes: 0 }]);
    await db.insertInto('prompt_history').values([
      { user_id: alice.id, prompt: 'lofi rain', genre: 'lofi', generation_status: 'success', generation_time_ms: 1000 },
      { user_id: alice.id, prompt: 'lofi rain', genre: 'lofi', generation_status: 'failed', generation_time_ms: 3000 },
    ] as never).execute();
    const prompts = await get('/v1/admin/analytics/prompt-statistics?limit=5', admin.token);
    expect(prompts.status).toBe(200);
    expect(prompts.body.data[0]).toMatchObject({ prompt: 'lofi rain', usage_count: 2, success_count: 1, failure_count: 1, avg_generation_time_ms: 2000 });
    expect((await get('/v1/admin/analytics/prompt-statistics', alice.token)).status).toBe(403);
    expect((await get('/v1/admin/analytics/generations-daily?days=0', admin.token)).status).toBe(400);
    expect((await get('/v1/admin/analytics/nope', admin.token)).status).toBe(404);
    expect((await get(`/v1/admin/analytics/users/${randomUUID()}`, admin.token)).status).toBe(404);
    expect((await get(`/v1/admin/analytics/users/${alice.id}`, alice.token)).status).toBe(403);
  });
});

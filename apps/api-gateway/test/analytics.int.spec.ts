import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { AnalyticsRepository } from '@muse/db';
import { loadConfig, type WorkerService } from '@muse/platform';
import { IngestConfig, startAnalyticsIngest } from '../../analytics-ingest/src/bootstrap.js';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { GatewayConfig } from '../src/config.js';
import { ADMIN_URL, createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';

/** POST /v1/analytics/events hands events over without Postgres: it keeps accepting while the database is unreachable. */
describe('analytics events on the gateway', () => {
  let t: TestDatabase;
  let gateway: Gateway;
  let ingest: WorkerService | undefined;
  let base: string;
  let env: Record<string, string>;

  const post = async (events: unknown[]) => {
    const res = await fetch(`${base}/v1/analytics/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
    return { status: res.status, body: await res.json() };
  };
  const admin = async (query: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: ADMIN_URL });
    await client.connect();
    try {
      await client.query(query, params);
    } finally {
      await client.end();
    }
  };
  const lockOut = (allow: boolean) => admin(`alter database ${t.name} allow_connections ${allow}`);

  beforeAll(async () => {
    t = await createTestDatabase();
    // Settings are cached for the whole test so the maintenance check in front of every route stays off the database.
    env = serviceEnv(t.url, { SETTINGS_CACHE_MS: '60000', OUTBOX_POLL_MS: '60000', STALE_JOB_SECONDS: '3600' });
    gateway = await createGateway(loadConfig(GatewayConfig, env));
    await gateway.app.listen(0, '127.0.0.1');
    base = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await lockOut(true).catch(() => undefined);
    await ingest?.close();
    await gateway.close();
    await t.drop();
  });

  it('accepts batches while Postgres is unreachable; ingest stores them once it is back', async () => {
    expect((await post([{ event_type: 'page_view', page_url: 'https://muse.studio/' }])).status).toBe(202); // warms the settings cache
    await lockOut(false);
    await admin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'api-gateway'`, [t.name]);
    try {
      expect((await fetch(`${base}/health/ready`)).status).toBe(503);
      for (let i = 0; i < 3; i++) {
        const res = await post(Array.from({ length: 100 }, (_, j) => ({ event_type: 'button_click', button: `b${i}-${j}` })));
        expect(res.status).toBe(202);
        expect(res.body.accepted).toBe(100);
      }
    } finally {
      await lockOut(true);
    }
    ingest = await startAnalyticsIngest(loadConfig(IngestConfig, env), { listen: false });
    const repo = new AnalyticsRepository();
    await waitFor(async () => (await repo.countEvents(t.db)) === 301, 'all 301 events stored');
    expect(await repo.countEvents(t.db, { eventType: 'button_click' })).toBe(300);
  });

  it('documents the analytics and archiving endpoints', async () => {
    const spec = await (await fetch(`${base}/openapi.json`)).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/v1/analytics/events', '/v1/admin/analytics/users/{id}', '/v1/admin/archiving/run', '/v1/tracks/{id}/restore', '/v1/tracks/{id}/archive']),
    );
  });
});

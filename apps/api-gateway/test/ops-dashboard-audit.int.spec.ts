// The dashboard's state-changing calls: allowed ones act on the real queue and leave an audit record
// (who, what, which job); the rest are refused and logged too.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue, Worker } from 'bullmq';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { ALL_QUEUES, type QueueName } from '@muse/contracts';
import { UsersRepository } from '@muse/db';
import { createRedis, loadConfig, type Redis } from '@muse/platform';
import { DASHBOARD_PATH, queueDashboard } from '../src/admin-queues/queue-dashboard.js';
import { TokenService } from '../src/auth/token.service.js';
import { GatewayConfig } from '../src/config.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';

describe('queue dashboard actions', () => {
  let t: TestDatabase;
  let redis: Redis;
  let queues: Map<QueueName, Queue>;
  let server: Server;
  let base: string;
  let adminToken: string;
  let adminId: string;
  const lines: Record<string, unknown>[] = [];

  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const audits = () => lines.filter((l) => l.audit === 'queue-dashboard');
  const put = (path: string) => fetch(`${base}${DASHBOARD_PATH}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${adminToken}` } });

  beforeAll(async () => {
    t = await createTestDatabase();
    const config = loadConfig(GatewayConfig, serviceEnv(t.url));
    redis = createRedis(config.REDIS_URL, 'ops-audit-test');
    queues = new Map(ALL_QUEUES.map((name) => [name, new Queue(name, { connection: redis, prefix: config.QUEUE_PREFIX })]));
    const users = new UsersRepository();
    adminId = (await users.create(t.db, { email: 'board-admin@example.com', passwordHash: 'not-used-here' }))!.id;
    await t.db.insertInto('user_roles').values({ user_id: adminId, role: 'admin' }).execute();
    const tokens = new TokenService(config);
    adminToken = (await tokens.issue({ id: adminId, email: 'board-admin@example.com' })).access_token;
    const app = express();
    app.use(
      DASHBOARD_PATH,
      queueDashboard({
        queues,
        jwtSecret: config.JWT_SECRET,
        secureCookies: false,
        logger: pino({ level: 'info' }, sink),
        verifyAccessToken: (token) => tokens.verify(token),
        isAdmin: async (id) => (await users.roles(t.db, id)).includes('admin'),
      }),
    );
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    if (server) await new Promise((r) => server.close(r));
    await Promise.all([...(queues?.values() ?? [])].map((q) => q.obliterate({ force: true }).then(() => q.close())));
    redis?.disconnect();
    await t?.drop();
  });

  it('retries a failed job, promotes a delayed one and removes one, each audited with actor and job', async () => {
    const queue = queues.get('generation')!;
    const failing = await queue.add('generation.run', { n: 1 }, { jobId: randomUUID(), attempts: 1 });
    const worker = new Worker('generation', async () => { throw new Error('boom'); }, { connection: redis.duplicate(), prefix: queue.opts.prefix });
    await waitFor(async () => (await failing.getState()) === 'failed', 'the job to fail');
    await worker.close();

    expect((await put(`/api/queues/generation/${failing.id}/retry`)).status).toBeLessThan(300);
    expect(await queue.getJobState(failing.id!)).toBe('waiting');

    const delayed = await queue.add('generation.run', { n: 2 }, { jobId: randomUUID(), delay: 3_600_000 });
    expect((await put(`/api/queues/generation/${delayed.id}/promote`)).status).toBeLessThan(300);
    expect(await queue.getJobState(delayed.id!)).toBe('waiting');

    const removable = await queue.add('generation.run', { n: 3 }, { jobId: randomUUID(), delay: 3_600_000 });
    expect((await put(`/api/queues/generation/${removable.id}/clean`)).status).toBeLessThan(300);
    expect(await queue.getJob(removable.id!)).toBeUndefined();

    await waitFor(async () => audits().length >= 3, 'three audit records');
    expect(audits().map((a) => ({ actor: a.actor, action: a.action, queue: a.queue, job_id: a.job_id, outcome: a.outcome }))).toEqual([
      { actor: adminId, action: 'job.retry', queue: 'generation', job_id: failing.id, outcome: 'done' },
      { actor: adminId, action: 'job.promote', queue: 'generation', job_id: delayed.id, outcome: 'done' },
      { actor: adminId, action: 'job.remove', queue: 'generation', job_id: removable.id, outcome: 'done' },
    ]);
  });

  it('refuses and logs actions that would let the queue disagree with the job rows', async () => {
    lines.length = 0;
    const queue = queues.get('stems')!;
    const job = await queue.add('stems.run', { n: 1 }, { jobId: randomUUID() });
    const res = await fetch(`${base}${DASHBOARD_PATH}/api/queues/stems/${job.id}/update-data`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jobData: { n: 2 } }),
    });
    expect(res.status).toBe(403);
    expect((await queue.getJob(job.id!))?.data).toEqual({ n: 1 });
    expect((await put('/api/queues/stems/empty')).status).toBe(403);
    expect(await queue.getJobState(job.id!)).toBe('waiting');
    expect(audits().map((a) => [a.actor, a.action, a.outcome])).toEqual([
      [adminId, `PUT /api/queues/stems/${job.id}/update-data`, 'refused'],
      [adminId, 'PUT /api/queues/stems/empty', 'refused'],
    ]);
  });
});

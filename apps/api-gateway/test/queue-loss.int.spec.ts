// Queue-loss recovery of the messages that have no jobs row (issue 16): pending webhook deliveries (first
// message, redelivery, scheduled retry) and track purges. Their queue entries are wiped from Redis, as a
// restart without persistence would; one check puts back exactly what was lost, as the sender had it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { JobsRepository, OutboxRepository, UsersRepository, WebhooksRepository } from '@muse/db';
import { loadConfig, METRICS_REGISTRY, type promClient as client } from '@muse/platform';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { GatewayConfig } from '../src/config.js';
import { OutboxRelayService } from '../src/outbox/outbox-relay.service.js';
import { QueueLossRecoveryService } from '../src/outbox/queue-loss-recovery.service.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv } from '../../../test/support/env.js';

describe('queue-loss recovery: webhook deliveries and track purges', () => {
  let t: TestDatabase;
  let gateway: Gateway;
  let config: GatewayConfig;
  let redis: Redis;
  let webhooksQueue: Queue;
  let archivingQueue: Queue;
  let userId: string;
  const jobs = new JobsRepository();
  const webhooks = new WebhooksRepository();

  beforeAll(async () => {
    t = await createTestDatabase();
    // No timer: the test calls check() itself, so each sweep happens exactly when the test says.
    config = loadConfig(GatewayConfig, serviceEnv(t.url, { OUTBOX_POLL_MS: '60000', STALE_JOB_SECONDS: '3600', QUEUE_LOSS_CHECK_MS: '0' }));
    gateway = await createGateway(config);
    redis = new Redis(config.REDIS_URL);
    webhooksQueue = new Queue('webhooks', { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
    archivingQueue = new Queue('archiving', { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
    userId = (await new UsersRepository().create(t.db, { email: 'lost@example.com', passwordHash: 'x' }))!.id;
  });
  afterAll(async () => {
    await webhooksQueue.close();
    await archivingQueue.close();
    redis.disconnect();
    await gateway.close();
    await t.drop();
  });

  /** A finished job with a callback_url: its status change writes a pending delivery and its outbox row. */
  async function delivery(): Promise<string> {
    const job = await jobs.insert(t.db, { user_id: userId, kind: 'lyrics', queue_name: 'generation', job_name: 'lyrics.run', provider: 'local', payload: '{}', callback_url: 'https://hooks.example.com/muse' });
    await t.db.updateTable('jobs').set({ status: 'completed', completed_at: sql`now()` }).where('id', '=', job.id).execute();
    return (await t.db.selectFrom('webhook_deliveries').select('id').where('job_id', '=', job.id).executeTakeFirstOrThrow()).id;
  }

  /** Every key under this gateway's queue prefix: the queues, the sentinel and the recovery lock. */
  async function wipeQueues(): Promise<void> {
    const keys = await redis.keys(`${config.QUEUE_PREFIX}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }

  it('puts back each pending delivery’s next message and each recent purge, and nothing else', async () => {
    const recovery = gateway.app.get(QueueLossRecoveryService);
    const relay = gateway.app.get(OutboxRelayService);
    await recovery.check(); // the first check of this Redis run: records its sentinel

    const first = await delivery(); // never attempted: waits for its first message
    const retrying = await delivery(); // two attempts failed: a retry is scheduled in an hour
    const redelivered = await delivery(); // given up on, then redelivered by its owner
    const delivered = await delivery(); // done: nothing to put back
    await relay.drain();
    const nextAttemptAt = new Date(Date.now() + 3_600_000);
    await t.db.updateTable('webhook_deliveries').set({ attempts: 2, cycle_attempts: 2, next_attempt_at: nextAttemptAt }).where('id', '=', retrying).execute();
    await t.db.updateTable('webhook_deliveries').set({ status: 'failed', attempts: 8, cycle_attempts: 8 }).where('id', '=', redelivered).execute();
    await webhooks.redeliver(t.db, redelivered);
    await t.db.updateTable('webhook_deliveries').set({ status: 'delivered', attempts: 1, cycle_attempts: 1, delivered_at: sql`now()` }).where('id', '=', delivered).execute();
    const trackId = crypto.randomUUID();
    await new OutboxRepository().insert(t.db, {
      queue_name: 'archiving', job_name: 'tracks.purge-objects', queue_job_id: `purge-${trackId}`,
      payload: { trackId, userId, correlationId: trackId, objects: [{ bucket: 'tracks', prefix: `${userId}/${trackId}/` }] },
    });
    await relay.drain();
    expect(await webhooksQueue.getJob(redelivered + '-r1')).toBeDefined();

    await wipeQueues(); // Redis restarted without its data
    expect(await webhooksQueue.getJobCounts()).toEqual(expect.objectContaining({ waiting: 0, delayed: 0 }));
    await recovery.check();

    const firstJob = await webhooksQueue.getJob(first);
    expect(firstJob?.data).toEqual({ deliveryId: first, userId, correlationId: expect.any(String) });
    // The retry comes back as the sender scheduled it: same id (attempts + 1), third attempt of its cycle, still due in an hour.
    const retryJob = await webhooksQueue.getJob(`${retrying}-a3`);
    expect(retryJob?.data).toEqual(expect.objectContaining({ deliveryId: retrying, attempt: 3 }));
    expect(await retryJob!.getState()).toBe('delayed');
    expect(Math.abs(retryJob!.timestamp + retryJob!.opts.delay! - nextAttemptAt.getTime())).toBeLessThan(5_000);
    expect((await webhooksQueue.getJob(`${redelivered}-r1`))?.data).toEqual(expect.objectContaining({ deliveryId: redelivered }));
    expect((await webhooksQueue.getJob(`${redelivered}-r1`))?.data.attempt).toBeUndefined(); // a redelivery starts a new cycle
    expect(await webhooksQueue.getJob(delivered)).toBeUndefined();
    expect(await webhooksQueue.getJob(retrying)).toBeUndefined(); // its first message ran long ago
    expect((await archivingQueue.getJob(`purge-${trackId}`))?.data).toEqual(expect.objectContaining({ trackId, userId }));

    const metrics = await gateway.app.get<client.Registry>(METRICS_REGISTRY).getSingleMetricAsString('jobs_recovered_total');
    expect(metrics).toContain('jobs_recovered_total{queue="webhooks",cause="queue-lost",service="api-gateway"} 3');
    expect(metrics).toContain('jobs_recovered_total{queue="archiving",cause="queue-lost",service="api-gateway"} 1');
  });

  it('a second check on the same Redis run adds nothing', async () => {
    const recovery = gateway.app.get(QueueLossRecoveryService);
    const before = await webhooksQueue.getJobCounts();
    await recovery.check();
    expect(await webhooksQueue.getJobCounts()).toEqual(before);
  });
});

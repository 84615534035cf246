// Chaos: Redis shut down without saving while jobs are queued, submissions during the outage, Redis back
// EMPTY → every unfinished job is back on its queue within 10 s (the gateway's queue-loss recovery), and
// all of them complete once. Then the same with AOF: Redis killed and restarted from its append-only file.
// Then Redis out of memory with noeviction: submissions are still accepted into the outbox, nothing dropped.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { waitFor } from '../support/env.js';
import { auditAndRecord, ChaosPlatform, FULL, sleep } from './platform.js';

const QUEUED = FULL ? 30 : 6;
const DURING_OUTAGE = FULL ? 6 : 2;
const OUTAGE_MS = 5_000;

describe(`chaos: Redis lost and restarted (${FULL ? 'full' : 'reduced'} profile)`, () => {
  const p = new ChaosPlatform();
  const recoveries: number[] = [];
  let faults = 0;
  const began = Date.now();

  beforeAll(async () => {
    // One slow consumer so that most jobs are still waiting in Redis when it goes.
    await p.start({ generationWorkers: 1, stemsWorkers: 0, env: { WORKER_CONCURRENCY: '1' } });
    await p.signup(FULL ? 6 : 3);
  }, 600_000);
  afterAll(async () => {
    await p.stop();
  }, 60_000);

  /** ms from Redis answering again until every unfinished job has its BullMQ entry again. */
  async function timeToRequeue(since: number): Promise<number> {
    const redis = new Redis(p.redis.url, { maxRetriesPerRequest: 1 });
    try {
      await waitFor(
        async () => {
          const open = (await sql<{ id: string }>`select id from jobs where status in ('pending', 'processing')`.execute(p.t.db)).rows;
          if (open.length === 0) return true;
          const pipeline = redis.pipeline();
          for (const j of open) pipeline.exists(`${p.prefix}:generation:${j.id}`);
          const found = (await pipeline.exec())!.map(([, n]) => n === 1);
          return found.every(Boolean);
        },
        'every unfinished job to be back on its queue',
        60_000,
        100,
      );
      return Date.now() - since;
    } finally {
      redis.disconnect();
    }
  }

  async function loseRedis(options: { aof: boolean }): Promise<void> {
    await Promise.all(Array.from({ length: QUEUED }, (_, i) => p.submitGeneration(p.users[i % p.users.length], 5)));
    await waitFor(async () => (await sql<{ n: number }>`select count(*)::int as n from jobs where status = 'processing'`.execute(p.t.db)).rows[0].n > 0 || undefined, 'a job to be running', 120_000, 50);
    const unfinishedBefore = await p.unfinished();
    await p.redis.kill(); // no SAVE: without AOF the queues are gone
    faults++;
    // Submissions during the outage are accepted into the outbox (rate limits fail open, Postgres holds the job).
    for (let i = 0; i < DURING_OUTAGE; i++) expect(await p.submitGeneration(p.users[i % p.users.length], 5)).toBe(202);
    await sleep(OUTAGE_MS);
    p.redis.aof = options.aof;
    await p.redis.start();
    const back = Date.now();
    const requeue = await timeToRequeue(back);
    recoveries.push(requeue);
    expect(unfinishedBefore).toBeGreaterThan(0);
    // The bound: every unfinished job back on its queue within 10 s of Redis returning.
    expect(requeue).toBeLessThan(10_000);
    await p.settle(1_200_000);
  }

  it('Redis shut down without saving, back empty: every unfinished job re-queued within 10 s, all complete', async () => {
    await loseRedis({ aof: false });
  }, 1_500_000);

  it('Redis with AOF killed and restarted from its file: nothing lost, nothing run twice', async () => {
    // Switch this Redis to AOF (a restart, itself empty), then kill it mid-load and restart it from the AOF.
    await p.redis.kill();
    p.redis.aof = true;
    await p.redis.start();
    await sleep(3_000); // the gateway notices the restart and re-queues whatever the switch dropped
    await loseRedis({ aof: true });
  }, 1_500_000);

  it('Redis out of memory (maxmemory, noeviction): submissions still accepted into the outbox, nothing dropped', async () => {
    const admin = new Redis(p.redis.url, { maxRetriesPerRequest: 1 });
    try {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'maxmemory', '1'); // below what is used: every write is refused with OOM
      faults++;
      const before = p.submitted.length;
      for (let i = 0; i < DURING_OUTAGE * 2; i++) expect(await p.submitGeneration(p.users[i % p.users.length], 5)).toBe(202);
      const held = (await sql<{ n: number }>`select count(*)::int as n from outbox where published_at is null`.execute(p.t.db)).rows[0].n;
      expect(p.submitted.length - before).toBe(DURING_OUTAGE * 2);
      expect(held).toBeGreaterThan(0); // waiting in Postgres, not lost
      await sleep(3_000);
      await admin.config('SET', 'maxmemory', '0');
    } finally {
      await admin.config('SET', 'maxmemory', '0').catch(() => undefined);
      admin.disconnect();
    }
    await p.settle(1_200_000);
  }, 1_500_000);

  it('audit: one terminal state each, 2 versions with objects, no orphans, one charge each, balances = ledger', async () => {
    await auditAndRecord(p, 'Redis lost (no save) + AOF restart + out of memory', {
      began,
      figures: async () => {
        const metrics = await (await fetch(`${p.base}/metrics`)).text();
        const recovered = metrics
          .split('\n')
          .filter((l) => l.startsWith('jobs_recovered_total{'))
          .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
        expect(metrics).toMatch(/job_recovery_seconds_count\{[^}]*cause="queue-lost"[^}]*\} [1-9]/);
        expect(recovered).toBeGreaterThan(0);
        return {
          faults: `2 Redis kills (1 empty restart, 1 AOF restart) and 1 maxmemory/noeviction phase during load, ${DURING_OUTAGE * 4} submissions while Redis was away or full`,
          recovered,
          recoverSeconds: `re-queued in ${recoveries.map((r) => (r / 1000).toFixed(1)).join(' / ')} s`,
        };
      },
    });
  }, 60_000);
});

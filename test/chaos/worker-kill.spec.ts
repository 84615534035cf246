// Chaos: kill -9 of generation and stems workers mid-job (several times, several replicas) and of the
// gateway, the process that runs the outbox relay, mid-batch. Then the audit: nothing lost, nothing twice.
// (Postgres backends terminated under load: postgres.spec.ts.)
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { workerName } from '@muse/platform';
import { waitFor } from '../support/env.js';
import { auditAndRecord, ChaosPlatform, FULL, sleep, type App } from './platform.js';

const GEN_KILLS = FULL ? 8 : 2;
const STEMS_KILLS = FULL ? 4 : 1;
const GATEWAY_KILLS = FULL ? 3 : 1;
const WAVE = FULL ? 6 : 4;

describe(`chaos: kill -9 of workers and of the relay's process (${FULL ? 'full' : 'reduced'} profile)`, () => {
  const p = new ChaosPlatform();
  const pickups: number[] = [];
  const stemsPickups: number[] = [];
  const booting = new Set<App>();
  const began = Date.now();

  beforeAll(async () => {
    await p.start({ generationWorkers: 2, stemsWorkers: 2 });
    await p.signup(FULL ? 6 : 3);
  }, 600_000);
  afterAll(async () => {
    await p.stop();
  }, 60_000);

  const processing = async (queue: string) =>
    (await sql<{ id: string; attempts: number; max_attempts: number }>`select id, attempts, max_attempts from jobs where status = 'processing' and queue_name = ${queue}`.execute(p.t.db)).rows;

  /**
   * Kills a replica while it runs a job: the one BullMQ names as the taker (processedBy = host:pid) of a running
   * job. Pickup = from the kill until each job the victim held leaves BullMQ's active state (its lock expired
   * and the stalled check moved it back to wait, or another replica already took it).
   */
  async function killMidJob(name: string, queueName: string): Promise<void> {
    const redis = new Redis(p.redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(queueName, { connection: redis, prefix: p.prefix });
    // A job that loses its worker on every attempt fails for good (attempts-exhausted, refunded): right, but not
    // what this experiment measures. So a kill waits until every running job has two attempts left — the re-run
    // after this kill and one more for a lock a loaded machine failed to renew. A replica still starting holds no job.
    const target = await waitFor(async () => {
      const rows = await processing(queueName);
      if (rows.length === 0 || rows.some((r) => r.attempts > r.max_attempts - 2)) return undefined;
      const held = await Promise.all(rows.map(async (r) => ({ ...r, job: await queue.getJob(r.id), state: await queue.getJobState(r.id) })));
      for (const app of p.running(name).filter((a) => !booting.has(a))) {
        const jobs = held.filter((h) => h.state === 'active' && h.job?.processedBy === workerName(app.proc.pid));
        if (jobs.length > 0) return { app, jobs: jobs.map((h) => ({ id: h.id, attempts: h.attempts, takenAt: h.job!.processedOn ?? 0 })) };
      }
      return undefined;
    }, `a ${queueName} job on its first attempt to be running on a started replica`, 300_000, 20);
    const killedAt = Date.now();
    await p.kill9(target.app);
    // The replacement replica, as an orchestrator would start one.
    void p.startApp(name).then(async (a) => {
      booting.add(a);
      await p.waitReady(a).catch(() => undefined);
      booting.delete(a);
    });
    const leftActive = new Map<string, number>();
    // A free replica can take a stalled job back within milliseconds of the stalled check releasing it, so a poll
    // may never see it outside the active state: a new processedOn counts as having left it (an upper bound).
    await waitFor(
      async () => {
        for (const j of target.jobs) {
          if (leftActive.has(j.id)) continue;
          const taken = (await queue.getJob(j.id))?.processedOn ?? 0;
          if (taken > j.takenAt) leftActive.set(j.id, Math.max(0, taken - killedAt));
          else if ((await queue.getJobState(j.id)) !== 'active') leftActive.set(j.id, Date.now() - killedAt);
        }
        return leftActive.size === target.jobs.length;
      },
      'the killed worker’s jobs to leave the active state',
      120_000,
      50,
    );
    await queue.close();
    redis.disconnect();
    pending.push({ queue: queueName, running: target.jobs, leftActive });
  }
  const pending: Array<{ queue: string; running: Array<{ id: string; attempts: number }>; leftActive: Map<string, number> }> = [];
  /** Pickup time of each kill so far = the slowest of the victim's jobs that ran again, per queue. */
  async function pickupsOf(queue: string): Promise<number[]> {
    const out: number[] = [];
    for (const { queue: q, running, leftActive } of pending) {
      if (q !== queue) continue;
      const now = new Map((await sql<{ id: string; attempts: number }>`select id, attempts from jobs where id in (${sql.join(running.map((r) => r.id))})`.execute(p.t.db)).rows.map((r) => [r.id, r.attempts]));
      // A job that ended in the milliseconds between the choice of victim and the kill did not run again: no pickup.
      const rerun = running.filter((r) => now.get(r.id)! > r.attempts).map((r) => leftActive.get(r.id)!);
      if (rerun.length > 0) out.push(Math.max(...rerun));
    }
    return out;
  }

  /** Whether no kill of `queue` so far measured a pickup, once the re-runs have happened (a re-run is what counts). */
  async function noPickupYet(queue: string): Promise<boolean> {
    await p.settle(600_000);
    return (await pickupsOf(queue)).length === 0;
  }

  /**
   * JOB_LOCK_MS is 5 s: the lock expires ≤ 5 s after the last renewal and the stalled check runs every 2.5 s,
   * so ≤ 7.5 s by design (5.5–7.2 s measured); the margin is for a CPU-starved machine, where timers and the
   * stalled check run late (16 s and 29 s were measured at a load average of 40 on 2 cores). CHAOS_PICKUP_SLACK_MS tightens it.
   */
  function expectPickedUpInTime(times: number[]): void {
    expect(times.length).toBeGreaterThan(0);
    expect(Math.max(...times)).toBeLessThan(5_000 * 1.5 + Number(process.env.CHAOS_PICKUP_SLACK_MS ?? 30_000));
  }

  it('generation workers killed mid-job: every job completes once, picked up within 1.5 lock periods', async () => {
    // Extra kills (at most 3) only if no victim's job ran again, which needs it to end just as it is killed.
    for (let k = 0; k < GEN_KILLS || (k < GEN_KILLS + 3 && (await noPickupYet('generation'))); k++) {
      // 45-second songs: long enough to be mid-render when the kill lands even on a quiet machine.
      await Promise.all(Array.from({ length: WAVE }, (_, i) => p.submitGeneration(p.users[(k + i) % p.users.length], 45)));
      await killMidJob('generation-worker', 'generation');
    }
    await p.settle(600_000);
    pickups.push(...(await pickupsOf('generation')));
    expectPickedUpInTime(pickups);
  }, 900_000);

  it('stems workers killed mid-job: every separation completes once, picked up within 1.5 lock periods', async () => {
    const completed = new Set((await sql<{ id: string }>`select id from tracks where status = 'completed'`.execute(p.t.db)).rows.map((r) => r.id));
    const done = p.submitted.filter((s) => s.kind === 'generation' && completed.has(s.trackId)).slice(0, (STEMS_KILLS + 2) * 2);
    expect(done.length).toBe((STEMS_KILLS + 2) * 2);
    for (let k = 0; k < STEMS_KILLS || (k < STEMS_KILLS + 2 && (await noPickupYet('stems'))); k++) {
      for (const s of done.slice(k * 2, k * 2 + 2)) expect(await p.submitStems(p.users.find((u) => u.id === s.userId)!, s.trackId)).toBe(202);
      await killMidJob('stems-worker', 'stems');
    }
    await p.settle(600_000);
    stemsPickups.push(...(await pickupsOf('stems')));
    expectPickedUpInTime(stemsPickups);
  }, 900_000);

  it('the gateway (outbox relay) killed mid-batch: accepted jobs are still published and complete', async () => {
    for (let k = 0; k < GATEWAY_KILLS; k++) {
      const gateway = p.running('api-gateway')[0];
      // A burst of submissions, and the gateway dies while its relay publishes them.
      const burst = Promise.all(Array.from({ length: WAVE * 2 }, (_, i) => p.submitGeneration(p.users[i % p.users.length], 5)));
      await waitFor(async () => (await sql<{ n: number }>`select count(*)::int as n from outbox where published_at is null`.execute(p.t.db)).rows[0].n > 0 || undefined, 'rows in the outbox', 10_000, 5).catch(() => undefined);
      await p.kill9(gateway);
      await sleep(300);
      const replacement: App = p.startApp('api-gateway', p.gatewayPort);
      await p.waitReady(replacement);
      await burst; // retried with the same Idempotency-Key while the gateway was away
    }
    await p.settle(600_000);
  }, 900_000);

  it('audit: one terminal state each, 2 versions with objects, no orphans, one charge each, balances = ledger', async () => {
    await auditAndRecord(p, 'kill -9 workers + relay', {
      began,
      figures: () => ({
        faults: `${pending.filter((k) => k.queue === 'generation').length} generation, ${pending.filter((k) => k.queue === 'stems').length} stems, ${GATEWAY_KILLS} gateway kill -9`,
        recoverSeconds: `stems pickup ${stemsPickups.map((x) => (x / 1000).toFixed(1)).join('/')} s; generation pickup max ${(Math.max(...pickups) / 1000).toFixed(1)} s, median ${(pickups.sort((a, b) => a - b)[Math.floor(pickups.length / 2)] / 1000).toFixed(1)} s`,
      }),
    });
  }, 60_000);
});

// Chaos: the external music providers misbehave under load — 5xx and 429 bursts on submit and on status
// queries, answers slower than our timeout, callbacks duplicated, out of order, before the submit answer,
// or never — with the generation workers pointed at the provider simulator. Then the audit: every job ends
// once (completed, or failed and refunded when the provider really failed it), nothing twice, and the
// number of provider calls stays bounded (no retry storm).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { startProviderSimulator, type ProviderSimulator } from '../simulators/provider-simulator.js';
import { auditAndRecord, ChaosPlatform, FULL, type AuditReport, type ExperimentFigures } from './platform.js';

const JOBS = FULL ? 24 : 8;
const SETTLE_MS = 600_000;

/** A platform whose generation workers use the simulator; `env` tunes polling per experiment. */
function providerPlatform(env: Record<string, string> = {}) {
  const ctx = { p: new ChaosPlatform(), sim: undefined as unknown as ProviderSimulator, began: Date.now() };
  beforeAll(async () => {
    ctx.sim = await startProviderSimulator({ stepMs: 400 });
    await ctx.p.start({ generationWorkers: 2, stemsWorkers: 0, providers: ctx.sim, env });
    await ctx.p.signup(FULL ? 6 : 3);
  }, 600_000);
  afterAll(async () => {
    await ctx.p.stop();
    await ctx.sim?.close();
  }, 60_000);
  return ctx;
}

/** `count` songs in flight at once, every `murekaEvery`-th one to Mureka (it polls; Suno calls back). */
async function load(p: ChaosPlatform, count: number, murekaEvery = 4): Promise<void> {
  const statuses = await Promise.all(Array.from({ length: count }, (_, i) => p.submitGeneration(p.users[i % p.users.length], 5, murekaEvery && i % murekaEvery === murekaEvery - 1 ? 'mureka' : 'suno')));
  expect(statuses.every((s) => s === 202)).toBe(true);
}

/** Status queries the simulator answered (faulted ones are counted by the caller from the fault budget). */
const queries = (sim: ProviderSimulator) => [...sim.tasks.values()].reduce((n, t) => n + t.queries, 0);
const generateCalls = (sim: ProviderSimulator) => sim.generateCalls.suno + sim.generateCalls.mureka;

/** Per job: its provider task (kept on the track after a failure), notifications and callback rows. */
async function perJob(p: ChaosPlatform) {
  return (
    await sql<{ id: string; status: string; provider: string; attempts: number; task: string | null; successes: number; errors: number; accepted: string[]; duplicates: number }>`
      select j.id, j.status, j.provider, j.attempts, coalesce(t.suno_id, t.mureka_task_id) as task,
             (select count(*)::int from notifications n where n.link = '/tracks/' || t.id and n.type = 'success') as successes,
             (select count(*)::int from notifications n where n.link = '/tracks/' || t.id and n.type = 'error') as errors,
             coalesce((select array_agg(c.callback_type order by c.callback_type) from callback_logs c where c.job_id = j.id and c.dedup_key is not null), '{}') as accepted,
             (select count(*)::int from callback_logs c where c.job_id = j.id and c.callback_type like 'duplicate:%') as duplicates
        from jobs j join tracks t on t.id = j.resource_id where j.kind = 'generation'`.execute(p.t.db)
  ).rows;
}

/** Each finished job told its user once: one success for a completed job, one error for a failed one. */
async function expectNotifiedOnce(p: ChaosPlatform) {
  const rows = await perJob(p);
  expect(rows.filter((r) => (r.status === 'completed' ? r.successes !== 1 || r.errors !== 0 : r.successes !== 0 || r.errors !== 1)).map((r) => `${r.id} ${r.status}: ${r.successes} success, ${r.errors} error`)).toEqual([]);
  return rows;
}

/** A provider experiment's row: its faults plus the provider calls they cost; recovered = the jobs that completed. */
function figures(report: AuditReport, sim: ProviderSimulator, faults: string, recoverSeconds: string): ExperimentFigures {
  return {
    faults: `${faults}; provider calls: ${generateCalls(sim)} generate, ${queries(sim)} status queries, ${sim.callbacksSent.length} callbacks`,
    recovered: report.completed,
    recoverSeconds,
  };
}

describe(`chaos: provider 5xx and 429 bursts on submit and status queries (${FULL ? 'full' : 'reduced'} profile)`, () => {
  const ctx = providerPlatform();
  const BURST = FULL ? 8 : 4;

  it('bursts are retried with backoff; every job completes once; provider calls stay bounded', async () => {
    const { p, sim } = ctx;
    // 503s then 429s (Retry-After: 1) on submit, then on status queries, each burst while jobs are in flight.
    sim.faults.submitStatus = { status: 503, times: BURST };
    const first = load(p, JOBS / 2);
    await waitUntil(() => sim.faults.submitStatus!.times === 0, 'the 503 burst on submit to be served');
    sim.faults.submitStatus = { status: 429, times: BURST };
    sim.faults.queryStatus = { status: 503, times: BURST };
    const second = load(p, JOBS / 2);
    await waitUntil(() => sim.faults.queryStatus!.times === 0, 'the 503 burst on queries to be served');
    sim.faults.queryStatus = { status: 429, times: BURST };
    await Promise.all([first, second]);
    const started = Date.now();
    const waited = await p.settle(SETTLE_MS);
    await auditAndRecord(p, 'provider 5xx/429 bursts', {
      began: ctx.began,
      outcome: 'clean',
      figures: async (report) => {
        const rows = await expectNotifiedOnce(p);
        const injected = BURST * 2 - sim.faults.submitStatus!.times;
        // No double submission: every generate call was either a fault we injected or one job's one task.
        expect(sim.tasks.size).toBe(JOBS);
        expect(generateCalls(sim)).toBe(JOBS + injected);
        // Polling with backoff: Suno jobs mostly finish on their callback, Mureka ones in a few polls.
        expect(queries(sim)).toBeLessThanOrEqual(JOBS * 8);
        return figures(report, sim, `${injected} submit faults (503, 429), ${BURST * 2 - sim.faults.queryStatus!.times} query faults (503, 429), ${rows.filter((r) => r.attempts > 1).length} jobs resubmitted`, `all settled ${((Date.now() - started + waited) / 1000).toFixed(1)} s after the last submission`);
      },
    });
  }, 900_000);
});

describe(`chaos: provider answers slower than our timeout, and tasks the provider fails (${FULL ? 'full' : 'reduced'} profile)`, () => {
  // Our HTTP timeout is 5 s (providerEnv); the slow provider answers after 7 s.
  const ctx = providerPlatform();

  it('timed-out calls are retried or fail and are refunded; tasks the provider failed fail once, refunded; nothing stuck', async () => {
    const { p, sim } = ctx;
    sim.faults.slowMs = 7_000;
    sim.faults.slowProvider = 'suno';
    const slowLoad = load(p, JOBS / 2);
    await waitUntil(() => sim.generateCalls.suno >= 2, 'slow suno submissions');
    // Another slice whose tasks the provider fails (and answers on time): those jobs must end failed.
    sim.faults.slowMs = 0;
    sim.faults.failTasks = true;
    // A task's fate is fixed when the simulator creates it, after the 202: the switch stays on until they exist.
    const before = sim.tasks.size;
    await load(p, JOBS / 4, 2);
    await waitUntil(() => sim.tasks.size >= before + JOBS / 4, 'the failing tasks to be created');
    sim.faults.failTasks = false;
    await slowLoad;
    await load(p, JOBS / 4);
    const waited = await p.settle(SETTLE_MS);
    // Failed jobs are allowed here, but only refunded ones, and none left open.
    await auditAndRecord(p, 'provider timeouts + failed tasks', {
      began: ctx.began,
      outcome: 'failures refunded',
      figures: async (report) => {
        const rows = await expectNotifiedOnce(p);
        // A job whose (last) provider task really failed ended failed; one whose task succeeded did not fail for it.
        const providerFailed = rows.filter((r) => r.task && sim.tasks.get(r.task.replace(/^song:/, ''))?.fail);
        expect(providerFailed.length).toBeGreaterThan(0);
        expect(providerFailed.filter((r) => r.status !== 'failed').map((r) => `${r.id}: ${r.status}`)).toEqual([]);
        const errors = (await sql<{ code: string; n: number }>`select error->>'code' as code, count(*)::int as n from jobs where status = 'failed' group by 1`.execute(p.t.db)).rows;
        return figures(report, sim, `suno answers 7 s late (timeout 5 s) for a wave; ${providerFailed.length} tasks failed by the provider; failed jobs by code ${JSON.stringify(Object.fromEntries(errors.map((e) => [e.code, e.n])))}, all refunded`, `all settled ${(waited / 1000).toFixed(1)} s after the last submission`);
      },
    });
  }, 900_000);
});

describe(`chaos: duplicate and out-of-order callbacks (${FULL ? 'full' : 'reduced'} profile)`, () => {
  // Polls far away: the callbacks must finish the jobs.
  const ctx = providerPlatform({ PROVIDER_POLL_BASE_MS: '120000', PROVIDER_POLL_MAX_MS: '120000' });

  it('each callback is processed once; the final state is right whatever the order', async () => {
    const { p, sim } = ctx;
    sim.faults.callbacks = 'duplicate';
    await load(p, JOBS / 2, 0);
    // The callback plan is fixed when the simulator creates the task, after the 202.
    await waitUntil(() => sim.tasks.size >= JOBS / 2, 'the first half’s tasks to be created');
    sim.faults.callbacks = 'out-of-order';
    await load(p, JOBS / 2, 0);
    const waited = await p.settle(SETTLE_MS);
    // The late (out-of-order) stage callbacks land after completion: wait for all of them to be answered.
    await waitUntil(() => sim.callbacksSent.length >= JOBS / 2 * 6 + JOBS / 2 * 3, 'every callback to be delivered');
    await auditAndRecord(p, 'provider duplicate/out-of-order callbacks', {
      began: ctx.began,
      outcome: 'clean',
      figures: async (report) => {
        const rows = await expectNotifiedOnce(p);
        expect(rows.filter((r) => r.accepted.join() !== 'complete,first,text').map((r) => `${r.id}: ${r.accepted.join()}`)).toEqual([]);
        const duplicates = rows.reduce((n, r) => n + r.duplicates, 0);
        expect(duplicates).toBe(JOBS / 2 * 3);
        expect(sim.callbacksSent.filter((c) => c.status !== 200)).toEqual([]);
        return figures(report, sim, `${JOBS / 2} jobs with every callback twice (${duplicates} duplicates logged, none applied), ${JOBS / 2} with complete before text/first`, `all settled ${(waited / 1000).toFixed(1)} s after the last submission`);
      },
    });
  }, 900_000);
});

describe(`chaos: a callback that arrives before the submit answer (${FULL ? 'full' : 'reduced'} profile)`, () => {
  // The first poll of a Suno job would come 5–10 min later: only the early callback can finish it in time.
  // The submit call waits for our answer to its callback: a generous timeout keeps a busy gateway from looking like a dead provider.
  const ctx = providerPlatform({ PROVIDER_POLL_BASE_MS: '600000', PROVIDER_POLL_MAX_MS: '600000', PROVIDER_HTTP_TIMEOUT_MS: '15000' });

  it('the early callback is not dropped: every job completes once with its versions', async () => {
    const { p, sim } = ctx;
    sim.faults.callbacks = 'early';
    // Waves smaller than the workers' 4 slots: with every slot busy submitting, the callback's continuation would
    // wait for a slot and run after the submission was recorded, hiding the race this experiment is about.
    let waited = 0;
    for (let left = JOBS; left > 0; left -= 3) {
      await load(p, Math.min(3, left), 0);
      waited = Math.max(waited, await p.settle(180_000));
    }
    await auditAndRecord(p, 'provider callback before submit answer', {
      began: ctx.began,
      outcome: 'clean',
      figures: async (report) => {
        const rows = await expectNotifiedOnce(p);
        // Each job got exactly its one callback, before we knew its task id, answered 2xx.
        expect(rows.filter((r) => r.accepted.join() !== 'complete').map((r) => `${r.id}: ${r.accepted.join()}`)).toEqual([]);
        expect(sim.callbacksSent.filter((c) => c.status !== 200)).toEqual([]);
        expect(generateCalls(sim)).toBe(JOBS);
        return figures(report, sim, `${JOBS} Suno tasks finished and called back before their submit answered`, `all settled ${(waited / 1000).toFixed(1)} s after the last submission`);
      },
    });
  }, 900_000);
});

describe(`chaos: callbacks that never arrive (${FULL ? 'full' : 'reduced'} profile)`, () => {
  const ctx = providerPlatform();

  it('polling completes every job', async () => {
    const { p, sim } = ctx;
    sim.faults.callbacks = 'never';
    await load(p, JOBS);
    const waited = await p.settle(SETTLE_MS);
    await auditAndRecord(p, 'provider callbacks never sent', {
      began: ctx.began,
      outcome: 'clean',
      figures: async (report) => {
        const rows = await expectNotifiedOnce(p);
        expect(rows.filter((r) => r.accepted.length > 0)).toEqual([]);
        expect(sim.callbacksSent).toEqual([]);
        expect(queries(sim)).toBeLessThanOrEqual(JOBS * 8);
        return figures(report, sim, `${JOBS} jobs, no callback at all`, `all settled ${(waited / 1000).toFixed(1)} s after the last submission`);
      },
    });
  }, 900_000);
});

async function waitUntil(check: () => boolean, what: string, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

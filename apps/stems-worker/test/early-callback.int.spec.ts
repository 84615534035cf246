import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CallbackLogsRepository, type Job } from '@muse/db';
import { startProviderSimulator, type ProviderSimulator } from '../../../test/simulators/provider-simulator.js';
import { waitFor } from '../../../test/support/env.js';
import { Harness } from './harness.js';

/**
 * A provider that finishes before its submit call answers (simulator callbacks: 'early'): its one final
 * callback reaches the gateway, is verified and logged, and is handed to the worker while the job has no
 * task id yet. The worker must still apply it once the submission is recorded: providers do not call again.
 *
 * The poll chain here starts 5–10 minutes after submitting (with callbacks expected it is the safety net,
 * and slower still), so within WAIT_MS only the early callback can finish a job. It gets its own harness
 * because the poll timing is a worker setting.
 */
describe('a provider callback that arrives before the submit answer (simulated Replicate and fal)', () => {
  const h = new Harness();
  let sim: ProviderSimulator;
  const logs = new CallbackLogsRepository();
  /** Far below the first poll (≥ 300 s): a job settled by then was finished by its callback. */
  const WAIT_MS = 60_000;

  beforeAll(async () => {
    sim = await startProviderSimulator({ stepMs: 120, warmAudio: true });
    await h.startWithSimulator('early-callback', sim, {
      PROVIDER_CALLBACK_BASE_URL: 'http://127.0.0.1:9',
      PROVIDER_POLL_BASE_MS: '600000',
      PROVIDER_POLL_MAX_MS: '600000',
      // The submit call waits for our answer to its callback: generous, so a busy gateway does not look like a dead provider.
      PROVIDER_HTTP_TIMEOUT_MS: '15000',
      PROVIDER_BREAKER_FAILURES: '50',
    });
  }, 180_000);
  afterEach(() => {
    sim.faults = {};
  });
  afterAll(async () => {
    await h.stop();
    await sim.close();
  });

  const settledByCallback = (id: string): Promise<Job> =>
    waitFor(async () => {
      const job = await h.jobs.findById(h.t.db, id);
      return job && ['completed', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
    }, `job ${id} to settle before its first poll`, WAIT_MS);

  /** After the early continuation and its re-run have both had time to land, nothing moved: one completion, one charge. */
  const expectCompletedOnce = async (job: Job, charged: Array<Array<string | number>>) => {
    await new Promise((r) => setTimeout(r, 1500));
    expect((await h.jobs.findById(h.t.db, job.id))!.completed_at).toEqual(job.completed_at);
    expect(charged.length).toBeLessThanOrEqual(1);
    expect(await h.ledgerOf(job.id)).toEqual(charged);
  };

  it('replicate_demucs: the early signed callback finishes the job, once, with its five stems', async () => {
    const { track } = await h.engineTrack(h.alice.id, 'stems whose callback comes first', 5);
    sim.faults.callbacks = 'early';
    const res = await h.call('POST', `/v1/tracks/${track.id}/stems`, h.alice.token, { mode: 'replicate_demucs' });
    expect(res.status).toBe(202);
    const charged = await h.ledgerOf(res.body.id);
    const job = await settledByCallback(res.body.id);
    expect(job).toMatchObject({ status: 'completed', provider: 'replicate' });

    // The one callback was sent (and answered) before the submission: the job then had no task id.
    const sent = sim.callbacksSent.filter((c) => c.taskId === job.provider_task_id);
    expect(sent).toEqual([{ taskId: job.provider_task_id, type: 'replicate:succeeded', status: 200 }]);
    const accepted = (await logs.listForJob(h.t.db, job.id)).filter((l) => l.dedup_key !== null);
    expect(accepted.map((l) => l.callback_type)).toEqual(['succeeded']);

    const rows = await h.t.db.selectFrom('track_stems').select(['stem_type', 'metadata']).where('track_id', '=', track.id).execute();
    expect(rows.map((r) => r.stem_type).sort()).toEqual(['bass', 'drums', 'instrumental', 'other', 'vocals']);
    for (const row of rows) expect(row.metadata).toMatchObject({ provider: 'replicate', provider_task_id: job.provider_task_id });
    expect((job.result as { stems: unknown[] }).stems).toHaveLength(5);
    await expectCompletedOnce(job, charged);
    expect(await h.t.db.selectFrom('track_stems').select('id').where('track_id', '=', track.id).execute()).toHaveLength(5);
  }, 240_000);

  it('description via fal: the early signed webhook finishes the job, once, with the provider sentence', async () => {
    const { track } = await h.engineTrack(h.alice.id, 'a description whose webhook comes first', 5);
    sim.faults.callbacks = 'early';
    const res = await h.call('POST', '/v1/descriptions', h.alice.token, { track_id: track.id, provider: 'fal' });
    expect(res.status).toBe(202);
    const charged = await h.ledgerOf(res.body.id);
    const job = await settledByCallback(res.body.id);
    expect(job).toMatchObject({ status: 'completed', provider: 'fal' });

    expect(sim.callbacksSent.filter((c) => c.taskId === job.provider_task_id)).toEqual([{ taskId: job.provider_task_id, type: 'fal:OK', status: 200 }]);
    const accepted = (await logs.listForJob(h.t.db, job.id)).filter((l) => l.dedup_key !== null);
    expect(accepted.map((l) => l.callback_type)).toEqual(['OK']);

    const row = await h.t.db.selectFrom('song_descriptions').selectAll().where('id', '=', job.resource_id!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'completed', ai_description: 'An upbeat simulated song with bright synths.', fal_request_id: job.provider_task_id });
    await expectCompletedOnce(job, charged);
  }, 240_000);
});

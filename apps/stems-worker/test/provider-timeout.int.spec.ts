import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startProviderSimulator, type ProviderSimulator } from '../../../test/simulators/provider-simulator.js';
import { Harness } from './harness.js';

/**
 * A provider task that never finishes: the poll chain (re-scheduled continuation jobs, no sleeping
 * worker) gives up at PROVIDER_TASK_TIMEOUT_MS and fails the job, not the user's fault, refunded;
 * 429s with Retry-After on the way are waited out, not counted as failures of the job.
 */
describe('provider task timeout (simulated Replicate that never finishes)', () => {
  const h = new Harness();
  let sim: ProviderSimulator;

  beforeAll(async () => {
    // One status step per minute: the prediction stays "starting" for the whole test.
    sim = await startProviderSimulator({ stepMs: 60_000 });
    await h.startWithSimulator('provider-timeout', sim, { PROVIDER_POLL_BASE_MS: '100', PROVIDER_POLL_MAX_MS: '400', PROVIDER_TASK_TIMEOUT_MS: '4000' });
  }, 180_000);
  afterAll(async () => {
    await h.stop();
    await sim.close();
  });

  it('fails the job as provider-timeout with a refund, after polls that met 429s', async () => {
    const { track } = await h.engineTrack(h.bob.id, 'never finishes', 5);
    sim.faults = { queryStatus: { status: 429, times: 2 } };
    const res = await h.call('POST', `/v1/tracks/${track.id}/stems`, h.bob.token, { mode: 'replicate_demucs' });
    expect(res.status).toBe(202);
    const job = await h.settled(res.body.id);
    expect(job).toMatchObject({ status: 'failed', provider: 'replicate', error: { code: 'provider-timeout' } });
    expect(sim.faults.queryStatus?.times).toBe(0); // the 429s were met and waited out
    const ledger = await h.ledgerOf(job.id);
    expect(ledger.reduce((sum, [, amount]) => sum + amount, 0)).toBe(0); // whatever was charged came back
    expect(await h.t.db.selectFrom('track_stems').select('id').where('track_id', '=', track.id).execute()).toHaveLength(0);
  }, 240_000);
});

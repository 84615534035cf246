import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProviderBreakers } from '@muse/platform';
import { startProviderSimulator, type ProviderSimulator } from '../../../test/simulators/provider-simulator.js';
import { waitFor } from '../../../test/support/env.js';
import { Harness } from './harness.js';

/**
 * A short provider outage: a few failed submits open Replicate's circuit breaker, and every job that reaches
 * the worker while it is open waits for it (a delayed queue job, no attempt used) instead of spending its
 * attempts on an open breaker within seconds and failing for good without one request sent.
 *
 * The breaker rests 12 s: longer than BullMQ's three attempts of a job take (~0, 2, 6 s), so without the
 * wait every job that meets the open breaker fails.
 */
describe('jobs that find the provider breaker open wait for it (simulated Replicate outage)', () => {
  const h = new Harness();
  let sim: ProviderSimulator;

  beforeAll(async () => {
    sim = await startProviderSimulator({ stepMs: 100, warmAudio: true });
    await h.startWithSimulator('breaker-wait', sim, {
      PROVIDER_POLL_BASE_MS: '150',
      PROVIDER_POLL_MAX_MS: '500',
      PROVIDER_TASK_TIMEOUT_MS: '120000',
      PROVIDER_BREAKER_FAILURES: '2',
      PROVIDER_BREAKER_RESET_MS: '12000',
    });
  }, 180_000);
  afterAll(async () => {
    await h.stop();
    await sim.close();
  });

  it('every job completes once the provider is back, each charged once, no job row over its attempts', async () => {
    const users = [h.alice, h.bob];
    const tracks = [];
    for (let i = 0; i < 6; i++) tracks.push({ user: users[i % 2]!, track: (await h.engineTrack(users[i % 2]!.id, `outage ${i}`, 5, 20 + i)).track });
    const submit = async ({ user, track }: (typeof tracks)[number]) => {
      const res = await h.call('POST', `/v1/tracks/${track.id}/stems`, user.token, { mode: 'replicate_demucs' });
      expect(res.status).toBe(202);
      return res.body.id as string;
    };

    // The outage: the next two submits fail with 503, which opens the breaker (PROVIDER_BREAKER_FAILURES=2).
    sim.faults = { submitStatus: { status: 503, times: 2, provider: 'replicate' } };
    const first = [await submit(tracks[0]!), await submit(tracks[1]!)];
    const breaker = h.worker.app.get(ProviderBreakers).get('replicate');
    await waitFor(async () => breaker.state === 'open' || undefined, 'the two failing submits to open the breaker', 60_000);
    expect(sim.generateCalls.replicate).toBe(2);
    // The provider is healthy again (the fault is used up), but the breaker stays open for a while: these
    // jobs reach the worker while it is.
    const meanwhile = [];
    for (const t of tracks.slice(2)) meanwhile.push(await submit(t));
    expect(breaker.state).toBe('open');

    const settled = await Promise.all([...first, ...meanwhile].map((id) => h.settled(id)));
    for (const [i, job] of settled.entries()) {
      expect({ id: job.id, status: job.status, error: job.error }).toEqual({ id: job.id, status: 'completed', error: null });
      expect(job.attempts).toBeLessThanOrEqual(job.max_attempts);
      const ledger = await h.ledgerOf(job.id);
      expect(ledger.filter(([reason]) => reason === 'refund')).toHaveLength(0);
      expect(ledger.length).toBeLessThanOrEqual(1);
      const stems = await h.t.db.selectFrom('track_stems').select('stem_type').where('track_id', '=', tracks[i]!.track.id).execute();
      expect(stems).toHaveLength(5);
    }
    // Waiting used no attempt: the jobs that met the open breaker first ran once; the first two twice (their 503, then success).
    expect(settled.slice(2).map((j) => j.attempts)).toEqual([1, 1, 1, 1]);
    expect(settled.slice(0, 2).map((j) => j.attempts)).toEqual([2, 2]);
    // And nothing was sent while the breaker was open: two failed submits, then one per job.
    expect(sim.generateCalls.replicate).toBe(2 + settled.length);
  }, 240_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { decodeMp3 } from '@muse/audio-engine';
import { correlation } from '@muse/audio-analysis';
import { Bucket, stemObjectKey, trackObjectKey } from '@muse/db';
import { waitFor } from '../../../test/support/env.js';
import { Harness } from './harness.js';

/** End to end over HTTP: the gateway accepts POST /v1/tracks/{id}/stems, the stems worker separates. */
describe('stems: gateway → queue → stems worker', () => {
  const h = new Harness();
  const stemRows = (trackId: string) => h.t.db.selectFrom('track_stems').selectAll().where('track_id', '=', trackId).execute();
  const hasStems = async (trackId: string) => (await h.t.db.selectFrom('tracks').select('has_stems').where('id', '=', trackId).executeTakeFirstOrThrow()).has_stems;
  const keyOf = (url: string) => decodeURIComponent(new URL(url).pathname.split(`/${Bucket.Stems}/`)[1]!);

  beforeAll(() => h.start('stems'));
  afterAll(() => h.stop());

  it('separates a local-engine track into its exact layers; the stems re-sum to the mix', async () => {
    const { track, mp3 } = await h.engineTrack(h.alice.id, 'bright pop song about the summer sea');
    const res = await h.call('POST', `/v1/tracks/${track.id}/stems`, h.alice.token, {});
    expect(res.status).toBe(202);
    expect(res.body.kind).toBe('stems');
    const job = await h.settled(res.body.id);
    expect(job.status).toBe('completed');
    const result = job.result as { method: string; stems: { stem_type: string; audio_url: string }[]; version_id: string };
    expect(result.method).toBe('engine-render');
    const rows = await stemRows(track.id);
    expect(rows.map((r) => r.stem_type).sort()).toEqual(['bass', 'drums', 'instrumental', 'other', 'vocals']);
    expect(rows.every((r) => r.separation_mode === 'local' && r.version_id === result.version_id)).toBe(true);
    expect(await hasStems(track.id)).toBe(true);
    // Every stem is a real MP3 at its design key; vocals + instrumental sound like the stored mix.
    const decoded: Record<string, Awaited<ReturnType<typeof decodeMp3>>> = {};
    for (const row of rows) {
      expect(keyOf(row.audio_url)).toBe(stemObjectKey(track.id, job.id, row.stem_type));
      decoded[row.stem_type] = await decodeMp3(await h.storage.get(Bucket.Stems, keyOf(row.audio_url)));
      expect(decoded[row.stem_type]!.durationSeconds).toBeGreaterThan(5.5);
    }
    const n = decoded.vocals!.left.length;
    const sum = { left: new Float32Array(n), right: new Float32Array(n) };
    for (const s of ['vocals', 'instrumental']) for (let i = 0; i < n; i++) { sum.left[i]! += decoded[s]!.left[i]!; sum.right[i]! += decoded[s]!.right[i]!; }
    expect(correlation(sum, await decodeMp3(mp3))).toBeGreaterThan(0.98);

    // A redelivered message for the finished job changes nothing.
    const queue = new Queue('stems', { connection: { url: h.env.REDIS_URL! }, prefix: h.env.QUEUE_PREFIX });
    await queue.add('stems.separate', { jobId: job.id, userId: h.alice.id, correlationId: 'redelivery' });
    await waitFor(async () => (await queue.getJobCounts('completed')).completed >= 2, 'the redelivery to be handled');
    await queue.close();
    expect((await stemRows(track.id)).map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect((await h.jobs.findById(h.t.db, job.id))!.result).toEqual(job.result);
  });

  it('splits a song rendered to a reference\'s tempo and key exactly too (its version records them)', async () => {
    const { track, params } = await h.engineTrack(h.alice.id, 'dreamy ambient pads', 6, 11, { tempoBpm: 131.6, key: 'E', mode: 'minor' });
    expect(params).toMatchObject({ tempoBpm: 132, key: 'E', mode: 'minor' });
    const res = await h.call('POST', `/v1/tracks/${track.id}/stems`, h.alice.token, {});
    expect(res.status).toBe(202);
    const job = await h.settled(res.body.id);
    expect(job).toMatchObject({ status: 'completed', result: { method: 'engine-render' } });
  });

  it('separates other audio with the DSP separator (a track whose audio the engine cannot reproduce)', async () => {
    const { track } = await h.engineTrack(h.alice.id, 'slow acoustic folk ballad with a gentle voice');
    // Renamed after generation: the engine would now render a different song, so the stored audio is "any audio".
    await h.t.db.updateTable('tracks').set({ title: 'Renamed' }).where('id', '=', track.id).execute();
    const res = await h.call('POST', `/v1/tracks/${track.id}/stems`, h.alice.token, { mode: 'local' });
    expect(res.status).toBe(202);
    const job = await h.settled(res.body.id);
    expect(job.status).toBe('completed');
    expect((job.result as { method: string }).method).toBe('dsp-masking');
    expect((await stemRows(track.id)).length).toBe(5);
  });

  it.each([
    ['truncated MP3', 'truncated-audio', (mp3: Buffer) => mp3.subarray(0, Math.floor(mp3.length * 0.6) + 7)],
    ['non-audio bytes', 'not-audio', () => Buffer.from('<html><body>this is not a song</body></html>'.repeat(200))],
    ['zero-length file', 'empty-audio', () => Buffer.alloc(0)],
  ])('fails the job on %s with a clear error and no rows', async (_name, code, corrupt) => {
    const { track, mp3 } = await h.engineTrack(h.alice.id, 'driving rock anthem');
    await h.storage.put(Bucket.Tracks, trackObjectKey(h.alice.id, track.id, 'audio.mp3', 0), corrupt(mp3), 'audio/mpeg');
    const res = await h.call('POST', `/v1/tracks/${track.id}/stems`, h.alice.token, {});
    expect(res.status).toBe(202);
    const job = await h.settled(res.body.id);
    expect(job.status).toBe('failed');
    expect((job.error as { code: string }).code).toBe(code);
    expect(job.attempts).toBe(1); // bad input is not retried
    expect(await stemRows(track.id)).toEqual([]);
    expect(await hasStems(track.id)).toBe(false);
    const seen = await h.call('GET', `/v1/jobs/${job.id}`, h.alice.token);
    expect(seen.body.status).toBe('failed');
  });

  it("refuses another user's track (404), provider modes (422) and bad bodies (400), creating nothing", async () => {
    const { track } = await h.engineTrack(h.alice.id, 'calm ambient pads');
    const before = await h.t.db.selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect((await h.call('POST', `/v1/tracks/${track.id}/stems`, h.bob.token, {})).status).toBe(404);
    await h.t.db.updateTable('tracks').set({ is_public: true }).where('id', '=', track.id).execute();
    expect((await h.call('POST', `/v1/tracks/${track.id}/stems`, h.bob.token, {})).status).toBe(404);
    expect((await h.call('POST', `/v1/tracks/${crypto.randomUUID()}/stems`, h.alice.token, {})).status).toBe(404);
    const provider = await h.call('POST', `/v1/tracks/${track.id}/stems`, h.alice.token, { mode: 'replicate_demucs' });
    expect(provider.status).toBe(422);
    expect(provider.body.detail).toMatch(/provider not configured/);
    expect((await h.call('POST', `/v1/tracks/${track.id}/stems`, h.alice.token, { mode: 'karaoke' })).status).toBe(400);
    expect((await h.call('POST', `/v1/tracks/${track.id}/stems`, h.alice.token, { extra: 1 })).status).toBe(400);
    expect((await h.call('POST', `/v1/tracks/${track.id}/stems`, h.alice.token, { version_id: crypto.randomUUID() })).status).toBe(404);
    expect((await h.call('POST', `/v1/tracks/${track.id}/stems`)).status).toBe(401);
    const after = await h.t.db.selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

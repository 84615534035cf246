import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeMp3, decodeWav, isWav } from '@muse/audio-engine';
import { CallbackLogsRepository } from '@muse/db';
import { signStandardWebhook, SunoClient } from '@muse/providers';
import { startProviderSimulator, type ProviderSimulator } from '../../../test/simulators/provider-simulator.js';
import { waitFor } from '../../../test/support/env.js';
import { Harness, PROVIDER_CALLBACK_SECRET } from './harness.js';

/**
 * The audio worker's provider paths, over HTTP, against the provider simulator: stems at Replicate
 * (Demucs) and descriptions at FAL. Files end in our S3, each job completes once whatever mix of
 * callbacks and polls reaches it, provider failures fail the job with a refund, and forged
 * callbacks are refused and logged.
 */
describe('audio worker provider paths (simulated providers)', () => {
  const h = new Harness();
  let sim: ProviderSimulator;
  const logs = new CallbackLogsRepository();

  beforeAll(async () => {
    // Result files rendered before listening: rendering on first request would stall the simulator.
    sim = await startProviderSimulator({ stepMs: 120, warmAudio: true });
    await h.startWithSimulator('audio-providers', sim, {
      SUNO_API_BASE_URL: sim.url,
      SUNO_API_KEY: sim.apiKey,
      MUREKA_API_BASE_URL: sim.url,
      MUREKA_API_KEY: sim.apiKey,
      // The gateway only needs to know Suno can call back; the worker gets the gateway's real URL.
      PROVIDER_CALLBACK_BASE_URL: 'http://127.0.0.1:9',
      PROVIDER_POLL_BASE_MS: '150',
      PROVIDER_POLL_MAX_MS: '500',
      PROVIDER_TASK_TIMEOUT_MS: '60000',
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

  const ledgerOf = async (userId: string, jobId: string) =>
    (await h.t.db.selectFrom('credit_transactions').select(['reason', 'amount']).where('user_id', '=', userId).where('job_id', '=', jobId).execute())
      .map((l) => [l.reason === 'refund' ? 'refund' : 'debit', Number(l.amount)])
      .sort();

  it('replicate_demucs: five stems in our S3, provider and task recorded, callback and polls applied once', async () => {
    const { track } = await h.engineTrack(h.alice.id, 'bright pop for provider stems', 5);
    const res = await h.call('POST', `/v1/tracks/${track.id}/stems`, h.alice.token, { mode: 'replicate_demucs' });
    expect(res.status).toBe(202);
    const job = await h.settled(res.body.id);
    expect(job).toMatchObject({ status: 'completed', provider: 'replicate' });
    expect(job.provider_task_id).toBeTruthy();
    expect(sim.predictions.get(job.provider_task_id!)).toBeDefined();

    const rows = await h.t.db.selectFrom('track_stems').selectAll().where('track_id', '=', track.id).execute();
    expect(rows.map((r) => r.stem_type).sort()).toEqual(['bass', 'drums', 'instrumental', 'other', 'vocals']);
    for (const row of rows) {
      expect(row.separation_mode).toBe('replicate_demucs');
      expect(row.audio_url!.startsWith(sim.url)).toBe(false);
      expect(row.audio_url).toMatch(new RegExp(`/stems/${track.id}/${job.id}/${row.stem_type}\\.(wav|mp3)$`));
      const bytes = new Uint8Array(await (await fetch(row.audio_url!)).arrayBuffer());
      const audio = isWav(bytes) ? decodeWav(bytes) : await decodeMp3(bytes);
      expect(audio.durationSeconds).toBeGreaterThan(4);
      expect(row.metadata).toMatchObject({ provider: 'replicate', provider_task_id: job.provider_task_id });
    }
    expect((job.result as { stems: unknown[] }).stems).toHaveLength(5);
    expect(await h.tracks.findById(h.t.db, track.id)).toMatchObject({ has_stems: true });

    // The signed completion callback reached the gateway and was logged; whichever of it and the polls came second changed nothing.
    const logged = await logs.listForJob(h.t.db, job.id);
    expect(logged.some((l) => l.callback_type === 'succeeded' && !l.error_message)).toBe(true);
    const again = await h.jobs.findById(h.t.db, job.id);
    expect(again!.completed_at).toEqual(job.completed_at);
    const charged = await debitOf(job.id);
    expect(await ledgerOf(h.alice.id, job.id)).toEqual(charged === 0 ? [] : [['debit', -charged]]);
  }, 240_000);

  it('duplicate callbacks and polls racing: one set of stems, one completion; callbacks that never come: polling finishes', async () => {
    const { track } = await h.engineTrack(h.alice.id, 'duplicate callbacks', 5);
    sim.faults.callbacks = 'duplicate';
    const dup = await h.call('POST', `/v1/tracks/${track.id}/stems`, h.alice.token, { mode: 'replicate_demucs' });
    const first = await h.settled(dup.body.id);
    expect(first.status).toBe('completed');
    // Give the second delivery and the pending polls time to arrive, then check nothing was applied twice.
    await new Promise((r) => setTimeout(r, 1500));
    const rows = await h.t.db.selectFrom('track_stems').select(['id', 'metadata']).where('track_id', '=', track.id).execute();
    expect(rows).toHaveLength(5);
    expect((await h.jobs.findById(h.t.db, first.id))!.completed_at).toEqual(first.completed_at);
    // Both deliveries were accepted and handed to the worker; the second found the job finished.
    const sent = sim.callbacksSent.filter((c) => c.taskId === first.provider_task_id && c.type === 'replicate:succeeded');
    expect(sent.map((c) => c.status)).toEqual([200, 200]);
    // A replay of a delivery (same webhook-id) is a duplicate: logged as such, nothing queued.
    expect(await sim.replayLastWebhook()).toBe(200);
    const logged = await logs.listForJob(h.t.db, first.id);
    expect(logged.filter((l) => l.callback_type === 'succeeded')).toHaveLength(2);
    expect(logged.filter((l) => l.callback_type === 'duplicate:succeeded')).toHaveLength(1);
    expect((await h.jobs.findById(h.t.db, first.id))!.completed_at).toEqual(first.completed_at);

    sim.faults.callbacks = 'never';
    const { track: quiet } = await h.engineTrack(h.alice.id, 'no callbacks', 5);
    const polled = await h.call('POST', `/v1/tracks/${quiet.id}/stems`, h.alice.token, { mode: 'replicate_demucs' });
    expect(await h.settled(polled.body.id)).toMatchObject({ status: 'completed', provider: 'replicate' });
    expect(await logs.listForJob(h.t.db, polled.body.id)).toHaveLength(0);
  }, 240_000);

  it('a provider failure fails the job and refunds; a private-address result is refused', async () => {
    const { track } = await h.engineTrack(h.bob.id, 'failing stems', 5);
    sim.faults.failTasks = true;
    const res = await h.call('POST', `/v1/tracks/${track.id}/stems`, h.bob.token, { mode: 'replicate_demucs' });
    const failed = await h.settled(res.body.id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'provider-failed' } });
    const debit = await debitOf(failed.id);
    expect(await ledgerOf(h.bob.id, failed.id)).toEqual(debit === 0 ? [] : [['debit', -debit], ['refund', debit]]);
    expect(await h.t.db.selectFrom('track_stems').select('id').where('track_id', '=', track.id).execute()).toHaveLength(0);

    sim.faults = { resultUrls: 'private-address' };
    const priv = await h.call('POST', `/v1/tracks/${track.id}/stems`, h.bob.token, { mode: 'replicate_demucs' });
    expect(await h.settled(priv.body.id)).toMatchObject({ status: 'failed', error: { code: 'provider-result-refused' } });
  }, 240_000);

  it('forged callbacks are refused and logged; unconfigured modes answer 422 and create nothing', async () => {
    const { track } = await h.engineTrack(h.alice.id, 'forged', 5);
    sim.faults.callbacks = 'never';
    const res = await h.call('POST', `/v1/tracks/${track.id}/stems`, h.alice.token, { mode: 'replicate_demucs' });
    const jobId = res.body.id as string;
    const body = JSON.stringify({ id: 'forged-prediction', status: 'succeeded', output: { vocals: 'http://10.0.0.1/x.mp3' } });
    const post = (query: string, headers: Record<string, string> = {}) => fetch(`${h.base}/v1/webhooks/replicate?${query}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await post(`job=${jobId}&token=${'x'.repeat(43)}`)).status).toBe(401);
    // The right URL token but no valid Replicate signature (or one made with another key): still refused.
    const { callbackUrl } = await import('@muse/providers');
    const url = new URL(callbackUrl(h.base, PROVIDER_CALLBACK_SECRET, 'replicate', jobId));
    expect((await post(url.searchParams.toString())).status).toBe(401);
    const ts = Math.floor(Date.now() / 1000);
    const wrongKey = `whsec_${Buffer.from('not-the-replicate-secret').toString('base64')}`;
    expect((await post(url.searchParams.toString(), { 'webhook-id': 'msg_forged', 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(wrongKey, 'msg_forged', ts, body) })).status).toBe(401);
    const rejected = (await logs.listForJob(h.t.db, jobId)).filter((l) => l.callback_type === 'rejected');
    expect(rejected.length).toBeGreaterThanOrEqual(2);
    const job = await h.settled(jobId);
    expect(job.status).toBe('completed');
    expect((job.result as { stems: Array<{ audio_url: string }> }).stems.every((s) => !s.audio_url.includes('10.0.0.1'))).toBe(true);

    const before = await h.jobCount();
    // Suno separates only songs it made: an engine track is refused up front.
    const suno = await h.call('POST', `/v1/tracks/${track.id}/stems`, h.alice.token, { mode: 'suno_stems' });
    expect(suno.status).toBe(422);
    expect(suno.body).toMatchObject({ type: expect.stringContaining('provider-unavailable') });
    const recognition = await h.call('POST', '/v1/recognitions', h.alice.token, { audio_file_url: 'http://example.com/a.mp3', provider: 'mureka' });
    expect(recognition.status).toBe(422); // not a file of ours
    expect(await h.jobCount()).toBe(before);
  }, 240_000);

  it('suno_stems on a Suno-made song: Suno\'s separation (vocals, instrumental, drums, bass, other mixed from its instruments) in our S3', async () => {
    // A song Suno made (at the simulator), as the generation worker would have recorded it on the track and version.
    const taskId = await new SunoClient({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 5000 }).generate({ customMode: false, instrumental: false, model: 'V4_5', callBackUrl: 'http://127.0.0.1:9/ignored', prompt: 'sunny reggae' });
    const { track } = await h.engineTrack(h.alice.id, 'made at suno', 5);
    await h.t.db.updateTable('tracks').set({ provider: 'suno', suno_id: taskId }).where('id', '=', track.id).execute();
    await h.t.db.updateTable('track_versions').set({ metadata: JSON.stringify({ provider: 'suno', provider_task_id: taskId, provider_clip_id: `${taskId}-0` }) }).where('parent_track_id', '=', track.id).execute();
    const res = await h.call('POST', `/v1/tracks/${track.id}/stems`, h.alice.token, { mode: 'suno_stems' });
    expect(res.status).toBe(202);
    const job = await h.settled(res.body.id);
    expect(job).toMatchObject({ status: 'completed', provider: 'suno', result: { mode: 'suno_stems' } });
    const rows = await h.t.db.selectFrom('track_stems').selectAll().where('track_id', '=', track.id).execute();
    expect(rows.map((r) => r.stem_type).sort()).toEqual(['bass', 'drums', 'instrumental', 'other', 'vocals']);
    for (const row of rows) {
      expect(row).toMatchObject({ separation_mode: 'suno_stems', suno_task_id: job.provider_task_id });
      expect(row.audio_url!.startsWith(sim.url)).toBe(false);
    }
  }, 240_000);

  it('classification via Replicate: the requested ranking is the provider\'s, the prediction id on the classification job', async () => {
    const { track } = await h.engineTrack(h.alice.id, 'classify me at replicate', 5);
    const res = await h.call('POST', `/v1/tracks/${track.id}/classifications`, h.alice.token, { classifier_type: 'mood', provider: 'replicate' });
    expect(res.status).toBe(202);
    const job = await h.settled(res.body.id);
    expect(job).toMatchObject({ status: 'completed', provider: 'replicate', result: { classifier_type: 'mood' } });
    const ranked = (job.result as { ranked: Array<{ label: string; score: number }> }).ranked;
    expect(ranked[0]).toMatchObject({ label: 'happy' });
    const cj = await h.t.db.selectFrom('classification_jobs').selectAll().where('classification_id', '=', job.resource_id!).executeTakeFirstOrThrow();
    expect(cj.replicate_prediction_id).toBe(job.provider_task_id);
    const row = await h.t.db.selectFrom('music_classifications').selectAll().where('id', '=', job.resource_id!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'completed', mood_detected: 'happy' });
  }, 240_000);

  it('description via FAL: the provider sentence, our measurements, the request id on the row', async () => {
    const { track } = await h.engineTrack(h.alice.id, 'a description at fal', 5);
    const res = await h.call('POST', '/v1/descriptions', h.alice.token, { track_id: track.id, provider: 'fal' });
    expect(res.status).toBe(202);
    const job = await h.settled(res.body.id);
    expect(job).toMatchObject({ status: 'completed', provider: 'fal' });
    const row = await h.t.db.selectFrom('song_descriptions').selectAll().where('id', '=', job.resource_id!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'completed', ai_description: 'An upbeat simulated song with bright synths.', detected_genre: 'pop', detected_mood: 'happy', fal_request_id: job.provider_task_id });
    expect(row.tempo).toBeGreaterThan(0);
    expect(row.metadata).toMatchObject({ description_by: 'fal' });
    // fal's signed completion delivery was verified against its JWKS and accepted (or the poll got there first; either way logged once).
    const accepted = (await logs.listForJob(h.t.db, job.id)).filter((l) => l.dedup_key !== null);
    expect(accepted.map((l) => l.callback_type)).toEqual(['OK']);
    const viz = (row.metadata as { visualization_url: string }).visualization_url;
    expect(viz.startsWith(sim.url)).toBe(false);
    expect((await fetch(viz)).headers.get('content-type')).toBe('image/jpeg');
  }, 240_000);

  it('recognition via Mureka: the file uploaded, the lyrics it hears transcribed with times, the title from our own fingerprint match', async () => {
    const { track } = await h.engineTrack(h.alice.id, 'a song for mureka to hear', 12, 77);
    await waitFor(async () => (await h.t.db.selectFrom('audio_fingerprint_tracks').select('track_id').where('track_id', '=', track.id).execute()).length === 1, 'the track to be indexed', 60_000);
    const master = await h.t.db.selectFrom('tracks').select(['audio_url', 'title']).where('id', '=', track.id).executeTakeFirstOrThrow();
    const uploadsBefore = sim.uploads.size;
    const res = await h.call('POST', '/v1/recognitions', h.alice.token, { audio_file_url: master.audio_url, provider: 'mureka' });
    expect(res.status).toBe(202);
    const job = await h.settled(res.body.id);
    expect(job).toMatchObject({ status: 'completed', provider: 'mureka' });
    expect(sim.uploads.size).toBe(uploadsBefore + 1);
    const row = await h.t.db.selectFrom('song_recognitions').selectAll().where('id', '=', job.resource_id!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'completed', recognized_title: master.title ?? 'Untitled' });
    const metadata = row.metadata as { method: string; transcribed_by: string; lyrics: { lines: Array<{ text: string; start: number; end: number }> } };
    expect(metadata).toMatchObject({ method: 'landmark-fingerprint', transcribed_by: 'mureka' });
    expect(metadata.lyrics.lines.length).toBeGreaterThan(0);
    for (const line of metadata.lyrics.lines) expect(line.end).toBeGreaterThan(line.start);
    expect(job.result).toMatchObject({ recognized: true, transcribed_by: 'mureka' });
  }, 240_000);

  /** What the job was charged (the plan's price list decides; 0 on free kinds). */
  async function debitOf(jobId: string): Promise<number> {
    const rows = await h.t.db.selectFrom('credit_transactions').select(['amount']).where('job_id', '=', jobId).where('amount', '<', 0).execute();
    return -rows.reduce((s, r) => s + Number(r.amount), 0);
  }
});

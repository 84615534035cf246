import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeMp3, decodeWav } from '@muse/audio-engine';
import { CallbackLogsRepository } from '@muse/db';
import { startProviderSimulator, type ProviderSimulator } from '../../../test/simulators/provider-simulator.js';
import { download, StudioPlatform, type User } from './studio-harness.js';

/**
 * The studio kinds' provider paths over HTTP against the provider simulator: upscale and
 * transformation at Replicate. Results are stored in our S3 under the local paths' keys, each job
 * completes once (a signed callback and the polls both reach it), provider failures fail the job
 * and refund it, and kinds whose provider is not configured answer 422 without creating anything.
 */
describe('studio kinds at providers (simulated)', () => {
  const p = new StudioPlatform();
  let sim: ProviderSimulator;
  let alice: User;
  const logs = new CallbackLogsRepository();

  beforeAll(async () => {
    // Result files rendered before listening: rendering on first request would stall the simulator.
    sim = await startProviderSimulator({ stepMs: 120, warmAudio: true });
    await p.start({
      env: {
        REPLICATE_API_BASE_URL: sim.url,
        REPLICATE_API_TOKEN: sim.apiKey,
        REPLICATE_WEBHOOK_SECRET: sim.replicateWebhookSecret,
        SUNO_API_BASE_URL: sim.url,
        SUNO_API_KEY: sim.apiKey,
        MUREKA_API_BASE_URL: sim.url,
        MUREKA_API_KEY: sim.apiKey,
        // The gateway only needs to know Suno can call back; the worker gets the gateway's real URL below.
        PROVIDER_CALLBACK_BASE_URL: 'http://127.0.0.1:9',
        PROVIDER_CALLBACK_SECRET: 'provider-callback-secret-for-tests-0123456789',
        PROVIDER_ALLOW_PRIVATE_HOSTS: '127.0.0.1/32',
        PROVIDER_POLL_BASE_MS: '150',
        PROVIDER_POLL_MAX_MS: '500',
        PROVIDER_HTTP_TIMEOUT_MS: '10000',
        PROVIDER_DOWNLOAD_TIMEOUT_MS: '10000',
        PROVIDER_TASK_TIMEOUT_MS: '60000',
        PROVIDER_BREAKER_FAILURES: '50',
      },
      // Lyrics fall back from Suno to Mureka when Suno fails or its breaker is open.
      workerEnv: (gatewayUrl) => ({ PROVIDER_CALLBACK_BASE_URL: gatewayUrl, PROVIDER_TASK_FALLBACKS: 'lyrics=mureka' }),
    });
    alice = await p.signup('studio-providers@example.com');
  }, 180_000);
  afterAll(async () => {
    await p.stop();
    await sim.close();
  });

  const ledgerOf = async (jobId: string) =>
    (await p.t.db.selectFrom('credit_transactions').select(['reason', 'amount']).where('job_id', '=', jobId).execute()).map((l) => [l.reason === 'refund' ? 'refund' : 'debit', Number(l.amount)]).sort();

  it('upscale at Replicate: a 48 kHz file in our S3 under the local key, provider and prediction on the job and the row, applied once', async () => {
    const song = await p.song(alice, 6);
    const res = await p.call('POST', '/v1/upscales', { token: alice.token, body: { track_id: song.trackId, model_version: 'stable-audio-open', ddim_steps: 20 } });
    expect(res.status).toBe(202);
    const done = await p.settled(alice, res.body.id);
    expect(done).toMatchObject({ status: 'completed', result: { provider: 'replicate', sample_rate: 48_000 } });
    const job = await p.t.db.selectFrom('jobs').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(job.provider).toBe('replicate');
    const row = await p.t.db.selectFrom('audio_upscale_jobs').selectAll().where('id', '=', job.resource_id!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'completed', replicate_prediction_id: job.provider_task_id, model_version: 'stable-audio-open' });
    expect(row.output_audio_url!.startsWith(sim.url)).toBe(false);
    expect(row.output_audio_url).toContain(`/${alice.id}/${song.trackId}/`);
    expect(row.output_audio_url).toContain('audio-48k.wav');
    const wav = decodeWav(await download(row.output_audio_url!));
    expect(wav.sampleRate).toBe(48_000);
    expect(wav.durationSeconds).toBeGreaterThan(4);
    // The signed completion callback was accepted; a later poll or callback found the job finished.
    expect((await logs.listForJob(p.t.db, job.id)).some((l) => l.callback_type === 'succeeded' && !l.error_message)).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    const again = await p.t.db.selectFrom('jobs').select(['completed_at', 'status']).where('id', '=', job.id).executeTakeFirstOrThrow();
    expect(again).toEqual({ completed_at: job.completed_at, status: 'completed' });
    expect(await p.t.db.selectFrom('notifications').select('id').where('user_id', '=', alice.id).where('title', '=', 'Your upscaled audio is ready').execute()).toHaveLength(1);
  }, 240_000);

  it('transformation at Replicate: the project gets the provider result as its processed audio and one new version', async () => {
    const song = await p.song(alice, 6);
    const project = await p.t.db.insertInto('projects').values({ user_id: alice.id, title: 'Provider demo', original_audio_path: song.versions[0].audio_url, duration_seconds: '6' }).returning('id').executeTakeFirstOrThrow();
    const res = await p.call('POST', `/v1/projects/${project.id}/transformations`, { token: alice.token, body: { transformation_type: 'orchestral', provider: 'replicate', parameters: { duration_seconds: 5 } } });
    expect(res.status).toBe(202);
    const done = await p.settled(alice, res.body.id);
    expect(done).toMatchObject({ status: 'completed', result: { provider: 'replicate', project_version: { version_number: 1 } } });
    const row = await p.t.db.selectFrom('ai_transformations').selectAll().where('project_id', '=', project.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('completed');
    expect(row.replicate_prediction_id).toBeTruthy();
    expect(row.output_audio_path!.startsWith(sim.url)).toBe(false);
    const stored = await p.t.db.selectFrom('projects').select('processed_audio_path').where('id', '=', project.id).executeTakeFirstOrThrow();
    expect(stored.processed_audio_path).toBe(row.output_audio_path);
    const audio = await decodeMp3(await download(row.output_audio_path!));
    expect(audio.durationSeconds).toBeGreaterThan(3);
    expect(await p.t.db.selectFrom('project_versions').select('id').where('project_id', '=', project.id).execute()).toHaveLength(1);
  }, 240_000);

  it('a provider failure fails the job with a refund; polling alone finishes when callbacks never come', async () => {
    const song = await p.song(alice, 6);
    sim.faults = { failTasks: true };
    const res = await p.call('POST', '/v1/upscales', { token: alice.token, body: { track_id: song.trackId, model_version: 'audioldm2' } });
    const failed = await p.settled(alice, res.body.id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'provider-failed' } });
    const ledger = await ledgerOf(res.body.id);
    const debit = ledger.find(([kind]) => kind === 'debit');
    expect(ledger).toEqual(debit ? [['debit', debit[1]], ['refund', -Number(debit[1])]] : []);
    const row = await p.t.db.selectFrom('audio_upscale_jobs').select(['status', 'error_message']).where('id', '=', failed.resource.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('failed');

    sim.faults = { callbacks: 'never' };
    const quiet = await p.call('POST', '/v1/upscales', { token: alice.token, body: { track_id: song.trackId, model_version: 'stable-audio-open' } });
    expect(await p.settled(alice, quiet.body.id)).toMatchObject({ status: 'completed', result: { provider: 'replicate' } });
    expect(await logs.listForJob(p.t.db, quiet.body.id)).toHaveLength(0);
    sim.faults = {};
  }, 240_000);

  it('lyrics at Mureka (answered at once) and at Suno (a task finished by callback or poll): the provider\'s variants, its task id on the row', async () => {
    const mureka = await p.call('POST', '/v1/lyrics', { token: alice.token, body: { prompt: 'the harbour at dawn', provider: 'mureka', variants: 2 } });
    expect(mureka.status).toBe(202);
    const m = await p.settled(alice, mureka.body.id);
    expect(m).toMatchObject({ status: 'completed', result: { provider: 'mureka', writer: 'mureka' } });
    expect(m.result.variants.length).toBeGreaterThanOrEqual(1);
    expect(m.result.variants.length).toBeLessThanOrEqual(2);
    expect(m.result.variants[0].content.length).toBeGreaterThan(10);

    const suno = await p.call('POST', '/v1/lyrics', { token: alice.token, body: { prompt: 'the harbour at dawn', provider: 'suno' } });
    expect(suno.status).toBe(202);
    const done = await p.settled(alice, suno.body.id);
    expect(done).toMatchObject({ status: 'completed', result: { provider: 'suno', writer: 'suno' } });
    const job = await p.t.db.selectFrom('jobs').selectAll().where('id', '=', suno.body.id).executeTakeFirstOrThrow();
    const row = await p.t.db.selectFrom('lyrics_jobs').selectAll().where('id', '=', job.resource_id!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'completed', provider: 'suno', suno_task_id: job.provider_task_id });
    const variants = await p.t.db.selectFrom('lyrics_variants').selectAll().where('job_id', '=', row.id).execute();
    expect(variants.length).toBe(done.result.variants.length);
  }, 240_000);

  it('failover: with Suno failing, lyrics asked of Suno are written by the next provider in the kind\'s fallback list', async () => {
    sim.faults = { submitStatus: { status: 500, times: 1, provider: 'suno' } };
    const res = await p.call('POST', '/v1/lyrics', { token: alice.token, body: { prompt: 'a lighthouse keeper', provider: 'suno' } });
    expect(res.status).toBe(202);
    const done = await p.settled(alice, res.body.id);
    sim.faults = {};
    expect(done).toMatchObject({ status: 'completed', result: { provider: 'mureka', writer: 'mureka' } });
    const job = await p.t.db.selectFrom('jobs').select(['provider', 'resource_id']).where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(job.provider).toBe('mureka');
    const row = await p.t.db.selectFrom('lyrics_jobs').select(['provider', 'status']).where('id', '=', job.resource_id!).executeTakeFirstOrThrow();
    expect(row).toEqual({ provider: 'mureka', status: 'completed' });
  }, 240_000);

  it('a Suno-made version: WAV converted, a persona made and a section replaced at Suno (task ids on the rows, files in our S3); a local version stays local', async () => {
    const gen = await p.call('POST', '/v1/generations', { token: alice.token, body: { prompt: 'sunny reggae about the sea', provider: 'suno' } });
    expect(gen.status).toBe(202);
    const made = await p.settled(alice, gen.body.id);
    expect(made.status).toBe('completed');
    const res = await p.call('POST', `/v1/tracks/${made.resource.id}/wav`, { token: alice.token, body: {} });
    expect(res.status).toBe(202);
    const done = await p.settled(alice, res.body.id);
    expect(done).toMatchObject({ status: 'completed', result: { provider: 'suno', sample_rate: 44_100 } });
    const job = await p.t.db.selectFrom('jobs').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    const row = await p.t.db.selectFrom('wav_jobs').selectAll().where('id', '=', job.resource_id!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'completed', suno_task_id: job.provider_task_id });
    expect(row.wav_url!.startsWith(sim.url)).toBe(false);
    expect(row.wav_url).toContain(`/${alice.id}/${made.resource.id}/`);
    const wav = decodeWav(await download(row.wav_url!));
    expect(wav.durationSeconds).toBeGreaterThan(4);

    // A persona taken from the same Suno-made song is made at Suno; its persona id lands on the row.
    const persona = await p.call('POST', '/v1/personas', { token: alice.token, body: { name: 'Sunny voice', source_track_id: made.resource.id, provider: 'suno' } });
    expect(persona.status).toBe(202);
    const personaJob = await p.settled(alice, persona.body.id);
    expect(personaJob).toMatchObject({ status: 'completed', result: { provider: 'suno' } });
    const personaRow = await p.t.db.selectFrom('suno_personas').selectAll().where('id', '=', personaJob.resource.id).executeTakeFirstOrThrow();
    expect(personaRow.suno_persona_id).toBe(personaJob.result.provider_persona_id);
    expect(personaRow.suno_persona_id).toBeTruthy();

    // Section replacement at Suno (6–60 s as published; the simulator's songs are short, so the version claims 30 s here).
    const master = (await p.t.db.selectFrom('track_versions').selectAll().where('parent_track_id', '=', made.resource.id).where('is_primary_variant', '=', true).executeTakeFirstOrThrow());
    await p.t.db.updateTable('track_versions').set({ duration: 30 }).where('id', '=', master.id).execute();
    expect((await p.call('POST', `/v1/tracks/${made.resource.id}/sections`, { token: alice.token, body: { replaced_start_s: 5, replaced_end_s: 9, prompt: 'a brass break', provider: 'suno' } })).status).toBe(422);
    const section = await p.call('POST', `/v1/tracks/${made.resource.id}/sections`, { token: alice.token, body: { replaced_start_s: 5, replaced_end_s: 15, prompt: 'a brass break', provider: 'suno' } });
    expect(section.status).toBe(202);
    const replaced = await p.settled(alice, section.body.id);
    expect(replaced).toMatchObject({ status: 'completed', result: { provider: 'suno', source_version_id: master.id } });
    const newVersion = await p.t.db.selectFrom('track_versions').selectAll().where('id', '=', replaced.result.version.id).executeTakeFirstOrThrow();
    expect(newVersion.audio_url!.startsWith(sim.url)).toBe(false);
    expect(newVersion.metadata).toMatchObject({ provider: 'suno', section_replacement_id: replaced.resource.id });
    expect((await decodeMp3(await download(newVersion.audio_url!))).durationSeconds).toBeGreaterThan(3);
    const sectionRow = await p.t.db.selectFrom('track_section_replacements').selectAll().where('id', '=', replaced.resource.id).executeTakeFirstOrThrow();
    expect(sectionRow).toMatchObject({ status: 'completed', suno_task_id: (await p.t.db.selectFrom('jobs').select('provider_task_id').where('id', '=', section.body.id).executeTakeFirstOrThrow()).provider_task_id });
    expect((await p.t.db.selectFrom('track_versions').select('audio_url').where('id', '=', master.id).executeTakeFirstOrThrow()).audio_url).toBe(master.audio_url);

    const local = await p.song(alice, 5);
    // Suno cannot make a persona (or a WAV) of a song it did not generate: refused up front, nothing created.
    const jobsBefore = await p.count('jobs');
    expect((await p.call('POST', '/v1/personas', { token: alice.token, body: { name: 'Nope', source_track_id: local.trackId, provider: 'suno' } })).status).toBe(422);
    expect(await p.count('jobs')).toBe(jobsBefore);
    const localWav = await p.call('POST', `/v1/tracks/${local.trackId}/wav`, { token: alice.token, body: {} });
    expect(await p.settled(alice, localWav.body.id)).toMatchObject({ status: 'completed', result: { sample_rate: 44_100 } });
    expect((await p.t.db.selectFrom('jobs').select('provider').where('id', '=', localWav.body.id).executeTakeFirstOrThrow()).provider).toBe('local');
  }, 240_000);

  it('kinds whose provider is not configured here answer 422 and create nothing', async () => {
    const before = await p.count('jobs');
    const lyrics = await p.call('POST', '/v1/lyrics', { token: alice.token, body: { prompt: 'the sea', provider: 'openai' } });
    expect(lyrics.status).toBe(422);
    expect(lyrics.body.type).toContain('provider-unavailable');
    expect(await p.count('jobs')).toBe(before);
  }, 60_000);
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runAnalyzeTaskInline } from '@muse/audio-analysis';
import { decodeMp3, deriveSongParams, encodeMp3, encodeWav, generateVariant, scanMp3Frames } from '@muse/audio-engine';
import { AccountsRepository, CreditsRepository, JobsRepository, TracksRepository, type Database, type Job } from '@muse/db';
import { loadConfig, type WorkerService } from '@muse/platform';
import { StorageService } from '@muse/storage';
import { createGateway, type Gateway } from '../../api-gateway/src/bootstrap.js';
import { GatewayConfig } from '../../api-gateway/src/config.js';
import { GenerationWorkerConfig, startGenerationWorker } from '../src/bootstrap.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';
import { startProviderSimulator, type ProviderSimulator } from '../../../test/simulators/provider-simulator.js';

/**
 * reference_audio_url through the public API, the real gateway and generation worker, every music
 * provider: the local engine renders at the reference's tempo and key; Suno gets upload-cover with
 * uploadUrl (the simulator downloads it); Mureka gets the reference uploaded and its id. The reference
 * is served by a local HTTP server the SSRF policy allows (PROVIDER_ALLOW_PRIVATE_HOSTS), as provider
 * results are in the other tests. A reference that cannot be used fails the job as the user's, refunded.
 */
describe('generation with a reference recording (reference_audio_url)', () => {
  let t: TestDatabase;
  let db: Database;
  let sim: ProviderSimulator;
  let gateway: Gateway;
  let gatewayUrl: string;
  let worker: WorkerService | undefined;
  let env: Record<string, string>;
  let server: http.Server;
  let refBase: string;
  let token: string;
  let userId: string;
  const jobs = new JobsRepository();
  const tracks = new TracksRepository();
  const hits: Record<string, number> = {};
  const SECRET = 'provider-callback-secret-for-tests-0123456789';
  // The reference: 15 s of the engine's own funk at 132 BPM in E minor.
  const REFERENCE_BPM = 132;
  const reference = generateVariant({ prompt: 'energetic funk groove 132 bpm in E minor', durationSeconds: 15, seed: 7 }, 0).mp3;
  let referenceWav: Buffer;
  // Two seconds of a tone: real MP3, too short to hold a tempo.
  const tone = Float32Array.from({ length: 2 * 44_100 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 44_100));
  const shortMp3 = encodeMp3({ left: tone, right: tone }, 44_100);
  let flakyServed = 0;

  const startWorker = async (extra: Record<string, string> = {}) => {
    worker = await startGenerationWorker(loadConfig(GenerationWorkerConfig, { ...env, ...extra }), { listen: false });
  };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${gatewayUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const generate = async (body: Record<string, unknown>) => {
    const created = await call('POST', '/v1/generations', { prompt: 'sunny reggae about the sea', duration_seconds: 12, ...body });
    expect(created.status).toBe(202);
    return settled(created.body.id as string);
  };
  const settled = (id: string) =>
    waitFor(async () => {
      const job = await jobs.findById(db, id);
      return job && ['completed', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
    }, `job ${id} to settle`, 90_000);
  const ledgerOf = async (job: Job) =>
    (await new CreditsRepository().ledger(db, userId, 100)).filter((l) => l.job_id === job.id).map((l) => [l.reason === 'refund' ? 'refund' : 'debit', l.amount]).sort();

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
    sim = await startProviderSimulator({ stepMs: 150 });
    const pcm = await decodeMp3(reference);
    referenceWav = encodeWav(pcm, pcm.sampleRate, 16);
    server = http.createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://ref').pathname;
      hits[path] = (hits[path] ?? 0) + 1;
      const send = (status: number, type: string, body: Buffer | string) => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      if (path === '/reference.mp3') return send(200, 'audio/mpeg', reference);
      if (path === '/reference.wav') return send(200, 'audio/wav', referenceWav);
      if (path === '/page.html') return send(200, 'text/html', '<html>a page, not a song</html>');
      if (path === '/noise.mp3') return send(200, 'audio/mpeg', Buffer.alloc(64 * 1024, 0x5a));
      if (path === '/short.mp3') return send(200, 'audio/mpeg', shortMp3);
      // Broken for its first request only: a server that was down for a moment.
      if (path === '/flaky.mp3') return flakyServed++ === 0 ? send(503, 'text/plain', 'try later') : send(200, 'audio/mpeg', reference);
      send(404, 'text/plain', 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    refBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const base = serviceEnv(t.url, {});
    const providerEnv = {
      SUNO_API_BASE_URL: sim.url,
      SUNO_API_KEY: sim.apiKey,
      MUREKA_API_BASE_URL: sim.url,
      MUREKA_API_KEY: sim.apiKey,
      PROVIDER_CALLBACK_SECRET: SECRET,
      PROVIDER_ALLOW_PRIVATE_HOSTS: '127.0.0.1/32',
      PROVIDER_POLL_BASE_MS: '150',
      PROVIDER_POLL_MAX_MS: '600',
      PROVIDER_HTTP_TIMEOUT_MS: '5000',
      PROVIDER_DOWNLOAD_TIMEOUT_MS: '5000',
      PROVIDER_DOWNLOAD_MAX_BYTES: String(4 * 1024 * 1024),
    };
    gateway = await createGateway(loadConfig(GatewayConfig, { ...base, ...providerEnv, PROVIDER_CALLBACK_BASE_URL: 'http://127.0.0.1:9', OUTBOX_POLL_MS: '200', STALE_JOB_SECONDS: '3600' }));
    await gateway.app.listen(0, '127.0.0.1');
    gatewayUrl = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    env = { ...base, ...providerEnv, PROVIDER_CALLBACK_BASE_URL: gatewayUrl, JOB_LOCK_MS: '20000', WORKER_CONCURRENCY: '2' };
    const storage = new StorageService({ endpoint: base.S3_ENDPOINT!, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.ensureBuckets();
    storage.destroy();

    const signup = (await (await fetch(`${gatewayUrl}/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'reference@example.com', password: 'correct horse battery' }) })).json()) as Record<string, any>;
    token = signup.access_token as string;
    userId = signup.user.id as string;
    await db.insertInto('subscription_plans').values({ name: 'test-unlimited', display_name: 'Test', credits_monthly: -1, credits_daily_limit: -1, max_concurrent_generations: -1, max_projects: -1, max_tracks_per_project: -1, features: JSON.stringify({ stems: true, wav: true, upscale: true, commercial_use: true }) }).execute();
    await new AccountsRepository().setPlan(db, userId, 'test-unlimited');
    await new CreditsRepository().adjust(db, userId, 50, 'test setup');
  });
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });
  afterAll(async () => {
    await gateway.close();
    await sim.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await t.drop();
  });

  it('local engine: both variants are rendered at the reference’s tempo and key, and say so', async () => {
    // Without the reference this prompt is a slow major-key song: the test below cannot pass by accident.
    for (const variant of [0, 1]) {
      const plain = deriveSongParams({ prompt: 'sunny reggae about the sea', durationSeconds: 12 }, variant);
      expect(plain.tempoBpm).toBeLessThan(100);
      expect(plain.mode).toBe('major');
    }
    await startWorker();
    const done = await generate({ provider: 'local', reference_audio_url: `${refBase}/reference.mp3` });
    expect(done).toMatchObject({ status: 'completed', provider: 'local', attempts: 1 });
    const versions = await tracks.listVersions(db, done.resource_id!);
    expect(versions).toHaveLength(2);
    for (const v of versions) {
      const meta = v.metadata as Record<string, any>;
      expect(meta).toMatchObject({ reference_audio_url: `${refBase}/reference.mp3`, reference_key: 'E', reference_mode: 'minor', reference_applied: ['tempo', 'key'] });
      expect(Math.abs(meta.reference_tempo_bpm - REFERENCE_BPM)).toBeLessThan(1.5);
      expect(meta.params).toMatchObject({ tempoBpm: Math.round(meta.reference_tempo_bpm), key: 'E', mode: 'minor' });
      // What is heard: the stored song, analysed like any upload, beats at the reference's tempo in its key.
      const stored = new Uint8Array(await (await fetch(v.audio_url!)).arrayBuffer());
      const { features } = await runAnalyzeTaskInline({ audio: stored, maxSeconds: 600 });
      expect(Math.abs(features.tempoBpm - REFERENCE_BPM) / REFERENCE_BPM).toBeLessThan(0.03);
      expect([features.key, features.mode]).toEqual(['E', 'minor']);
    }
  });

  it('suno: submitted to upload-cover with uploadUrl; the provider downloads the reference; completes as a generation', async () => {
    await startWorker();
    const before = hits['/reference.mp3'] ?? 0;
    const done = await generate({ provider: 'suno', reference_audio_url: `${refBase}/reference.mp3` });
    expect(done).toMatchObject({ status: 'completed', provider: 'suno', attempts: 1 });
    const task = sim.tasks.get(done.provider_task_id!)!;
    expect(task.upload).toEqual({ url: `${refBase}/reference.mp3`, bytes: reference.length, durationSeconds: expect.any(Number) });
    expect(task.upload!.durationSeconds).toBeGreaterThan(14);
    // Checked by us, then fetched by the provider.
    expect((hits['/reference.mp3'] ?? 0) - before).toBe(2);
    expect(await tracks.listVersions(db, done.resource_id!)).toHaveLength(2);
    // Without a reference the plain generate endpoint is used, as before.
    const plain = await generate({ provider: 'suno' });
    expect(sim.tasks.get(plain.provider_task_id!)!.upload).toBeUndefined();
  });

  it('mureka: the reference is uploaded (a WAV as MP3) and its id steers the song; an instrumental uses instrumental_id', async () => {
    await startWorker();
    const song = await generate({ provider: 'mureka', reference_audio_url: `${refBase}/reference.wav` });
    expect(song).toMatchObject({ status: 'completed', provider: 'mureka', attempts: 1 });
    const songTask = sim.tasks.get(song.provider_task_id!.slice('song:'.length))!;
    const upload = sim.uploads.get(songTask.referenceId!)!;
    expect(upload).toMatchObject({ purpose: 'reference', contentType: 'audio/mpeg' });
    // The WAV's audio, re-encoded: the reference's full 15 s (under Mureka's 30 s).
    expect(Math.abs(scanMp3Frames(upload.data).durationSeconds - 15)).toBeLessThan(0.2);

    const instrumental = await generate({ provider: 'mureka', instrumental: true, reference_audio_url: `${refBase}/reference.mp3` });
    expect(instrumental).toMatchObject({ status: 'completed', provider: 'mureka' });
    const task = sim.tasks.get(instrumental.provider_task_id!.slice('instrumental:'.length))!;
    // An MP3 reference goes up byte for byte.
    expect(sim.uploads.get(task.referenceId!)).toMatchObject({ purpose: 'instrumental', bytes: reference.length });
    expect(sim.uploads.get(task.referenceId!)!.data.equals(reference)).toBe(true);
  });

  it.each([
    ['missing (404)', 'suno', '/missing.mp3', 'reference-audio-unavailable', /answered 404/],
    ['a web page', 'mureka', '/page.html', 'reference-audio-invalid', /content type 'text\/html'/],
    ['not audio', 'local', '/noise.mp3', 'reference-audio-invalid', /not MP3 audio/],
    ['too short', 'suno', '/short.mp3', 'reference-audio-invalid', /2\.\d+ s long/],
    ['on a private address', 'mureka', 'http://10.20.30.40/reference.mp3', 'reference-audio-unavailable', /not a public address/],
  ])('a reference %s fails the job at once as the user’s (%s): refunded, no provider called, no retry', async (_what, provider, path, code, message) => {
    await startWorker({ MUSIC_PROVIDER_FALLBACKS: 'local' });
    const calls = { ...sim.generateCalls };
    const uploads = sim.uploads.size;
    const done = await generate({ provider, reference_audio_url: path.startsWith('http') ? path : `${refBase}${path}` });
    expect(done).toMatchObject({ status: 'failed', attempts: 1, error: { code } });
    expect((done.error as { message: string }).message).toMatch(message);
    expect(await ledgerOf(done)).toEqual([['debit', -1], ['refund', 1]]);
    // Nothing was asked of any provider, and the fallback was not tried for the user's bad input.
    expect(sim.generateCalls).toEqual(calls);
    expect(sim.uploads.size).toBe(uploads);
    expect(await tracks.listVersions(db, done.resource_id!)).toEqual([]);
    expect((await tracks.findById(db, done.resource_id!))!.status).toBe('failed');
  });

  it('a reference server that is down for a moment is retried like any transient failure', async () => {
    await startWorker();
    const done = await generate({ provider: 'local', reference_audio_url: `${refBase}/flaky.mp3` });
    expect(done).toMatchObject({ status: 'completed', attempts: 2 });
    expect(hits['/flaky.mp3']).toBe(2);
    expect(await ledgerOf(done)).toEqual([['debit', -1]]);
  });
});

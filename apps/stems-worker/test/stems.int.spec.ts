import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { decodeMp3, ENGINE_NAME, ENGINE_VERSION, generateVariant, type SongRequest } from '@muse/audio-engine';
import { correlation } from '@muse/audio-analysis';
import { AccountsRepository, Bucket, CreditsRepository, JobsRepository, stemObjectKey, trackObjectKey, TracksRepository } from '@muse/db';
import { loadConfig, type WorkerService } from '@muse/platform';
import { StorageService } from '@muse/storage';
import { createGateway, type Gateway } from '../../api-gateway/src/bootstrap.js';
import { GatewayConfig } from '../../api-gateway/src/config.js';
import { startStemsWorker, StemsWorkerConfig } from '../src/bootstrap.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';

/** End to end over HTTP: the gateway accepts POST /v1/tracks/{id}/stems, the stems worker separates. */
describe('stems: gateway → queue → stems worker', () => {
  let t: TestDatabase;
  let gateway: Gateway;
  let worker: WorkerService;
  let storage: StorageService;
  let base: string;
  let env: Record<string, string>;
  let alice: { token: string; id: string };
  let bob: { token: string; id: string };
  const tracks = new TracksRepository();
  const jobs = new JobsRepository();

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const signup = async (email: string) => {
    const res = await call('POST', '/v1/auth/signup', undefined, { email, password: 'correct horse battery' });
    expect(res.status).toBe(201);
    return { token: res.body.access_token as string, id: res.body.user.id as string };
  };
  /** What the generation worker's local provider leaves behind: a track, its versions (engine metadata) and the MP3. */
  const engineTrack = async (userId: string, prompt: string, seconds = 6) => {
    const request: SongRequest = { prompt, title: 'Test Song', durationSeconds: seconds, seed: 11 };
    const track = await tracks.insert(t.db, { user_id: userId, prompt, title: 'Test Song', metadata: JSON.stringify({ instrumental: false }) });
    const variant = generateVariant(request, 0);
    const put = await storage.put(Bucket.Tracks, trackObjectKey(userId, track.id, 'audio.mp3', 0), variant.mp3, 'audio/mpeg');
    await tracks.saveGeneration(t.db, track.id, [{ variantIndex: 0, audioUrl: put.url, coverUrl: 'http://example.invalid/cover.jpg', durationSeconds: variant.durationSeconds, lyrics: null, metadata: { engine: ENGINE_NAME, engine_version: ENGINE_VERSION, params: variant.params } }], { hasVocals: variant.params.hasVocals, modelName: 'engine', title: 'Test Song' });
    return { track, mp3: variant.mp3 };
  };
  const settled = (id: string) =>
    waitFor(async () => {
      const job = await jobs.findById(t.db, id);
      return job && ['completed', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
    }, `job ${id} to settle`, 120_000);
  const stemRows = (trackId: string) => t.db.selectFrom('track_stems').selectAll().where('track_id', '=', trackId).execute();
  const hasStems = async (trackId: string) => (await t.db.selectFrom('tracks').select('has_stems').where('id', '=', trackId).executeTakeFirstOrThrow()).has_stems;
  const keyOf = (url: string) => decodeURIComponent(new URL(url).pathname.split(`/${Bucket.Stems}/`)[1]!);

  beforeAll(async () => {
    t = await createTestDatabase();
    env = serviceEnv(t.url, { OUTBOX_POLL_MS: '200', JOB_LOCK_MS: '60000' });
    storage = new StorageService({ endpoint: env.S3_ENDPOINT!, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.ensureBuckets();
    gateway = await createGateway(loadConfig(GatewayConfig, env));
    await gateway.app.listen(0, '127.0.0.1');
    base = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    worker = await startStemsWorker(loadConfig(StemsWorkerConfig, env), { listen: false });
    alice = await signup('alice-stems@example.com');
    bob = await signup('bob-stems@example.com');
    for (const user of [alice, bob]) await new CreditsRepository().adjust(t.db, user.id, 100, 'test setup');
    void AccountsRepository;
  });
  afterAll(async () => {
    await worker?.close();
    await gateway?.close();
    storage?.destroy();
    await t?.drop();
  });

  it('separates a local-engine track into its exact layers; the stems re-sum to the mix', async () => {
    const { track, mp3 } = await engineTrack(alice.id, 'bright pop song about the summer sea');
    const res = await call('POST', `/v1/tracks/${track.id}/stems`, alice.token, {});
    expect(res.status).toBe(202);
    expect(res.body.kind).toBe('stems');
    const job = await settled(res.body.id);
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
      decoded[row.stem_type] = await decodeMp3(await storage.get(Bucket.Stems, keyOf(row.audio_url)));
      expect(decoded[row.stem_type]!.durationSeconds).toBeGreaterThan(5.5);
    }
    const n = decoded.vocals!.left.length;
    const sum = { left: new Float32Array(n), right: new Float32Array(n) };
    for (const s of ['vocals', 'instrumental']) for (let i = 0; i < n; i++) { sum.left[i]! += decoded[s]!.left[i]!; sum.right[i]! += decoded[s]!.right[i]!; }
    expect(correlation(sum, await decodeMp3(mp3))).toBeGreaterThan(0.98);

    // A redelivered message for the finished job changes nothing.
    const queue = new Queue('stems', { connection: { url: env.REDIS_URL! }, prefix: env.QUEUE_PREFIX });
    await queue.add('stems.separate', { jobId: job.id, userId: alice.id, correlationId: 'redelivery' });
    await waitFor(async () => (await queue.getJobCounts('completed')).completed >= 2, 'the redelivery to be handled');
    await queue.close();
    expect((await stemRows(track.id)).map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect((await jobs.findById(t.db, job.id))!.result).toEqual(job.result);
  });

  it('separates other audio with the DSP separator (a track whose audio the engine cannot reproduce)', async () => {
    const { track } = await engineTrack(alice.id, 'slow acoustic folk ballad with a gentle voice');
    // Renamed after generation: the engine would now render a different song, so the stored audio is "any audio".
    await t.db.updateTable('tracks').set({ title: 'Renamed' }).where('id', '=', track.id).execute();
    const res = await call('POST', `/v1/tracks/${track.id}/stems`, alice.token, { mode: 'local' });
    expect(res.status).toBe(202);
    const job = await settled(res.body.id);
    expect(job.status).toBe('completed');
    expect((job.result as { method: string }).method).toBe('dsp-masking');
    expect((await stemRows(track.id)).length).toBe(5);
  });

  it.each([
    ['truncated MP3', 'truncated-audio', (mp3: Buffer) => mp3.subarray(0, Math.floor(mp3.length * 0.6) + 7)],
    ['non-audio bytes', 'not-audio', () => Buffer.from('<html><body>this is not a song</body></html>'.repeat(200))],
    ['zero-length file', 'empty-audio', () => Buffer.alloc(0)],
  ])('fails the job on %s with a clear error and no rows', async (_name, code, corrupt) => {
    const { track, mp3 } = await engineTrack(alice.id, 'driving rock anthem');
    await storage.put(Bucket.Tracks, trackObjectKey(alice.id, track.id, 'audio.mp3', 0), corrupt(mp3), 'audio/mpeg');
    const res = await call('POST', `/v1/tracks/${track.id}/stems`, alice.token, {});
    expect(res.status).toBe(202);
    const job = await settled(res.body.id);
    expect(job.status).toBe('failed');
    expect((job.error as { code: string }).code).toBe(code);
    expect(job.attempts).toBe(1); // bad input is not retried
    expect(await stemRows(track.id)).toEqual([]);
    expect(await hasStems(track.id)).toBe(false);
    const seen = await call('GET', `/v1/jobs/${job.id}`, alice.token);
    expect(seen.body.status).toBe('failed');
  });

  it("refuses another user's track (404), provider modes (422) and bad bodies (400), creating nothing", async () => {
    const { track } = await engineTrack(alice.id, 'calm ambient pads');
    const before = await t.db.selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect((await call('POST', `/v1/tracks/${track.id}/stems`, bob.token, {})).status).toBe(404);
    await t.db.updateTable('tracks').set({ is_public: true }).where('id', '=', track.id).execute();
    expect((await call('POST', `/v1/tracks/${track.id}/stems`, bob.token, {})).status).toBe(404);
    expect((await call('POST', `/v1/tracks/${crypto.randomUUID()}/stems`, alice.token, {})).status).toBe(404);
    const provider = await call('POST', `/v1/tracks/${track.id}/stems`, alice.token, { mode: 'replicate_demucs' });
    expect(provider.status).toBe(422);
    expect(provider.body.detail).toMatch(/provider not configured/);
    expect((await call('POST', `/v1/tracks/${track.id}/stems`, alice.token, { mode: 'karaoke' })).status).toBe(400);
    expect((await call('POST', `/v1/tracks/${track.id}/stems`, alice.token, { extra: 1 })).status).toBe(400);
    expect((await call('POST', `/v1/tracks/${track.id}/stems`, alice.token, { version_id: crypto.randomUUID() })).status).toBe(404);
    expect((await call('POST', `/v1/tracks/${track.id}/stems`)).status).toBe(401);
    const after = await t.db.selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

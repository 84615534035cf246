import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { decodeMp3 } from '@muse/audio-engine';
import { AccountsRepository, CallbackLogsRepository, CreditsRepository, JobsRepository, TracksRepository, UsersRepository, type Database } from '@muse/db';
import { loadConfig, type WorkerService } from '@muse/platform';
import { StorageService } from '@muse/storage';
import { createGateway, type Gateway } from '../../api-gateway/src/bootstrap.js';
import { GatewayConfig } from '../../api-gateway/src/config.js';
import { GenerationWorkerConfig, startGenerationWorker } from '../src/bootstrap.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';
import { startProviderSimulator, SENSITIVE_WORD, type ProviderSimulator } from '../../../test/simulators/provider-simulator.js';

/**
 * The real gateway (webhook endpoint) and generation worker against the local provider simulator,
 * with the simulator's fault switches: callbacks duplicated, out of order, never sent; 5xx on
 * submit; private result URLs; content-policy refusals.
 */
describe('generation through external providers (simulated)', () => {
  let t: TestDatabase;
  let db: Database;
  let sim: ProviderSimulator;
  let gateway: Gateway;
  let gatewayUrl: string;
  let queue: Queue;
  let userId: string;
  let env: Record<string, string>;
  const workers: WorkerService[] = [];
  const jobs = new JobsRepository();
  const tracks = new TracksRepository();
  const logs = new CallbackLogsRepository();
  const SECRET = 'provider-callback-secret-for-tests-0123456789';

  const startWorker = async (extra: Record<string, string> = {}) => {
    const w = await startGenerationWorker(loadConfig(GenerationWorkerConfig, { ...env, ...extra }), { listen: false });
    workers.push(w);
    return w;
  };
  const submit = async (provider: string, prompt = 'sunny reggae about the sea') => {
    const track = await tracks.insert(db, { user_id: userId, prompt, genre: 'reggae', mood: 'happy', metadata: JSON.stringify({ instrumental: false }) });
    const job = await jobs.insert(db, { user_id: userId, kind: 'generation', queue_name: 'generation', job_name: 'generation.run', provider, resource_type: 'track', resource_id: track.id, correlation_id: 'test', payload: JSON.stringify({ duration_seconds: 10 }) });
    await queue.add('generation.run', { jobId: job.id, userId, correlationId: 'test' }, { jobId: job.id, attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    return { job, track };
  };
  const settled = (id: string) =>
    waitFor(async () => {
      const job = await jobs.findById(db, id);
      return job && ['completed', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
    }, `job ${id} to settle`, 30_000);
  const notificationsFor = async (trackId: string) => (await db.selectFrom('notifications').select(['type']).where('link', '=', `/tracks/${trackId}`).execute()).map((n) => n.type);

  /** Both variants are real MP3s in OUR storage; nothing points at the provider. */
  const expectStoredVariants = async (trackId: string) => {
    const versions = await tracks.listVersions(db, trackId);
    expect(versions.map((v) => v.variant_index)).toEqual([0, 1]);
    for (const v of versions) {
      expect(v.audio_url).toContain(`/tracks/${userId}/${trackId}/`);
      expect(v.audio_url!.startsWith(sim.url)).toBe(false);
      expect(v.cover_url!.startsWith(sim.url)).toBe(false);
      const audio = await decodeMp3(new Uint8Array(await (await fetch(v.audio_url!)).arrayBuffer()));
      expect(audio.durationSeconds).toBeGreaterThan(4);
    }
    return versions;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
    sim = await startProviderSimulator({ stepMs: 150 });
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
      PROVIDER_HTTP_TIMEOUT_MS: '2000',
      PROVIDER_DOWNLOAD_TIMEOUT_MS: '3000',
      PROVIDER_DOWNLOAD_MAX_BYTES: String(2 * 1024 * 1024),
    };
    // The gateway only needs to know suno is configured (callbacks included); the worker gets the real base URL below.
    gateway = await createGateway(loadConfig(GatewayConfig, { ...base, ...providerEnv, PROVIDER_CALLBACK_BASE_URL: 'http://127.0.0.1:9', OUTBOX_POLL_MS: '200', STALE_JOB_SECONDS: '3600' }));
    await gateway.app.listen(0, '127.0.0.1');
    gatewayUrl = await gateway.app.getUrl();
    gatewayUrl = gatewayUrl.replace('[::1]', '127.0.0.1');
    env = { ...base, ...providerEnv, PROVIDER_CALLBACK_BASE_URL: gatewayUrl, JOB_LOCK_MS: '10000', WORKER_CONCURRENCY: '4' };
    const storage = new StorageService({ endpoint: base.S3_ENDPOINT!, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.ensureBuckets();
    storage.destroy();
    queue = new Queue('generation', { connection: { url: base.REDIS_URL! }, prefix: base.QUEUE_PREFIX });
    userId = (await new UsersRepository().create(db, { email: 'providers@example.com', passwordHash: 'x' }))!.id;
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
    sim.faults = {};
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await gateway.close();
    await sim.close();
    await t.drop();
  });

  it('through the public API: suno completes with our URLs; a provider failure refunds; retry resubmits; cancel stops polling', async () => {
    await startWorker();
    const call = async (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${gatewayUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, body: body ? JSON.stringify(body) : undefined });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    const signup = await fetch(`${gatewayUrl}/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'api-user@example.com', password: 'correct horse battery' }) }).then((r) => r.json() as Promise<Record<string, any>>);
    const token = signup.access_token as string;
    const apiUser = signup.user.id as string;
    await db.insertInto('subscription_plans').values({ name: 'test-unlimited', display_name: 'Test', credits_monthly: -1, credits_daily_limit: -1, max_concurrent_generations: -1, max_projects: -1, max_tracks_per_project: -1, features: JSON.stringify({ stems: true, wav: true, upscale: true, commercial_use: true }) }).execute();
    await new AccountsRepository().setPlan(db, apiUser, 'test-unlimited');
    await new CreditsRepository().adjust(db, apiUser, 10, 'test setup');

    const created = await call('POST', '/v1/generations', token, { prompt: 'sunny reggae about the sea', provider: 'suno' }, { 'Idempotency-Key': 'suno-1' });
    expect(created.status).toBe(202);
    const done = await settled(created.body.id);
    expect(done).toMatchObject({ status: 'completed', provider: 'suno' });
    const trackId = done.resource_id!;
    const versions = await call('GET', `/v1/tracks/${trackId}/versions`, token);
    expect(versions.status).toBe(200);
    const urls = (versions.body.data as Array<{ audio_url: string }>).map((v) => v.audio_url);
    expect(urls).toHaveLength(2);
    for (const url of urls) expect(url.startsWith(sim.url)).toBe(false);

    sim.faults.failTasks = true;
    const failing = await call('POST', '/v1/generations', token, { prompt: 'another song', provider: 'mureka' }, { 'Idempotency-Key': 'mureka-fail' });
    expect(failing.status).toBe(202);
    const failed = await settled(failing.body.id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'provider-failed' } });
    const ledger = await new CreditsRepository().ledger(db, apiUser, 10);
    expect(ledger.filter((l) => l.job_id === failing.body.id).map((l) => [l.reason === 'refund' ? 'refund' : 'debit', l.amount]).sort()).toEqual([['debit', -1], ['refund', 1]]);
    expect(ledger.filter((l) => l.job_id === created.body.id).map((l) => l.amount)).toEqual([-1]);
    // Retried by the user: the dead provider task is not polled again, a new one is submitted.
    sim.faults.failTasks = false;
    const failedTaskId = failed.provider_task_id;
    expect(failedTaskId).toBeNull();
    const retried = await call('POST', `/v1/jobs/${failing.body.id}/retry`, token);
    expect(retried.status).toBe(202);
    const second = await waitFor(async () => {
      const j = await jobs.findById(db, failing.body.id);
      return j?.status === 'completed' ? j : undefined;
    }, 'retried job to complete', 30_000);
    expect(second).toMatchObject({ status: 'completed', attempts: 2, provider: 'mureka' });

    // Cancelled while the provider works: the poll chain stops and the late result is never applied.
    sim.faults.malformedStatus = true; // the task never looks finished while we cancel
    const slow = await call('POST', '/v1/generations', token, { prompt: 'a song to cancel', provider: 'mureka' }, { 'Idempotency-Key': 'cancel-me' });
    const submitted = await waitFor(async () => (await jobs.findById(db, slow.body.id))?.provider_task_id ?? undefined, 'submission');
    expect((await call('POST', `/v1/jobs/${slow.body.id}/cancel`, token)).status).toBe(200);
    sim.faults.malformedStatus = false;
    const task = sim.tasks.get(submitted.slice('song:'.length))!;
    await new Promise((r) => setTimeout(r, 1500));
    const queriesAfterCancel = task.queries;
    await new Promise((r) => setTimeout(r, 1500));
    expect(task.queries).toBe(queriesAfterCancel); // no more polls
    expect((await jobs.findById(db, slow.body.id))!.status).toBe('cancelled');
    expect(await tracks.listVersions(db, slow.body.resource.id)).toEqual([]);

    // A provider name outside the contract is refused up front with a field error.
    expect((await call('POST', '/v1/generations', token, { prompt: 'x', provider: 'nonexistent' })).status).toBe(400);
  });

  it('suno: completes through callbacks; duplicate callbacks are logged and change nothing', async () => {
    sim.faults.callbacks = 'duplicate';
    await startWorker({ PROVIDER_POLL_BASE_MS: '20000', PROVIDER_POLL_MAX_MS: '20000' }); // polls far away: the callback must do it
    const { job, track } = await submit('suno');
    const done = await settled(job.id);
    expect(done).toMatchObject({ status: 'completed', provider: 'suno' });
    expect(done.provider_task_id).toBeTruthy();
    expect((await tracks.findById(db, track.id))!.suno_id).toBe(done.provider_task_id);
    await expectStoredVariants(track.id);
    // Suno's aligned words, grouped into lines, reach the view of timed lyrics through the master version.
    const timed = await db.selectFrom('tracks_with_timestamped_lyrics').select(['timestamped_lyrics']).where('id', '=', track.id).executeTakeFirstOrThrow();
    const lines = timed.timestamped_lyrics as Array<{ text: string; start: number; end: number }>;
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.end).toBeGreaterThan(line.start);
    await waitFor(async () => sim.callbacksSent.filter((c) => c.taskId === done.provider_task_id).length >= 6, 'all callbacks');
    const rows = await logs.listForJob(db, job.id);
    expect(rows.filter((r) => r.dedup_key !== null).map((r) => r.callback_type).sort()).toEqual(['complete', 'first', 'text']);
    expect(rows.filter((r) => r.callback_type.startsWith('duplicate:')).length).toBe(3);
    expect(await notificationsFor(track.id)).toEqual(['success']);
  });

  it('suno: callbacks out of order still complete once', async () => {
    sim.faults.callbacks = 'out-of-order';
    await startWorker({ PROVIDER_POLL_BASE_MS: '20000', PROVIDER_POLL_MAX_MS: '20000' });
    const { job, track } = await submit('suno');
    const done = await settled(job.id);
    expect(done).toMatchObject({ status: 'completed' });
    await waitFor(async () => sim.callbacksSent.filter((c) => c.taskId === done.provider_task_id).length >= 3, 'late callbacks');
    expect((await jobs.findById(db, job.id))!.status).toBe('completed');
    expect(await notificationsFor(track.id)).toEqual(['success']);
  });

  it('suno: a task that fails at the provider fails the job once, with its error callback logged', async () => {
    sim.faults.failTasks = true;
    await startWorker({ PROVIDER_POLL_BASE_MS: '20000', PROVIDER_POLL_MAX_MS: '20000' });
    const { job, track } = await submit('suno');
    const done = await settled(job.id);
    expect(done).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'provider-failed' } });
    expect((done.error as { message: string }).message).toMatch(/GENERATE_AUDIO_FAILED/);
    await waitFor(async () => (await logs.listForJob(db, job.id)).some((r) => r.callback_type === 'error'), 'error callback logged');
    expect(await notificationsFor(track.id)).toEqual(['error']);
    expect(await tracks.listVersions(db, track.id)).toEqual([]);
  });

  it('suno: a callback that never comes is finished by polling', async () => {
    sim.faults.callbacks = 'never';
    await startWorker();
    const { job, track } = await submit('suno');
    expect(await settled(job.id)).toMatchObject({ status: 'completed' });
    await expectStoredVariants(track.id);
    expect(await logs.listForJob(db, job.id)).toEqual([]);
  });

  it('mureka: submits, polls with backoff, downloads both choices', async () => {
    await startWorker();
    const { job, track } = await submit('mureka');
    const done = await settled(job.id);
    expect(done).toMatchObject({ status: 'completed', provider: 'mureka' });
    expect(done.provider_task_id).toMatch(/^song:/);
    expect((await tracks.findById(db, track.id))!.mureka_task_id).toBe(done.provider_task_id);
    await expectStoredVariants(track.id);
    expect(sim.tasks.get(done.provider_task_id!.slice(5))!.queries).toBeGreaterThanOrEqual(2);
  });

  it('a failing provider trips its breaker and the fallback provider takes the job', async () => {
    sim.faults.submitStatus = { status: 503, times: 1000, provider: 'suno' };
    const worker = await startWorker({ MUSIC_PROVIDER_FALLBACKS: 'mureka', PROVIDER_BREAKER_FAILURES: '2', PROVIDER_BREAKER_RESET_MS: '600000' });
    const before = sim.generateCalls.suno;
    for (const expectedSunoCalls of [1, 2, 2]) {
      const { job, track } = await submit('suno');
      const done = await settled(job.id);
      // Recorded where it really ran: job and track say mureka.
      expect(done).toMatchObject({ status: 'completed', provider: 'mureka', attempts: 1 });
      expect((await tracks.findById(db, track.id))!.provider).toBe('mureka');
      // Two failures open the breaker: the third job does not even try suno.
      expect(sim.generateCalls.suno - before).toBe(expectedSunoCalls);
    }
    const { METRICS_REGISTRY } = await import('@muse/platform');
    const metrics = await worker.app.get<{ metrics(): Promise<string> }>(METRICS_REGISTRY).metrics();
    expect(metrics).toMatch(/provider_circuit_state\{[^}]*provider="suno"[^}]*\} 2/);
    expect(metrics).toMatch(/provider_circuit_state\{[^}]*provider="mureka"[^}]*\} 0/);
    expect(metrics).toMatch(/provider_request_duration_seconds_count\{[^}]*provider="mureka"/);
  });

  it('a result URL pointing at a private address is refused and the job fails (not the user’s fault)', async () => {
    sim.faults.resultUrls = 'private-address';
    await startWorker();
    const { job, track } = await submit('mureka');
    const done = await settled(job.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ code: 'provider-result-refused' });
    expect((done.error as { message: string }).message).toMatch(/non-public|not a public/);
    expect(await tracks.listVersions(db, track.id)).toEqual([]);
    // Detached from the dead task (a retry submits afresh); the track keeps the id for support.
    expect(done.provider_task_id).toBeNull();
    expect((await tracks.findById(db, track.id))!.mureka_task_id).toMatch(/^song:/);
  });

  it('polls survive 429 (Retry-After honoured) and 5xx answers, then complete', async () => {
    await startWorker();
    sim.faults.queryStatus = { status: 429, times: 2 };
    const { job } = await submit('mureka');
    const started = Date.now();
    await waitFor(async () => (sim.faults.queryStatus?.times ?? 0) === 0, '429s served');
    sim.faults.queryStatus = { status: 502, times: 2 };
    const done = await settled(job.id);
    expect(done).toMatchObject({ status: 'completed', attempts: 1 });
    // Two 429s each asked for 1 s: the job cannot have finished sooner.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('a provider that never reports a usable status is given up at the task deadline; nothing stays processing', async () => {
    sim.faults.malformedStatus = true;
    await startWorker({ PROVIDER_TASK_TIMEOUT_MS: '1500' });
    const { job, track } = await submit('mureka');
    const done = await settled(job.id);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'provider-timeout' } });
    expect((await tracks.findById(db, track.id))!.status).toBe('failed');
    expect(await notificationsFor(track.id)).toEqual(['error']);
  });

  it('with no fallback, jobs that meet the open breaker wait for it (no attempt used) and complete once it half-opens', async () => {
    // One failed submit opens suno's breaker for 3 s; the queue's own retries (50 ms apart) would all meet it.
    sim.faults.submitStatus = { status: 503, times: 1, provider: 'suno' };
    const worker = await startWorker({ PROVIDER_BREAKER_FAILURES: '1', PROVIDER_BREAKER_RESET_MS: '3000' });
    const before = sim.generateCalls.suno;
    const first = await submit('suno');
    await waitFor(async () => sim.generateCalls.suno - before >= 1 || undefined, 'the failing submit');
    const meanwhile = await submit('suno');
    const done = [await settled(first.job.id), await settled(meanwhile.job.id)];
    expect(done.map((j) => [j.status, j.provider])).toEqual([['completed', 'suno'], ['completed', 'suno']]);
    // The first job's 503 used one attempt, its success another; waiting used none.
    expect(done.map((j) => j.attempts)).toEqual([2, 1]);
    // Nothing was sent while the breaker was open: the failed submit, then one per job.
    expect(sim.generateCalls.suno - before).toBe(3);
    for (const j of done) expect(await notificationsFor(j.resource_id!)).toEqual(['success']);
    const { METRICS_REGISTRY } = await import('@muse/platform');
    const metrics = await worker.app.get<{ metrics(): Promise<string> }>(METRICS_REGISTRY).metrics();
    expect(metrics).toMatch(/bullmq_jobs_breaker_waits_total\{[^}]*job_name="generation.run"[^}]*\} [1-9]/);
  });

  it('a breaker that stays open past the task timeout is not waited for: the job fails as before, its user told once', async () => {
    sim.faults.submitStatus = { status: 503, times: 1, provider: 'suno' };
    await startWorker({ PROVIDER_BREAKER_FAILURES: '1', PROVIDER_BREAKER_RESET_MS: '600000', PROVIDER_TASK_TIMEOUT_MS: '5000' });
    const before = sim.generateCalls.suno;
    const { job, track } = await submit('suno');
    const done = await settled(job.id);
    expect(done).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'generation-failed', message: expect.stringContaining('circuit breaker is open') } });
    expect(sim.generateCalls.suno - before).toBe(1);
    expect(await notificationsFor(track.id)).toEqual(['error']);
  });

  it('a provider slower than the HTTP timeout counts as a failure and the fallback serves the job', async () => {
    await startWorker({ PROVIDER_HTTP_TIMEOUT_MS: '300', MUSIC_PROVIDER_FALLBACKS: 'mureka' });
    sim.faults.slowMs = 1000;
    sim.faults.slowProvider = 'suno';
    const before = { ...sim.generateCalls };
    const { job } = await submit('suno');
    const done = await settled(job.id);
    expect(done).toMatchObject({ status: 'completed', provider: 'mureka', attempts: 1 });
    // The simulator counts a slow call when it finally answers (1 s), which can be after mureka finished.
    await waitFor(async () => sim.generateCalls.suno - before.suno >= 1, 'the slow suno call to be answered');
    expect(sim.generateCalls.suno - before.suno).toBe(1);
    expect(sim.generateCalls.mureka - before.mureka).toBe(1);
  });

  it('a redirect to a private address and an oversize file are refused', async () => {
    await startWorker();
    sim.faults.resultUrls = 'redirect-to-private';
    const r = await submit('mureka');
    expect((await settled(r.job.id)).error).toMatchObject({ code: 'provider-result-refused' });
    sim.faults.resultUrls = 'oversize';
    const o = await submit('mureka');
    const big = await settled(o.job.id);
    expect(big.error).toMatchObject({ code: 'provider-result-refused' });
    expect((big.error as { message: string }).message).toMatch(/byte limit/);
  });

  it('a content-policy refusal fails at once as the user’s request', async () => {
    await startWorker({ MUSIC_PROVIDER_FALLBACKS: 'mureka' });
    const s = await submit('suno', `a song about ${SENSITIVE_WORD}`);
    expect(await settled(s.job.id)).toMatchObject({ status: 'failed', error: { code: 'provider-rejected' } });
    const m = await submit('mureka', `a song about ${SENSITIVE_WORD}`);
    expect(await settled(m.job.id)).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'provider-rejected' } });
  });

  it('webhook: forged, mismatched and malformed callbacks are refused and logged; nothing changes', async () => {
    const { job } = await submit('suno');
    // No worker runs: the job stays pending with no provider task.
    const post = (query: string, body: unknown) => fetch(`${gatewayUrl}/v1/webhooks/suno?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const callback = { code: 200, msg: 'ok', data: { callbackType: 'complete', task_id: 'abc', data: [] } };
    expect((await post(`job=${job.id}&token=${'x'.repeat(43)}`, callback)).status).toBe(401);
    expect((await post(`job=${job.id}`, callback)).status).toBe(401);
    const { callbackToken } = await import('@muse/providers');
    const token = callbackToken(SECRET, 'suno', job.id);
    expect((await post(`job=${job.id}&token=${token}`, { hello: 'world' })).status).toBe(400);
    expect((await fetch(`${gatewayUrl}/v1/webhooks/nobody?job=${job.id}&token=${token}`, { method: 'POST' })).status).toBe(404);
    const ok = await post(`job=${job.id}&token=${token}`, callback);
    expect(ok.status).toBe(200);
    const again = await post(`job=${job.id}&token=${token}`, callback);
    expect(await again.json()).toEqual({ status: 'duplicate' });
    const rows = await logs.listForJob(db, job.id);
    // The missing-token delivery names no verifiable job, so its rejected row has no job id.
    expect(rows.map((r) => r.callback_type)).toEqual(['rejected', 'rejected', 'complete', 'duplicate:complete']);
    expect(rows[0]!.error_message).toBe('invalid callback token');
    expect((await jobs.findById(db, job.id))!.status).toBe('pending');
  });
});

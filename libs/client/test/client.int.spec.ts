import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Muse, MuseAbortError, MuseApiError, MuseJobError, type Job } from '../src/index.js';
import { ClientPlatform, FlakyProxy, type User } from './platform-harness.js';

/** @muse/client against the running platform: gateway, generation worker, stems worker, local engine. */
describe('@muse/client end to end', () => {
  const platform = new ClientPlatform();
  let proxy: FlakyProxy;
  let user: User;

  beforeAll(async () => {
    // Lyrics are rate limited low here (2 at once, one more every 2 s) so that a 429 really happens.
    await platform.start({ RATE_LIMITS: JSON.stringify({ 'generate-music': { requests: 10_000, per_seconds: 60 }, 'generate-lyrics': { requests: 2, per_seconds: 4 }, 'api-general': { requests: 10_000, per_seconds: 60 }, auth: { requests: 1000, per_seconds: 60 } }) });
    proxy = new FlakyProxy(platform.base);
    await proxy.start();
    user = await platform.signup();
  }, 60_000);
  afterAll(async () => {
    await proxy?.stop();
    await platform.stop();
  });

  const muse = (extra: ConstructorParameters<typeof Muse>[0] = {}) => new Muse({ baseUrl: proxy.url, token: user.token, reconnectDelayMs: 100, pollIntervalMs: 100, ...extra });
  const monotonic = (seen: Job[]) => seen.every((j, i) => i === 0 || j.progress >= seen[i - 1]!.progress || seen[i - 1]!.status === 'pending');

  it('run() submits with an Idempotency-Key, reports progress from the event stream and resolves with the completed job', async () => {
    proxy.mode = 'pass';
    const seen: Job[] = [];
    const client = muse();
    const job = await client.run('generation', { prompt: 'bright synth pop about a bicycle', duration_seconds: 5, seed: 3, provider: 'local' }, { onProgress: (j) => seen.push(j), idempotencyKey: 'run-once' });
    expect(job).toMatchObject({ kind: 'generation', status: 'completed', progress: 100, error: null });
    expect(client.lastFollowMode).toBe('stream');
    expect(seen[0]!.status).toBe('pending');
    expect(seen.at(-1)!.status).toBe('completed');
    expect(seen.some((j) => j.status === 'processing' && j.progress > 0 && j.progress < 100)).toBe(true);
    expect(monotonic(seen)).toBe(true);
    // The same key is the same job: a repeated submission creates nothing new.
    const again = await client.submit('generation', { prompt: 'bright synth pop about a bicycle', duration_seconds: 5, seed: 3, provider: 'local' }, { idempotencyKey: 'run-once' });
    expect(again.id).toBe(job.id);
    expect((await platform.jobRows(user.id)).filter((r) => r.kind === 'generation')).toHaveLength(1);

    const files = await client.downloadTrack(job.resource!.id);
    expect(files.map((f) => f.version.variant_index)).toEqual([0, 1]);
    for (const f of files) expect(Buffer.from(f.audio.subarray(0, 3)).toString('latin1') === 'ID3' || (f.audio[0] === 0xff && (f.audio[1]! & 0xe0) === 0xe0)).toBe(true);
  }, 180_000);

  it('resumes a dropped event stream with Last-Event-ID and still sees the job to its end', async () => {
    proxy.mode = 'cut-after-first-event';
    const before = proxy.requests.length;
    const seen: Job[] = [];
    const client = muse();
    const job = await client.run('generation', { prompt: 'slow jazz about rain on a tin roof', duration_seconds: 5, seed: 5, provider: 'local' }, { onProgress: (j) => seen.push(j) });
    expect(job.status).toBe('completed');
    expect(proxy.cuts).toBe(1);
    const streams = proxy.requests.slice(before).filter((r) => r.path.startsWith('/v1/stream'));
    expect(streams.length).toBeGreaterThanOrEqual(2);
    expect(streams[0]!.lastEventId).toBeUndefined();
    // The reconnection resumes after the last event that came through before the drop.
    expect(proxy.cutAfterId).toMatch(/^\d+-\d+$/);
    expect(streams[1]!.lastEventId).toBe(proxy.cutAfterId);
    expect(client.lastFollowMode).toBe('stream');
    expect(seen.at(-1)!.status).toBe('completed');
    expect(monotonic(seen)).toBe(true);
  }, 180_000);

  it('falls back to polling GET /v1/jobs/{id} with backoff when the event stream is unavailable', async () => {
    proxy.mode = 'refuse';
    const before = proxy.requests.length;
    const seen: Job[] = [];
    const client = muse();
    const job = await client.run('lyrics', { prompt: 'a lighthouse keeper who counts ships' }, { onProgress: (j) => seen.push(j) });
    proxy.mode = 'pass';
    expect(job).toMatchObject({ kind: 'lyrics', status: 'completed' });
    expect(client.lastFollowMode).toBe('polling');
    const later = proxy.requests.slice(before);
    expect(later.filter((r) => r.path.startsWith('/v1/stream'))).toHaveLength(1); // refused once, not hammered
    expect(later.filter((r) => r.method === 'GET' && r.path === `/v1/jobs/${job.id}`).length).toBeGreaterThanOrEqual(2);
    expect((job.result as { variants: unknown[] }).variants.length).toBeGreaterThan(0);
  }, 60_000);

  it('aborting the signal cancels the job on the server and rejects with MuseAbortError', async () => {
    proxy.mode = 'pass';
    const controller = new AbortController();
    const client = muse();
    const pending = client.run('generation', { prompt: 'an endless drone for a long night', duration_seconds: 5, provider: 'local' }, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MuseAbortError);
    const job = (error as MuseAbortError).job!;
    expect(job.status).toBe('cancelled');
    expect((await client.jobs.get(job.id)).status).toBe('cancelled');
  }, 60_000);

  it('rejects with a typed MuseApiError carrying the problem, and with MuseJobError when the job is cancelled elsewhere', async () => {
    const client = muse();
    const refused = await client.run('generation', { prompt: '', duration_seconds: 2 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MuseApiError);
    const problem = (refused as MuseApiError).problem;
    expect((refused as MuseApiError).status).toBe(400);
    expect(problem.status).toBe(400);
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['duration_seconds', 'prompt']);

    const notMine = await client.jobs.get('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    expect(notMine).toBeInstanceOf(MuseApiError);
    expect((notMine as MuseApiError).status).toBe(404);

    let cancelled = false;
    const run = client.run('generation', { prompt: 'a song someone else stops', duration_seconds: 5, provider: 'local' }, {
      onProgress: (j) => {
        if (!cancelled) {
          cancelled = true;
          void new Muse({ baseUrl: platform.base, token: user.token }).jobs.cancel(j.id);
        }
      },
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MuseJobError);
    expect((error as MuseJobError).job.status).toBe('cancelled');
  }, 60_000);

  it('retries a rate-limited submission after Retry-After (same Idempotency-Key: one job each)', async () => {
    const statuses: number[] = [];
    const client = muse({
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        if (String(input instanceof Request ? input.url : input).endsWith('/v1/lyrics')) statuses.push(res.status);
        return res;
      },
    });
    const before = (await platform.jobRows(user.id)).filter((r) => r.kind === 'lyrics').length;
    const started = Date.now();
    const jobs = await Promise.all([1, 2, 3, 4].map((i) => client.submit('lyrics', { prompt: `rate limited song number ${i}` })));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s === 202)).toHaveLength(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // it waited for the bucket to refill
    expect(new Set(jobs.map((j) => j.id)).size).toBe(4);
    expect((await platform.jobRows(user.id)).filter((r) => r.kind === 'lyrics').length - before).toBe(4);

    // A caller that does not want to wait gets the 429 as a typed error with the limit.
    const impatient = muse({ maxRetries: 0 });
    const refused = await Promise.all([1, 2, 3].map((i) => impatient.submit('lyrics', { prompt: `impatient ${i}` }).catch((e: unknown) => e)));
    const limited = refused.find((e) => e instanceof MuseApiError) as MuseApiError;
    expect(limited.status).toBe(429);
    expect(limited.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(limited.problem.limit?.name).toBeDefined();
  }, 60_000);
});

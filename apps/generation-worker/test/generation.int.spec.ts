import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue, type Worker } from 'bullmq';
import { decodeMp3 } from '@muse/audio-engine';
import { Bucket, JobsRepository, TracksRepository, UsersRepository, type Database } from '@muse/db';
import { loadConfig, type WorkerService } from '@muse/platform';
import { StorageService } from '@muse/storage';
import { GenerationWorkerConfig, startGenerationWorker } from '../src/bootstrap.js';
import { GenerationService } from '../src/generation/generation.service.js';
import { LocalMusicProvider } from '../src/providers/local-music.provider.js';
import { PermanentProviderError, type MusicGenerationProvider, type MusicRequest, type ProgressReporter } from '../src/providers/music-provider.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';

/** A provider whose behaviour each test scripts: fail, hang, or answer with real local audio. */
class ScriptedProvider implements MusicGenerationProvider {
  readonly name = 'scripted';
  calls = 0;
  script: Array<'fail' | 'permanent' | 'hang' | 'ok'> = [];
  private readonly local = new LocalMusicProvider();

  async generate(request: MusicRequest, progress: ProgressReporter) {
    const step = this.script[this.calls++] ?? 'ok';
    if (step === 'fail') throw new Error(`provider hiccup #${this.calls}`);
    if (step === 'permanent') throw new PermanentProviderError('content refused');
    if (step === 'hang') await new Promise(() => undefined);
    return this.local.generate(request, progress);
  }
}

describe('generation worker', () => {
  let t: TestDatabase;
  let db: Database;
  let storage: StorageService;
  let queue: Queue;
  let config: ReturnType<typeof loadConfig<typeof GenerationWorkerConfig>>;
  let userId: string;
  const scripted = new ScriptedProvider();
  const workers: WorkerService[] = [];
  const jobs = new JobsRepository();
  const tracks = new TracksRepository();

  const start = async () => {
    const w = await startGenerationWorker(config, { extraProviders: [scripted], listen: false });
    workers.push(w);
    return w;
  };
  /** Writes what the gateway would (track, job) and queues it the way the relay does. */
  const submit = async (provider: string, extra: { instrumental?: boolean; duration?: number } = {}) => {
    const track = await tracks.insert(db, { user_id: userId, prompt: 'uplifting synthwave with a driving bassline', genre: 'electronic', mood: 'uplifting', metadata: JSON.stringify({ instrumental: extra.instrumental ?? false }) });
    const job = await jobs.insert(db, { user_id: userId, kind: 'generation', queue_name: 'generation', job_name: 'generation.run', provider, resource_type: 'track', resource_id: track.id, correlation_id: 'test', payload: JSON.stringify({ duration_seconds: extra.duration ?? 6, seed: 7 }) });
    await queue.add('generation.run', { jobId: job.id, userId, correlationId: 'test' }, { jobId: job.id, attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    return { job, track };
  };
  const settled = (id: string) =>
    waitFor(async () => {
      const job = await jobs.findById(db, id);
      return job && ['completed', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
    }, `job ${id} to settle`, 60_000);

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
    config = loadConfig(GenerationWorkerConfig, serviceEnv(t.url, { JOB_LOCK_MS: '5000', WORKER_CONCURRENCY: '2' }));
    storage = new StorageService({ endpoint: config.S3_ENDPOINT, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.ensureBuckets();
    queue = new Queue('generation', { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
    userId = (await new UsersRepository().create(db, { email: 'worker@example.com', passwordHash: 'x' }))!.id;
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
    scripted.calls = 0;
    scripted.script = [];
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    storage.destroy();
    await t.drop();
  });

  it('renders two real variants, stores them in S3, and completes the job in one write', async () => {
    await start();
    const { job, track } = await submit('local', { duration: 8 });
    const done = await settled(job.id);
    expect(done).toMatchObject({ status: 'completed', progress: 100, attempts: 1, error: null });
    const versions = await tracks.listVersions(db, track.id);
    expect(versions.map((v) => [v.variant_index, v.is_primary_variant])).toEqual([[0, true], [1, false]]);
    const saved = (await tracks.findById(db, track.id))!;
    expect(saved).toMatchObject({ status: 'completed', progress_percent: 100, audio_url: versions[0]!.audio_url, cover_url: versions[0]!.cover_url, duration: 8, has_vocals: true });
    expect(saved.audio_url).toContain(`/tracks/${userId}/${track.id}/audio.mp3`);
    expect(done.result).toMatchObject({ track_id: track.id, versions: [{ variant_index: 0 }, { variant_index: 1 }] });

    const decoded = [];
    for (const v of versions) {
      const bytes = new Uint8Array(await (await fetch(v.audio_url!)).arrayBuffer());
      const audio = await decodeMp3(bytes);
      expect(audio.sampleRate).toBe(44100);
      expect(Math.abs(audio.durationSeconds - 8)).toBeLessThan(0.2);
      decoded.push(bytes);
      const cover = new Uint8Array(await (await fetch(v.cover_url!)).arrayBuffer());
      expect([cover[0], cover[1]]).toEqual([0xff, 0xd8]);
    }
    expect(Buffer.compare(Buffer.from(decoded[0]!), Buffer.from(decoded[1]!))).not.toBe(0);
    // Platform analytics went out on the analytics queue for analytics-ingest: started, then completed.
    const analytics = new Queue('analytics', { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
    const emitted = await waitFor(async () => {
      const batches = await analytics.getJobs(['waiting']);
      const events = batches.flatMap((b) => (b.data as { events: Array<{ event_type: string; event_data: { job_id?: string } }> }).events);
      const mine = events.filter((e) => e.event_data.job_id === job.id).map((e) => e.event_type);
      return mine.includes('generation_completed') ? mine : undefined;
    }, 'the generation analytics events');
    expect(emitted.sort()).toEqual(['generation_completed', 'generation_started']);
    await analytics.close();

    const notes = await db.selectFrom('notifications').selectAll().where('user_id', '=', userId).execute();
    expect(notes.some((n) => n.type === 'success' && n.link === `/tracks/${track.id}`)).toBe(true);

    // A redelivered message for a finished job changes nothing.
    const w = workers[0]!;
    const again = await w.app.get(GenerationService).run({ jobId: job.id, userId, correlationId: 'redelivery' });
    expect(again).toBeUndefined();
    expect(await tracks.listVersions(db, track.id)).toHaveLength(2);
    expect((await jobs.findById(db, job.id))!.updated_at).toEqual(done.updated_at);
  });

  it('retries a failing provider with backoff and records each failed attempt', async () => {
    scripted.script = ['fail', 'fail', 'ok'];
    await start();
    const { job, track } = await submit('scripted', { instrumental: true });
    const done = await settled(job.id);
    expect(done).toMatchObject({ status: 'completed', attempts: 3 });
    const attempts = await db.selectFrom('track_retry_attempts').selectAll().where('track_id', '=', track.id).orderBy('attempt_number').execute();
    expect(attempts.map((a) => [a.attempt_number, a.error_message])).toEqual([[1, 'provider hiccup #1'], [2, 'provider hiccup #2']]);
    expect((await tracks.findById(db, track.id))!.has_vocals).toBe(false);
  });

  it('fails the job after three attempts, and at once for a permanent error', async () => {
    scripted.script = ['fail', 'fail', 'fail'];
    await start();
    const { job, track } = await submit('scripted');
    const failed = await settled(job.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'generation-failed', message: 'provider hiccup #3' } });
    expect((await tracks.findById(db, track.id))!).toMatchObject({ status: 'failed', error_message: 'provider hiccup #3' });
    expect(scripted.calls).toBe(3);
    expect(await tracks.listVersions(db, track.id)).toEqual([]);

    scripted.calls = 0;
    scripted.script = ['permanent'];
    const second = await submit('scripted');
    expect(await settled(second.job.id)).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'provider-rejected' } });
    expect(scripted.calls).toBe(1);
  });

  it('finishes a job whose worker died mid-render, exactly once', async () => {
    scripted.script = ['hang', 'ok'];
    const doomed = await start();
    const { job, track } = await submit('scripted');
    await waitFor(async () => (await jobs.findById(db, job.id))?.status === 'processing', 'the first attempt to start');
    // Kill it the hard way: no lock renewals, no clean hand-back; the job is left "active" in Redis.
    const bullWorkers = doomed.app.getMicroservices()[0]!.unwrap<Worker[]>();
    await Promise.all(bullWorkers.map((w) => w.close(true)));
    workers.splice(workers.indexOf(doomed), 1);
    await start();
    const done = await settled(job.id);
    expect(done).toMatchObject({ status: 'completed', attempts: 2 });
    expect(await tracks.listVersions(db, track.id)).toHaveLength(2);
    await doomed.app.close().catch(() => undefined);
  });
});

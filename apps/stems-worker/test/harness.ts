// Shared set-up of the audio worker's end-to-end tests: a fresh database, the real gateway over
// HTTP and the stems worker in process, two users, and engine-made tracks as the generation worker leaves them.
import { expect } from '@jest/globals';
import { ENGINE_NAME, ENGINE_VERSION, generateVariant, type ReferenceTraits, type SongRequest } from '@muse/audio-engine';
import { AccountsRepository, Bucket, CreditsRepository, JobsRepository, trackObjectKey, TracksRepository, type Job } from '@muse/db';
import { loadConfig, type WorkerService } from '@muse/platform';
import { StorageService } from '@muse/storage';
import { createGateway, type Gateway } from '../../api-gateway/src/bootstrap.js';
import { GatewayConfig } from '../../api-gateway/src/config.js';
import { startStemsWorker, StemsWorkerConfig } from '../src/bootstrap.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';

export interface User { token: string; id: string }

export class Harness {
  t!: TestDatabase;
  gateway!: Gateway;
  worker!: WorkerService;
  storage!: StorageService;
  base!: string;
  env!: Record<string, string>;
  alice!: User;
  bob!: User;
  readonly tracks = new TracksRepository();
  readonly jobs = new JobsRepository();

  /**
   * `options.env` is added to both services' settings (provider credentials); `options.workerEnv`
   * to the worker's only, once the gateway's URL is known (the callback base URL).
   */
  async start(prefix: string, options: { env?: Record<string, string>; workerEnv?: (gatewayUrl: string) => Record<string, string> } = {}): Promise<void> {
    this.t = await createTestDatabase();
    this.env = { ...serviceEnv(this.t.url, { OUTBOX_POLL_MS: '200', JOB_LOCK_MS: '60000' }), ...options.env };
    this.storage = new StorageService({ endpoint: this.env.S3_ENDPOINT!, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await this.storage.ensureBuckets();
    this.gateway = await createGateway(loadConfig(GatewayConfig, this.env));
    await this.gateway.app.listen(0, '127.0.0.1');
    this.base = (await this.gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    this.worker = await startStemsWorker(loadConfig(StemsWorkerConfig, { ...this.env, ...options.workerEnv?.(this.base) }), { listen: false });
    this.alice = await this.signup(`alice-${prefix}@example.com`);
    this.bob = await this.signup(`bob-${prefix}@example.com`);
    for (const user of [this.alice, this.bob]) await new CreditsRepository().adjust(this.t.db, user.id, 100, 'test setup');
  }

  async stop(): Promise<void> {
    await this.worker?.close();
    await this.gateway?.close();
    this.storage?.destroy();
    await this.t?.drop();
  }

  async call(method: string, path: string, token?: string, body?: unknown) {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  private async signup(email: string): Promise<User> {
    const res = await this.call('POST', '/v1/auth/signup', undefined, { email, password: 'correct horse battery' });
    expect(res.status).toBe(201);
    // Stem separation is a feature of the pro and premium plans (0030); the other kinds here need none.
    await new AccountsRepository().setPlan(this.t.db, res.body.user.id, 'pro');
    return { token: res.body.access_token as string, id: res.body.user.id as string };
  }

  /** What the generation worker's local provider leaves behind: a track, its version (engine metadata) and the MP3. */
  async engineTrack(userId: string, prompt: string, seconds = 6, seed = 11, reference?: Required<ReferenceTraits>) {
    const request: SongRequest = { prompt, title: 'Test Song', durationSeconds: seconds, seed, ...(reference ? { reference } : {}) };
    const track = await this.tracks.insert(this.t.db, { user_id: userId, prompt, title: 'Test Song', metadata: JSON.stringify({ instrumental: false }) });
    const variant = generateVariant(request, 0);
    const put = await this.storage.put(Bucket.Tracks, trackObjectKey(userId, track.id, 'audio.mp3', 0), variant.mp3, 'audio/mpeg');
    await this.tracks.saveGeneration(this.t.db, track.id, [{ variantIndex: 0, audioUrl: put.url, coverUrl: 'http://example.invalid/cover.jpg', durationSeconds: variant.durationSeconds, lyrics: null, metadata: { engine: ENGINE_NAME, engine_version: ENGINE_VERSION, params: variant.params, ...(reference ? { reference_tempo_bpm: reference.tempoBpm, reference_key: reference.key, reference_mode: reference.mode } : {}) } }], { hasVocals: variant.params.hasVocals, modelName: 'engine', title: 'Test Song' });
    return { track, mp3: variant.mp3, params: variant.params, audioUrl: put.url };
  }

  settled(id: string): Promise<Job> {
    return waitFor(async () => {
      const job = await this.jobs.findById(this.t.db, id);
      return job && ['completed', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
    }, `job ${id} to settle`, 120_000);
  }

  async jobCount(): Promise<number> {
    const row = await this.t.db.selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

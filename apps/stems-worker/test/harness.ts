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
import type { ProviderSimulator } from '../../../test/simulators/provider-simulator.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';

export interface User { token: string; id: string }

export const PROVIDER_CALLBACK_SECRET = 'provider-callback-secret-for-tests-0123456789';
/** The simulator answers any fal model id; this one is the description model the tests configure. */
export const SIMULATED_FAL_MODEL = 'fal-ai/sim-describer';

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

  /**
   * start() against the provider simulator: Replicate and fal pointed at it with its credentials, result files
   * from loopback allowed, and the worker's callbacks sent to this gateway. `env` holds the test's timings.
   */
  startWithSimulator(prefix: string, sim: ProviderSimulator, env: Record<string, string>): Promise<void> {
    const providerEnv = {
      REPLICATE_API_BASE_URL: sim.url,
      REPLICATE_API_TOKEN: sim.apiKey,
      REPLICATE_WEBHOOK_SECRET: sim.replicateWebhookSecret,
      FAL_QUEUE_BASE_URL: sim.url,
      FAL_KEY: sim.apiKey,
      FAL_DESCRIPTION_MODEL: SIMULATED_FAL_MODEL,
      FAL_WEBHOOK_JWKS_URL: `${sim.url}/.well-known/jwks.json`,
      PROVIDER_CALLBACK_SECRET: PROVIDER_CALLBACK_SECRET,
      PROVIDER_ALLOW_PRIVATE_HOSTS: '127.0.0.1/32',
      PROVIDER_HTTP_TIMEOUT_MS: '10000',
      PROVIDER_DOWNLOAD_TIMEOUT_MS: '10000',
    };
    return this.start(prefix, { env: { ...providerEnv, ...env }, workerEnv: (gatewayUrl) => ({ PROVIDER_CALLBACK_BASE_URL: gatewayUrl }) });
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

  /** A job's credit lines as [debit|refund, amount]: its charge at submission (plan prices decide), any refund. */
  async ledgerOf(jobId: string): Promise<Array<[string, number]>> {
    const lines = await this.t.db.selectFrom('credit_transactions').select(['reason', 'amount']).where('job_id', '=', jobId).execute();
    return lines.map((l) => [l.reason === 'refund' ? 'refund' : 'debit', Number(l.amount)]);
  }

  async jobCount(): Promise<number> {
    const row = await this.t.db.selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

// The started platform for the studio-kind tests: an in-process gateway and an in-process worker on
// one database, one queue prefix and the test S3, driven over HTTP like a client would.
import { expect } from '@jest/globals';
import { AccountsRepository, CreditsRepository } from '@muse/db';
import { loadConfig, type WorkerService } from '@muse/platform';
import { StorageService } from '@muse/storage';
import { createGateway, type Gateway } from '../../api-gateway/src/bootstrap.js';
import { GatewayConfig } from '../../api-gateway/src/config.js';
import { GenerationWorkerConfig, startGenerationWorker } from '../src/bootstrap.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';

export interface User { token: string; id: string }
export interface Reply { status: number; headers: Headers; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

export class StudioPlatform {
  t!: TestDatabase;
  gateway!: Gateway;
  worker!: WorkerService;
  base = '';

  /**
   * `options.env` is added to both services' settings (provider credentials); `options.workerEnv`
   * to the worker's only, once the gateway's URL is known (the callback base URL).
   */
  async start(options: { env?: Record<string, string>; workerEnv?: (gatewayUrl: string) => Record<string, string> } = {}): Promise<void> {
    this.t = await createTestDatabase();
    const env = {
      ...serviceEnv(this.t.url, {
        OUTBOX_POLL_MS: '200',
        JOB_LOCK_MS: '10000',
        RATE_LIMITS: JSON.stringify({ 'generate-music': { requests: 10_000, per_seconds: 60 }, 'api-general': { requests: 10_000, per_seconds: 60 }, auth: { requests: 1000, per_seconds: 60 } }),
      }),
      ...options.env,
    };
    const storage = new StorageService({ endpoint: env.S3_ENDPOINT!, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.ensureBuckets();
    storage.destroy();
    this.gateway = await createGateway(loadConfig(GatewayConfig, env));
    await this.gateway.app.listen(0, '127.0.0.1');
    this.base = (await this.gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    this.worker = await startGenerationWorker(loadConfig(GenerationWorkerConfig, { ...env, ...options.workerEnv?.(this.base) }), { listen: false });
    await this.t.db.insertInto('subscription_plans').values({ name: 'test-unlimited', display_name: 'Test', credits_monthly: -1, credits_daily_limit: -1, max_concurrent_generations: -1, max_projects: -1, max_tracks_per_project: -1, features: JSON.stringify({ stems: true, wav: true, upscale: true, commercial_use: true }) }).execute();
  }

  async stop(): Promise<void> {
    await this.worker?.close();
    await this.gateway?.close();
    await this.t?.drop();
  }

  async call(method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  }

  async signup(email: string): Promise<User> {
    const res = await this.call('POST', '/v1/auth/signup', { body: { email, password: 'correct horse battery' } });
    expect(res.status).toBe(201);
    const user = { token: res.body.access_token as string, id: res.body.user.id as string };
    await new AccountsRepository().setPlan(this.t.db, user.id, 'test-unlimited');
    await new CreditsRepository().adjust(this.t.db, user.id, 1000, 'test setup');
    return user;
  }

  /** Polls GET /v1/jobs/{id} until the job is terminal. */
  settled(user: User, jobId: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    return waitFor(async () => {
      // The worker renders in this process: a kept-alive socket can be reset meanwhile; polling just asks again.
      const res = await this.call('GET', `/v1/jobs/${jobId}`, { token: user.token }).catch(() => undefined);
      if (!res) return undefined;
      return ['completed', 'failed', 'cancelled'].includes(res.body?.status) ? res.body : undefined;
    }, `job ${jobId} to settle`, 120_000, 150);
  }

  /** A finished local song over HTTP: POST /v1/generations, wait, and return its id and versions. */
  async song(user: User, seconds = 8, prompt = 'warm acoustic folk about the harbour at dawn'): Promise<{ trackId: string; versions: any[] }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await this.call('POST', '/v1/generations', { token: user.token, body: { prompt, duration_seconds: seconds, seed: 11, provider: 'local' } });
    expect(res.status).toBe(202);
    const done = await this.settled(user, res.body.id);
    expect(done.status).toBe('completed');
    const versions = await this.call('GET', `/v1/tracks/${done.resource.id}/versions`, { token: user.token });
    return { trackId: done.resource.id, versions: versions.body.data };
  }

  /** Rows of a table, for proving that a refused request created nothing. */
  async count(table: 'jobs' | 'wav_jobs' | 'lyrics_jobs' | 'audio_upscale_jobs' | 'track_section_replacements' | 'suno_personas' | 'ai_transformations' | 'outbox'): Promise<number> {
    const row = await this.t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

export async function download(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} → ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

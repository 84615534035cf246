// The platform the client and CLI tests talk to: an in-process gateway, generation worker and stems
// worker on one fresh database, one queue prefix and the test S3, plus a proxy in front of the
// gateway that can cut or refuse the event stream (what a flaky network or a proxy does).
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccountsRepository, CreditsRepository } from '@muse/db';
import { loadConfig, type WorkerService } from '@muse/platform';
import { StorageService } from '@muse/storage';
import { createGateway, type Gateway } from '../../../apps/api-gateway/src/bootstrap.js';
import { GatewayConfig } from '../../../apps/api-gateway/src/config.js';
import { GenerationWorkerConfig, startGenerationWorker } from '../../../apps/generation-worker/src/bootstrap.js';
import { StemsWorkerConfig, startStemsWorker } from '../../../apps/stems-worker/src/bootstrap.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv } from '../../../test/support/env.js';

export interface User { token: string; id: string; email: string; password: string }

export class ClientPlatform {
  t!: TestDatabase;
  gateway!: Gateway;
  workers: WorkerService[] = [];
  base = '';
  private n = 0;

  private env: Record<string, string> = {};

  /** `workers: false` starts the gateway only: jobs wait `pending` until startWorkers(). */
  async start(extra: Record<string, string> = {}, options: { workers?: boolean } = {}): Promise<void> {
    this.t = await createTestDatabase();
    const env = (this.env = serviceEnv(this.t.url, { OUTBOX_POLL_MS: '200', JOB_LOCK_MS: '10000', ...extra }));
    const storage = new StorageService({ endpoint: env.S3_ENDPOINT!, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.ensureBuckets();
    storage.destroy();
    this.gateway = await createGateway(loadConfig(GatewayConfig, env));
    await this.gateway.app.listen(0, '127.0.0.1');
    this.base = (await this.gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    if (options.workers !== false) await this.startWorkers();
    await this.t.db.insertInto('subscription_plans').values({ name: 'test-unlimited', display_name: 'Test', credits_monthly: -1, credits_daily_limit: -1, max_concurrent_generations: -1, max_projects: -1, max_tracks_per_project: -1, features: JSON.stringify({ stems: true, wav: true, upscale: true, commercial_use: true }) }).execute();
  }

  async startWorkers(): Promise<void> {
    this.workers.push(await startGenerationWorker(loadConfig(GenerationWorkerConfig, this.env), { listen: false }));
    this.workers.push(await startStemsWorker(loadConfig(StemsWorkerConfig, this.env), { listen: false }));
  }

  async stop(): Promise<void> {
    for (const w of this.workers) await w.close();
    await this.gateway?.close();
    await this.t?.drop();
  }

  /** A new account on an unlimited plan with credits to spare. */
  async signup(): Promise<User> {
    const email = `client${++this.n}-${Date.now()}@example.com`;
    const password = 'correct horse battery';
    const res = await fetch(`${this.base}/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    if (res.status !== 201) throw new Error(`signup → ${res.status}`);
    const body = (await res.json()) as { access_token: string; user: { id: string } };
    await new AccountsRepository().setPlan(this.t.db, body.user.id, 'test-unlimited');
    await new CreditsRepository().adjust(this.t.db, body.user.id, 1000, 'test setup');
    return { token: body.access_token, id: body.user.id, email, password };
  }

  async jobRows(userId: string) {
    return this.t.db.selectFrom('jobs').select(['id', 'kind', 'status']).where('user_id', '=', userId).execute();
  }
}

/** An HTTP proxy in front of the gateway that records requests and can drop or refuse /v1/stream. */
export class FlakyProxy {
  url = '';
  /** 'pass': forward; 'refuse': /v1/stream answers 404 (a proxy without SSE); 'cut-after-first-event': drop the stream once it has carried one job event (once, then 'pass'). */
  mode: 'pass' | 'refuse' | 'cut-after-first-event' = 'pass';
  readonly requests: Array<{ method: string; path: string; lastEventId?: string }> = [];
  cuts = 0;
  /** The id of the last event a cut stream carried. */
  cutAfterId?: string;
  private server!: Server;

  constructor(private readonly target: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async startWorkers(): Promise<void> {
    this.workers.push(await startGenerationWorker(loadConfig(GenerationWorkerConfig, this.env), { listen: false }));
    this.workers.push(await startStemsWorker(loadConfig(StemsWorkerConfig, this.env), { listen: false }));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    const isStream = path.startsWith('/v1/stream');
    this.requests.push({ method: req.method ?? 'GET', path, lastEventId: req.headers['last-event-id'] as string | undefined });
    if (isStream && this.mode === 'refuse') {
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'this proxy does not pass event streams' }));
      return;
    }
    const upstream = httpRequest(this.target + path, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      if (isStream && this.mode === 'cut-after-first-event') {
        up.on('data', (chunk: Buffer) => {
          res.write(chunk);
          if (this.mode === 'cut-after-first-event' && chunk.toString().includes('event: job')) {
            this.mode = 'pass'; // once: the reconnection goes through
            this.cuts++;
            this.cutAfterId = [...chunk.toString().matchAll(/^id: (\S+)$/gm)].at(-1)?.[1];
            // The connection ends under the client (as when a proxy or a restarting server closes it).
            up.destroy();
            res.end();
          }
        });
        up.on('end', () => res.end());
        up.on('error', () => res.end());
      } else up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }
}

// The chaos suite's platform: its own database, its own redis-server on a free port, its own S3 server,
// and the BUILT apps (npm run build) as child processes, so faults hit real processes: kill -9, Redis lost,
// restarted, partitioned. Plus the load it drives over HTTP and the audit it runs from Postgres and S3.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { expect } from '@jest/globals';
import { sql } from 'kysely';
import S3rver from 's3rver';
import { AccountsRepository, CreditsRepository } from '@muse/db';
import { StorageService } from '@muse/storage';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { serviceEnv, waitFor } from '../support/env.js';
import { freePort } from '../support/ports.js';
import { TcpProxy } from './tcp-proxy.js';

/** `CHAOS_PROFILE=full` (npm run chaos) or `reduced` (the default, also under CI): how much load and how many faults. */
export const PROFILE = (process.env.CHAOS_PROFILE ?? 'reduced') === 'full' ? 'full' : 'reduced';
export const FULL = PROFILE === 'full';
/** Starting Nest apps on a busy shared machine can take a minute or more. */
export const START_TIMEOUT_MS = Number(process.env.CHAOS_START_TIMEOUT_MS ?? 420_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A private redis-server: stopped without saving, killed, restarted empty or from its AOF. */
export class RedisServer {
  proc?: ChildProcess;
  readonly dir = mkdtempSync(join(tmpdir(), 'muse-chaos-redis-'));
  constructor(
    readonly port: number,
    public aof = false,
  ) {}
  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--dir', this.dir, '--appendonly', this.aof ? 'yes' : 'no'];
    if (this.aof) args.push('--appendfsync', 'always');
    this.proc = spawn('redis-server', args, { stdio: 'ignore' });
    await waitFor(() => this.ping(), `redis-server on ${this.port}`, 10_000, 50);
  }
  async ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const s = new Socket();
      s.setTimeout(500);
      s.once('error', () => resolve(false));
      s.once('timeout', () => (s.destroy(), resolve(false)));
      s.connect(this.port, '127.0.0.1', () => s.write('PING\r\n'));
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
    });
  }
  /** Gone at once, nothing saved (SIGKILL; with --save "" and no AOF the data is lost, as with SHUTDOWN NOSAVE). */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface App {
  name: string;
  port: number;
  proc: ChildProcess;
  exited: Promise<number | null>;
  log: string[];
}

export interface Submitted {
  jobId: string;
  trackId: string;
  userId: string;
  /** 'analysis': a job reading a user's upload (recognition, description, upscale, transformation). */
  kind: 'generation' | 'stems' | 'analysis';
}

export interface AuditReport {
  jobs: number;
  completed: number;
  failed: number;
  cancelled: number;
  unfinished: number;
  missingRows: number;
  versionProblems: string[];
  missingObjects: string[];
  orphanObjects: string[];
  chargeProblems: string[];
  balanceProblems: string[];
  retries: number;
  duplicated: number;
  lost: number;
}

export class ChaosPlatform {
  t!: TestDatabase;
  redis!: RedisServer;
  s3!: S3rver;
  s3Endpoint = '';
  gatewayPort = 0;
  readonly apps: App[] = [];
  readonly submitted: Submitted[] = [];
  /** 5xx answers seen by submissions (each retried with the same Idempotency-Key). */
  serverErrors = 0;
  users: Array<{ id: string; token: string }> = [];
  /** With `proxy` at start: the apps reach Redis / S3 through these (the audit still talks to the servers directly). */
  redisProxy?: TcpProxy;
  s3Proxy?: TcpProxy;
  private readonly s3dir = mkdtempSync(join(tmpdir(), 'muse-chaos-s3-'));
  private env: Record<string, string> = {};
  private n = 0;

  /**
   * `providers`: the generation worker talks to the provider simulator (Suno-compatible and Mureka) instead
   * of the local engine, and providers call back through the gateway's /v1/webhooks/{provider}.
   */
  async start(options: { generationWorkers: number; stemsWorkers: number; aof?: boolean; env?: Record<string, string>; providers?: { url: string; apiKey: string }; proxy?: { redis?: boolean; s3?: boolean } }): Promise<void> {
    this.t = await createTestDatabase('muse_chaos');
    this.redis = new RedisServer(await freePort(), options.aof);
    await this.redis.start();
    this.s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: this.s3dir });
    const { port } = await this.s3.run();
    this.s3Endpoint = `http://127.0.0.1:${port}`;
    const storage = new StorageService({ endpoint: this.s3Endpoint, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.ensureBuckets();
    storage.destroy();
    if (options.proxy?.redis) {
      this.redisProxy = new TcpProxy(this.redis.port);
      await this.redisProxy.start();
    }
    if (options.proxy?.s3) {
      this.s3Proxy = new TcpProxy(port);
      await this.s3Proxy.start();
    }
    this.gatewayPort = await freePort();
    this.env = serviceEnv(this.t.url, {
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
      REDIS_URL: this.redisProxy ? `redis://${this.redisProxy.url}` : this.redis.url,
      S3_ENDPOINT: this.s3Proxy ? `http://${this.s3Proxy.url}` : this.s3Endpoint,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // A dead worker's job comes back within 1.5 lock periods; 5 s (the minimum) keeps the suite short.
      JOB_LOCK_MS: '5000',
      WORKER_CONCURRENCY: '2',
      SHUTDOWN_GRACE_MS: '10000',
      OUTBOX_POLL_MS: '200',
      RATE_LIMITS: JSON.stringify({ 'generate-music': { requests: 100_000, per_seconds: 60 }, 'api-general': { requests: 100_000, per_seconds: 60 }, auth: { requests: 100_000, per_seconds: 60 } }),
      ...(options.providers ? providerEnv(options.providers, `http://127.0.0.1:${this.gatewayPort}`) : {}),
      ...options.env,
    });
    this.startApp('api-gateway', this.gatewayPort);
    for (let i = 0; i < options.generationWorkers; i++) await this.startApp('generation-worker');
    for (let i = 0; i < options.stemsWorkers; i++) await this.startApp('stems-worker');
    await Promise.all(this.apps.map((a) => this.waitReady(a)));
  }

  get prefix(): string {
    return this.env.QUEUE_PREFIX;
  }

  get base() {
    return `http://127.0.0.1:${this.gatewayPort}`;
  }

  /** Starts an app (the gateway on `port`, a worker on a free health port). Returns at once for the gateway, a promise for a worker's port. */
  startApp(name: 'api-gateway', port: number): App;
  startApp(name: string): Promise<App>;
  startApp(name: string, port?: number): App | Promise<App> {
    if (name !== 'api-gateway') return freePort().then((p) => this.spawnApp(name, p));
    return this.spawnApp(name, port!);
  }

  private spawnApp(name: string, port: number): App {
    const env = { ...process.env, ...this.env, ...(name === 'api-gateway' ? { PORT: String(port) } : { HEALTH_PORT: String(port) }) };
    const proc = spawn(process.execPath, [join('apps', name, 'dist', 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    const keep = (d: Buffer) => {
      log.push(d.toString());
      if (log.length > Number(process.env.CHAOS_LOG_KEEP ?? 200)) log.shift();
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    const app: App = { name, port, proc, log, exited: new Promise((r) => proc.once('exit', (code) => r(code))) };
    this.apps.push(app);
    return app;
  }

  /** Every app answers /health/ready on its port once its connections work. */
  async waitReady(app: App): Promise<void> {
    await waitFor(
      async () => {
        if (app.proc.exitCode !== null) throw new Error(`${app.name} exited during start-up:\n${app.log.join('')}`);
        try {
          return (await fetch(`http://127.0.0.1:${app.port}/health/ready`)).ok;
        } catch {
          return false;
        }
      },
      `${app.name} to start`,
      START_TIMEOUT_MS,
      100,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; its output:\n${app.log.join('').slice(-3000)}`);
    });
  }

  running(name: string): App[] {
    return this.apps.filter((a) => a.name === name && a.proc.exitCode === null && a.proc.signalCode === null);
  }

  async kill9(app: App): Promise<void> {
    app.proc.kill('SIGKILL');
    await app.exited;
  }

  async call(method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    let body: any = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return { status: res.status, body };
  }

  /** Users on the premium plan (10 concurrent jobs, no daily limit) with `credits` each, granted through the ledger. */
  async signup(count: number, credits = 1000): Promise<void> {
    const accounts = new AccountsRepository();
    const ledger = new CreditsRepository();
    for (let i = 0; i < count; i++) {
      const res = await this.call('POST', '/v1/auth/signup', { body: { email: `chaos${++this.n}-${Date.now()}@example.com`, password: 'correct horse battery' } });
      if (res.status !== 201) throw new Error(`signup: ${res.status} ${JSON.stringify(res.body)}`);
      const id = res.body.user.id as string;
      await accounts.setPlan(this.t.db, id, 'premium');
      await ledger.adjust(this.t.db, id, credits, 'chaos setup');
      this.users.push({ id, token: res.body.access_token });
    }
  }

  /** Submits a short song for a user (to `provider` when given); an accepted (202) job is recorded for the audit. Returns the status. */
  async submitGeneration(user: { id: string; token: string }, seconds = 5, provider?: string): Promise<number> {
    const key = `chaos-${++this.n}`;
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      try {
        const res = await this.call('POST', '/v1/generations', { token: user.token, headers: { 'idempotency-key': key }, body: { prompt: `chaos song ${this.n} upbeat synth pop`, duration_seconds: seconds, ...(provider ? { provider } : {}) } });
        if (res.status === 202 && !this.submitted.some((x) => x.jobId === res.body.id)) this.submitted.push({ jobId: res.body.id, trackId: res.body.resource.id, userId: user.id, kind: 'generation' });
        // A request whose database connection was cut answers 5xx; the client retries with the same key.
        if (res.status >= 500 && Date.now() < deadline) {
          this.serverErrors++;
          await sleep(250);
          continue;
        }
        return res.status;
      } catch (error) {
        // The connection broke (gateway restarting): the same Idempotency-Key makes the retry safe.
        if (Date.now() > deadline) throw error;
        await sleep(250);
      }
    }
  }

  async submitStems(user: { id: string; token: string }, trackId: string): Promise<number> {
    const res = await this.call('POST', `/v1/tracks/${trackId}/stems`, { token: user.token, headers: { 'idempotency-key': `chaos-stems-${++this.n}` }, body: {} });
    if (res.status === 202 && !this.submitted.some((x) => x.jobId === res.body.id)) this.submitted.push({ jobId: res.body.id, trackId, userId: user.id, kind: 'stems' });
    return res.status;
  }

  /** Every job of this database in a terminal state (or the timeout). Returns the ms waited. */
  async settle(timeoutMs: number): Promise<number> {
    const started = Date.now();
    await waitFor(
      async () => {
        const row = await sql<{ n: number }>`select count(*)::int as n from jobs where status in ('pending', 'processing')`.execute(this.t.db);
        return row.rows[0].n === 0;
      },
      'every job to reach a terminal state',
      timeoutMs,
      250,
    );
    return Date.now() - started;
  }

  async unfinished(): Promise<number> {
    const row = await sql<{ n: number }>`select count(*)::int as n from jobs where status in ('pending', 'processing')`.execute(this.t.db);
    return row.rows[0].n;
  }

  private async listBucket(bucket: string): Promise<string[]> {
    const client = new S3Client({ endpoint: this.s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const o of page.Contents ?? []) keys.push(o.Key!);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    client.destroy();
    return keys;
  }

  /** The audit of the issue, from Postgres and S3 only. */
  async audit(): Promise<AuditReport> {
    const db = this.t.db;
    const jobs = (await sql<{ id: string; kind: string; status: string; attempts: number; resource_id: string | null; user_id: string }>`select id, kind, status, attempts, resource_id, user_id from jobs`.execute(db)).rows;
    const byId = new Map(jobs.map((j) => [j.id, j]));
    const report: AuditReport = { jobs: this.submitted.length, completed: 0, failed: 0, cancelled: 0, unfinished: 0, missingRows: 0, versionProblems: [], missingObjects: [], orphanObjects: [], chargeProblems: [], balanceProblems: [], retries: 0, duplicated: 0, lost: 0 };
    for (const s of this.submitted) {
      const job = byId.get(s.jobId);
      if (!job) {
        report.missingRows++;
        continue;
      }
      if (job.status === 'completed') report.completed++;
      else if (job.status === 'failed') report.failed++;
      else if (job.status === 'cancelled') report.cancelled++;
      else report.unfinished++;
      report.retries += Math.max(0, job.attempts - 1);
    }
    report.lost = report.missingRows + report.unfinished + report.failed;

    // Every completed generation: exactly two versions (variants 0 and 1), each with audio and cover in S3.
    const tracksBucket = new Set(await this.listBucket('tracks'));
    const stemsBucket = new Set(await this.listBucket('stems'));
    const keyOf = (url: string, bucket: string) => decodeURIComponent(new URL(url).pathname.replace(new RegExp(`^/${bucket}/`), ''));
    const versions = (await sql<{ parent_track_id: string; variant_index: number; audio_url: string | null; cover_url: string | null }>`select parent_track_id, variant_index, audio_url, cover_url from track_versions`.execute(db)).rows;
    const referenced = new Set<string>();
    const tracks = (await sql<{ audio_url: string | null; cover_url: string | null }>`select audio_url, cover_url from tracks`.execute(db)).rows;
    for (const t of tracks) for (const u of [t.audio_url, t.cover_url]) if (u) referenced.add(keyOf(u, 'tracks'));
    for (const v of versions) for (const u of [v.audio_url, v.cover_url]) if (u) referenced.add(keyOf(u, 'tracks'));
    for (const s of this.submitted.filter((x) => x.kind === 'generation' && byId.get(x.jobId)?.status === 'completed')) {
      const mine = versions.filter((v) => v.parent_track_id === s.trackId);
      const variants = mine.map((v) => v.variant_index).sort();
      if (mine.length !== 2 || variants.join() !== '0,1') {
        report.versionProblems.push(`${s.trackId}: variants [${variants.join(',')}]`);
        if (mine.length > 2) report.duplicated += mine.length - 2;
      }
      for (const v of mine) {
        for (const u of [v.audio_url, v.cover_url]) {
          if (!u) report.missingObjects.push(`${s.trackId}/${v.variant_index}: no url`);
          else if (!tracksBucket.has(keyOf(u, 'tracks'))) report.missingObjects.push(keyOf(u, 'tracks'));
        }
      }
    }
    const stems = (await sql<{ track_id: string; audio_url: string }>`select track_id, audio_url from track_stems`.execute(db)).rows;
    for (const st of stems) if (!stemsBucket.has(keyOf(st.audio_url, 'stems'))) report.missingObjects.push(`stems/${keyOf(st.audio_url, 'stems')}`);
    const stemKeys = new Set(stems.map((st) => keyOf(st.audio_url, 'stems')));
    // No object without a row.
    for (const k of tracksBucket) if (!referenced.has(k)) report.orphanObjects.push(`tracks/${k}`);
    for (const k of stemsBucket) if (!stemKeys.has(k)) report.orphanObjects.push(`stems/${k}`);

    // Every charge once; every failed or cancelled job refunded once; nothing refunded that completed.
    const ledger = (await sql<{ job_id: string; debits: number; refunds: number; charged: number; refunded: number }>`
      select job_id, count(*) filter (where amount < 0)::int as debits, count(*) filter (where amount > 0)::int as refunds,
             coalesce(-sum(amount) filter (where amount < 0), 0)::int as charged, coalesce(sum(amount) filter (where amount > 0), 0)::int as refunded
        from credit_transactions where job_id is not null group by job_id`.execute(db)).rows;
    const byJob = new Map(ledger.map((l) => [l.job_id, l]));
    for (const s of this.submitted) {
      const job = byId.get(s.jobId);
      const l = byJob.get(s.jobId) ?? { debits: 0, refunds: 0, charged: 0, refunded: 0 };
      if (l.debits > 1 || l.refunds > 1) {
        report.chargeProblems.push(`${s.jobId}: ${l.debits} debits, ${l.refunds} refunds`);
        report.duplicated++;
      }
      if (s.kind === 'generation' && l.debits !== 1) report.chargeProblems.push(`${s.jobId}: ${l.debits} debits`);
      const shouldRefund = job && (job.status === 'failed' || job.status === 'cancelled') && l.charged > 0;
      if (shouldRefund && l.refunded !== l.charged) report.chargeProblems.push(`${s.jobId} (${job.status}): charged ${l.charged}, refunded ${l.refunded}`);
      if (job?.status === 'completed' && l.refunds > 0) report.chargeProblems.push(`${s.jobId}: completed and refunded`);
    }
    // Each balance equals its ledger.
    const balances = (await sql<{ id: string; credits_remaining: number; ledger: number }>`
      select p.id, p.credits_remaining, coalesce((select sum(amount) from credit_transactions c where c.user_id = p.id and c.kind = 'production'), 0)::int as ledger
        from profiles p`.execute(db)).rows;
    for (const b of balances) if (b.credits_remaining !== b.ledger) report.balanceProblems.push(`${b.id}: balance ${b.credits_remaining}, ledger ${b.ledger}`);
    return report;
  }

  async stop(): Promise<void> {
    for (const app of this.apps) if (app.proc.exitCode === null && app.proc.signalCode === null) app.proc.kill('SIGKILL');
    await Promise.all(this.apps.map((a) => a.exited));
    await this.redisProxy?.close();
    await this.s3Proxy?.close();
    await this.redis?.stop();
    await this.s3?.close();
    rmSync(this.s3dir, { recursive: true, force: true });
    await this.t?.drop();
  }
}

/**
 * Figures of one experiment into bench/chaos.md (a row per experiment, replaced on each run), when the run
 * is recorded: `npm run chaos` sets CHAOS_RECORD=1; the reduced profile in CI leaves the file alone.
 * An experiment without jobs (the HTTP fuzz) puts its own words in the columns that do not apply.
 */
export function record(experiment: string, figures: { jobs: number | string; faults: string; recovered: number | string; lost: number | string; duplicated: number | string; retries: number | string; recoverSeconds: string; runSeconds: number }): void {
  // eslint-disable-next-line no-console
  console.log(`chaos ${experiment}: ${JSON.stringify(figures)}`);
  if (!process.env.CHAOS_RECORD) return;
  const file = 'bench/chaos.md';
  const row = `| ${experiment} | ${PROFILE} | ${figures.jobs} | ${figures.faults} | ${figures.recovered} | ${figures.lost} | ${figures.duplicated} | ${figures.retries} | ${figures.recoverSeconds} | ${figures.runSeconds.toFixed(0)} |`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const lines = text.split('\n');
  const end = lines.findIndex((l) => l.startsWith('<!-- chaos-results-end -->'));
  if (end < 0) throw new Error('bench/chaos.md has no <!-- chaos-results-end --> marker');
  // Only the results table above the marker is ours: the notes below it quote reduced-profile rows by the same names.
  const at = lines.slice(0, end).findIndex((l) => l.startsWith(`| ${experiment} |`));
  if (at >= 0) lines[at] = row;
  else lines.splice(end, 0, row);
  writeFileSync(file, lines.join('\n'));
}

/** What the gateway and the workers need to use the provider simulator: credentials, callbacks to the gateway, quick polls. */
export function providerEnv(sim: { url: string; apiKey: string }, gatewayUrl: string): Record<string, string> {
  return {
    SUNO_API_BASE_URL: sim.url,
    SUNO_API_KEY: sim.apiKey,
    MUREKA_API_BASE_URL: sim.url,
    MUREKA_API_KEY: sim.apiKey,
    PROVIDER_CALLBACK_BASE_URL: gatewayUrl,
    PROVIDER_CALLBACK_SECRET: 'chaos-provider-callback-secret-0123456789',
    // Result files come from the simulator on this machine, which the SSRF guard refuses otherwise.
    PROVIDER_ALLOW_PRIVATE_HOSTS: '127.0.0.1/32',
    PROVIDER_POLL_BASE_MS: '500',
    PROVIDER_POLL_MAX_MS: '4000',
    PROVIDER_HTTP_TIMEOUT_MS: '5000',
  };
}

/** What an experiment's audit must show. */
export type Outcome =
  /** Nothing lost, nothing twice, and every accepted job completed (none cancelled either). */
  | 'all completed'
  /** Nothing lost, nothing twice (the verdict alone). */
  | 'clean'
  /** Clean except that jobs may have failed, each refunded once (the audit checks the refunds); none left open or missing. */
  | 'failures refunded';

/** An experiment's own figures for its row; `recovered` defaults to the audit's retries (jobs handed back). */
export interface ExperimentFigures {
  faults: string;
  recoverSeconds: string;
  recovered?: number;
}

/**
 * The audit test's common tail: audit from Postgres and S3, expect `outcome`, then ask the experiment for its
 * own checks and figures (`figures` runs only once the audit passed) and record the row. Returns the report.
 */
export async function auditAndRecord(p: ChaosPlatform, experiment: string, options: { began: number; outcome?: Outcome; figures: (report: AuditReport) => ExperimentFigures | Promise<ExperimentFigures> }): Promise<AuditReport> {
  const report = await p.audit();
  const outcome = options.outcome ?? 'all completed';
  if (outcome === 'failures refunded') {
    expect({ ...verdict(report), failed: 0, lost: 0 }).toEqual(CLEAN);
    expect(report.unfinished + report.missingRows).toBe(0);
  } else {
    expect(verdict(report)).toEqual(CLEAN);
    if (outcome === 'all completed') expect(report.completed).toBe(report.jobs);
  }
  const figures = await options.figures(report);
  record(experiment, {
    jobs: report.jobs,
    faults: figures.faults,
    recovered: figures.recovered ?? report.retries,
    lost: report.lost,
    duplicated: report.duplicated,
    retries: report.retries,
    recoverSeconds: figures.recoverSeconds,
    runSeconds: (Date.now() - options.began) / 1000,
  });
  return report;
}

/** The audit's verdict in one object, so a failure shows everything at once. */
export function verdict(r: AuditReport) {
  return {
    missingRows: r.missingRows,
    unfinished: r.unfinished,
    failed: r.failed,
    versionProblems: r.versionProblems,
    missingObjects: r.missingObjects,
    orphanObjects: r.orphanObjects,
    chargeProblems: r.chargeProblems,
    balanceProblems: r.balanceProblems,
    lost: r.lost,
    duplicated: r.duplicated,
  };
}
export const CLEAN = { missingRows: 0, unfinished: 0, failed: 0, versionProblems: [], missingObjects: [], orphanObjects: [], chargeProblems: [], balanceProblems: [], lost: 0, duplicated: 0 };
export { sleep };

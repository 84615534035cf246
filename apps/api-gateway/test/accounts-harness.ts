import { expect } from '@jest/globals';
import { AccountsRepository, CreditsRepository } from '@muse/db';
import { loadConfig } from '@muse/platform';
import { StorageService } from '@muse/storage';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { GatewayConfig } from '../src/config.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv } from '../../../test/support/env.js';

export type Res = { status: number; headers: Headers; body: any };
export type User = { token: string; id: string };

/** A gateway on its own database (and the shared S3), with the calls the account tests make. */
export class AccountsHarness {
  t!: TestDatabase;
  gateway!: Gateway;
  base = '';
  readonly accounts = new AccountsRepository();
  readonly credits = new CreditsRepository();
  private n = 0;

  async start(extra: Record<string, string> = {}): Promise<void> {
    this.t = await createTestDatabase();
    const env = serviceEnv(this.t.url, {
      OUTBOX_POLL_MS: '60000',
      STALE_JOB_SECONDS: '3600',
      // Rate limits have their own test; here they must not be what refuses a request.
      RATE_LIMITS: JSON.stringify({ 'generate-music': { requests: 10_000, per_seconds: 60 }, 'api-general': { requests: 10_000, per_seconds: 60 }, auth: { requests: 1000, per_seconds: 60 } }),
      ...extra,
    });
    const storage = new StorageService({ endpoint: env.S3_ENDPOINT!, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.ensureBuckets();
    storage.destroy();
    this.gateway = await createGateway(loadConfig(GatewayConfig, env));
    await this.gateway.app.listen(0, '127.0.0.1');
    this.base = (await this.gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
  }

  async stop(): Promise<void> {
    await this.gateway?.close();
    await this.t?.drop();
  }

  call = async (method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Res> => {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };

  signup = async (): Promise<User> => {
    const res = await this.call('POST', '/v1/auth/signup', { body: { email: `acct${++this.n}-${Date.now()}@example.com`, password: 'correct horse battery' } });
    expect(res.status).toBe(201);
    return { token: res.body.access_token as string, id: res.body.user.id as string };
  };

  /** Moves the user onto a plan (the tier follows) with exactly `balance` credits, through the ledgered admin function. */
  setAccount = async (userId: string, planName: string, balance?: number): Promise<void> => {
    await this.accounts.setPlan(this.t.db, userId, planName);
    if (balance === undefined) return;
    const p = await this.t.db.selectFrom('profiles').select('credits_remaining').where('id', '=', userId).executeTakeFirstOrThrow();
    if (balance !== p.credits_remaining) await this.credits.adjust(this.t.db, userId, balance - p.credits_remaining, 'test setup');
  };

  balance = async (userId: string) =>
    this.t.db.selectFrom('profiles').select(['credits_remaining', 'test_credits_remaining']).where('id', '=', userId).executeTakeFirstOrThrow();

  ledger = (userId: string, kind: 'production' | 'test' = 'production') =>
    this.t.db.selectFrom('credit_transactions').selectAll().where('user_id', '=', userId).where('kind', '=', kind).orderBy('created_at').orderBy('id').execute();
}

/** A tiny valid WAV (RIFF header + silence): real audio by its bytes. */
export function tinyWav(frames = 400): Buffer {
  const data = frames * 2;
  const b = Buffer.alloc(44 + data);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(36 + data, 4);
  b.write('WAVE', 8, 'latin1');
  b.write('fmt ', 12, 'latin1');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(44_100, 24);
  b.writeUInt32LE(88_200, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(data, 40);
  return b;
}

/** Next 00:00 UTC of the first day of next month, as the limits report it. */
export function nextMonthUtc(now = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
}

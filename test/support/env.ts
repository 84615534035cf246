import { randomBytes } from 'node:crypto';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

/** Environment for a service under test: its own database and queue prefix, the shared services. */
export function serviceEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    S3_ENDPOINT: process.env.S3_ENDPOINT ?? 'http://127.0.0.1:4569',
    JWT_SECRET: TEST_JWT_SECRET,
    QUEUE_PREFIX: uniquePrefix(),
    ...extra,
  };
}

export function uniquePrefix(): string {
  return `{t${randomBytes(4).toString('hex')}}`;
}

export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

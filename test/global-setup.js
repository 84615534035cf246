// Starts one embedded S3-compatible server for the whole test run; Postgres and Redis are services.
import S3rver from 's3rver';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function globalSetup() {
  if (process.env.S3_ENDPOINT) return;
  const directory = mkdtempSync(join(tmpdir(), 'muse-s3-test-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const { port } = await server.run();
  process.env.S3_ENDPOINT = `http://127.0.0.1:${port}`;
  globalThis.__MUSE_S3__ = server;
}

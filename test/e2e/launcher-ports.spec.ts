import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ADMIN_URL } from '../support/database.js';
import { freePortBlock } from '../support/ports.js';

/** The README's start script when a port it needs is taken: it names the port and the setting, and creates nothing. */
describe('launcher with a busy port', () => {
  const launch = async (busyOffset: number) => {
    const port = await freePortBlock([0, 1, 2, 3, 4, 5, 10]);
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(port + busyOffset, '127.0.0.1', resolve));
    const dataDir = mkdtempSync(join(tmpdir(), 'muse-launcher-'));
    const dbName = `muse_launcher_${Date.now()}`;
    try {
      const child = spawn(process.execPath, ['scripts/start-platform.js'], {
        env: {
          ...process.env,
          PORT: String(port),
          HEALTH_PORT_BASE: String(port + 1),
          S3_PORT: String(port + 10),
          S3_ENDPOINT: '',
          MUSE_DATA_DIR: dataDir,
          DATABASE_URL: ADMIN_URL.replace(/\/[^/]*$/, `/${dbName}`),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      const created = (await admin.query('select 1 from pg_database where datname = $1', [dbName])).rowCount;
      await admin.end();
      return { port: port + busyOffset, code, stderr, created };
    } finally {
      squatter.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };

  it('the gateway port taken: exits 1 naming the port and PORT, before creating the database', async () => {
    const run = await launch(0);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`launcher: api-gateway cannot listen on port ${run.port}: EADDRINUSE (set PORT)\n`);
    expect(run.created).toBe(0);
  });

  it('a worker health port taken: names HEALTH_PORT_BASE', async () => {
    const run = await launch(3);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`launcher: archiver cannot listen on port ${run.port}: EADDRINUSE (set HEALTH_PORT_BASE)\n`);
    expect(run.created).toBe(0);
  });

  it('the embedded S3 port taken: names S3_PORT instead of crashing with an unhandled error event', async () => {
    const run = await launch(10);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`launcher: the embedded S3 server cannot listen on port ${run.port}: EADDRINUSE (set S3_PORT or S3_ENDPOINT)\n`);
    expect(run.created).toBe(0);
  });
});

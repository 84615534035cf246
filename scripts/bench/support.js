// Shared pieces of the benchmarks: a scratch database, an embedded S3 server, stats and the report file.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { spawn } from 'node:child_process';
import { runMigrations } from '../../libs/db/dist/index.js';
import { StorageService } from '../../libs/storage/dist/index.js';

export const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function scratchDatabase() {
  const name = `muse_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  await runMigrations(url);
  return {
    url,
    /** Drops with force; pools still open in this process lose their connections, which is expected. */
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** The S3 server runs in its own process so it does not share an event loop with what is measured. */
export async function embeddedS3() {
  const directory = mkdtempSync(join(tmpdir(), 'muse-bench-s3-'));
  const child = spawn(process.execPath, [new URL('./s3-server.js', import.meta.url).pathname, directory], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('exit', (code) => reject(new Error(`s3 server exited (${code})`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const storage = new StorageService({ endpoint, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
  await storage.ensureBuckets();
  storage.destroy();
  return { endpoint, close: async () => { child.kill('SIGTERM'); } };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs `op` from `clients` concurrent loops for `seconds` after a warm-up; returns rate and latency. */
/** `onMeasuring` is called once, when the warm-up ends and measuring starts. */
export async function closedLoop({ clients, seconds, warmupSeconds = 2, op, onMeasuring }) {
  const latencies = [];
  let errors = 0;
  let measuring = false;
  const warmupEnd = Date.now() + warmupSeconds * 1000;
  const end = warmupEnd + seconds * 1000;
  const loop = async (i) => {
    while (Date.now() < end) {
      const t0 = performance.now();
      try {
        await op(i);
        if (measuring) latencies.push(performance.now() - t0);
      } catch (e) {
        if (measuring) errors++;
        if (errors === 1 && measuring) console.error('bench op failed:', e.message);
      }
      if (!measuring && Date.now() >= warmupEnd) {
        measuring = true;
        onMeasuring?.();
      }
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: clients }, (_, i) => loop(i)));
  const elapsed = (Date.now() - Math.max(started, warmupEnd)) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    ops: latencies.length,
    errors,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

export function machine() {
  const c = cpus();
  return `${c.length} × ${c[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average at start ${loadavg()[0].toFixed(1)}`;
}

export const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

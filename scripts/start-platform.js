#!/usr/bin/env node
// Starts the whole platform on its embedded defaults: migrations, buckets, an embedded S3-compatible
// server when S3_ENDPOINT is unset, then the gateway and every worker as separate processes.
// Ctrl-C (or SIGTERM) stops all of it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import S3rver from 's3rver';
import { runMigrations } from '../libs/db/dist/index.js';
import { StorageService } from '../libs/storage/dist/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.MUSE_DATA_DIR ?? join(root, '.data');
const log = (msg, extra = {}) => process.stdout.write(`${JSON.stringify({ level: 30, time: new Date().toISOString(), service: 'launcher', msg, ...extra })}\n`);
const fail = (msg) => {
  process.stderr.write(`launcher: ${msg}\n`);
  process.exit(1);
};

const env = { ...process.env };
env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/muse';
env.REDIS_URL ??= 'redis://127.0.0.1:6379';
env.PORT ??= '3000';
// The AWS SDK warns every process that its releases after January 2027 need Node 22; once is enough (README).
env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const healthBase = Number(env.HEALTH_PORT_BASE ?? Number(env.PORT) + 1);
const s3Port = Number(env.S3_PORT ?? 4569);
mkdirSync(dataDir, { recursive: true });

// A development secret that survives restarts, so issued tokens stay valid; production sets its own.
if (!env.JWT_SECRET) {
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  env.JWT_SECRET = readFileSync(file, 'utf8').trim();
}

async function ensureDatabase(url) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[\w-]+$/.test(name)) fail(`DATABASE_URL names an unusual database '${name}'`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  try {
    await client.connect();
  } catch (error) {
    fail(`cannot reach PostgreSQL at ${target.host}: ${error.message}`);
  }
  const found = await client.query('select 1 from pg_database where datname = $1', [name]);
  if (found.rowCount === 0) {
    await client.query(`create database "${name}"`);
    log('database created', { database: name });
  }
  await client.end();
}

/** Null when the loopback port can be listened on, else why not (s3rver's listen error escapes its promise). */
function portProblem(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error) => resolve(error.code ?? error.message));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(null)));
  });
}

let s3server;
async function ensureStorage() {
  if (!env.S3_ENDPOINT) {
    s3server = new S3rver({ port: s3Port, address: '127.0.0.1', silent: true, directory: join(dataDir, 's3') });
    try {
      await s3server.run();
    } catch (error) {
      fail(`cannot start the embedded S3 server on port ${s3Port}: ${error.message} (set S3_PORT or S3_ENDPOINT)`);
    }
    env.S3_ENDPOINT = `http://127.0.0.1:${s3Port}`;
    env.S3_ACCESS_KEY_ID ??= 'S3RVER';
    env.S3_SECRET_ACCESS_KEY ??= 'S3RVER';
    log('embedded S3-compatible server started', { endpoint: env.S3_ENDPOINT });
  }
  const storage = new StorageService({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION ?? 'us-east-1',
    accessKeyId: env.S3_ACCESS_KEY_ID ?? 'S3RVER',
    secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? 'S3RVER',
  });
  await storage.ensureBuckets();
  storage.destroy();
}

const APPS = [
  { name: 'api-gateway', port: Number(env.PORT), env: {} },
  { name: 'generation-worker', port: healthBase, env: { HEALTH_PORT: String(healthBase) } },
  { name: 'stems-worker', port: healthBase + 1, env: { HEALTH_PORT: String(healthBase + 1) } },
  { name: 'archiver', port: healthBase + 2, env: { HEALTH_PORT: String(healthBase + 2) } },
  { name: 'analytics-ingest', port: healthBase + 3, env: { HEALTH_PORT: String(healthBase + 3) } },
  // The development platform lets webhooks reach localhost so a developer can receive callbacks (production never does).
  { name: 'webhook-sender', port: healthBase + 4, env: { HEALTH_PORT: String(healthBase + 4), WEBHOOK_ALLOW_LOOPBACK: env.WEBHOOK_ALLOW_LOOPBACK ?? 'true' } },
];
const children = new Map();
let stopping = false;

async function waitReady(app, deadline) {
  const url = `http://127.0.0.1:${app.port}/health/ready`;
  while (Date.now() < deadline) {
    if (!children.has(app.name)) throw new Error(`${app.name} exited during start-up`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${app.name} was not ready at ${url} in time`);
}

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  log('stopping');
  const exits = [...children.values()].map((child) => new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  }));
  const timeout = new Promise((resolve) => setTimeout(resolve, Number(env.SHUTDOWN_GRACE_MS ?? 25_000) + 5_000));
  await Promise.race([Promise.all(exits), timeout]);
  for (const child of children.values()) child.kill('SIGKILL');
  await s3server?.close();
  log('stopped');
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

// Every port checked before anything is created, so a busy port is named instead of surfacing as a crash.
const listeners = [
  ...APPS.map((app) => ({ what: app.name, port: app.port, setting: app.name === 'api-gateway' ? 'PORT' : 'HEALTH_PORT_BASE' })),
  ...(env.S3_ENDPOINT ? [] : [{ what: 'the embedded S3 server', port: s3Port, setting: 'S3_PORT or S3_ENDPOINT' }]),
];
for (const { what, port, setting } of listeners) {
  const problem = await portProblem(port);
  if (problem) fail(`${what} cannot listen on port ${port}: ${problem} (set ${setting})`);
}

// Behind a transaction-mode pooler (DATABASE_URL → PgBouncer) the database is created and migrated
// over DATABASE_DIRECT_URL: migrations hold a session advisory lock, which a pooler cannot keep.
const directUrl = env.DATABASE_DIRECT_URL || env.DATABASE_URL;
await ensureDatabase(directUrl);
const migrations = await runMigrations(directUrl);
log('migrations applied', { applied: migrations.applied, already_applied: migrations.skipped.length });
await ensureStorage();

for (const app of APPS) {
  const child = spawn(process.execPath, [join(root, 'apps', app.name, 'dist', 'main.js')], {
    env: { ...env, ...app.env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.set(app.name, child);
  child.on('exit', (code, signal) => {
    children.delete(app.name);
    if (!stopping) {
      process.stderr.write(`launcher: ${app.name} exited (${signal ?? code}); stopping the platform\n`);
      void stopAll(1);
    }
  });
}

try {
  const deadline = Date.now() + Number(env.START_TIMEOUT_MS ?? 60_000);
  await Promise.all(APPS.map((app) => waitReady(app, deadline)));
} catch (error) {
  process.stderr.write(`launcher: ${error.message}\n`);
  await stopAll(1);
}

const base = `http://localhost:${env.PORT}`;
log('platform ready', { api: `${base}/v1`, docs: `${base}/docs`, openapi: `${base}/openapi.json`, metrics: `${base}/metrics` });
process.stdout.write(`\n  Muse Studio Platform is ready\n  API      ${base}/v1\n  Docs     ${base}/docs\n  Health   ${base}/health/ready\n  Storage  ${env.S3_ENDPOINT}\n  Press Ctrl-C to stop.\n\n`);

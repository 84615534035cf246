// Real servers for the scale-out proofs, started on loopback ports and torn down after: a 3-master
// Redis Cluster (redis-server --cluster-enabled yes + redis-cli --cluster create) and PgBouncer in
// transaction pooling mode in front of the test Postgres.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, freePortBlock, portFree } from '../support/ports.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function requireBinary(name: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${name}`]);
  if (r.status !== 0) throw new Error(`${name} is not installed (apt-get install -y ${name === 'pgbouncer' ? 'pgbouncer' : 'redis-server'}; .ci/run does this)`);
}

export interface RedisClusterHandle {
  ports: number[];
  /** The form users write: redis+cluster://host:port,host:port,… */
  url: string;
  stop(): Promise<void>;
}

async function redisCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`redis-cli ${args.join(' ')} failed (${code}): ${out}`))));
  });
}

/** Three masters, every slot covered, no replicas; waits until every node reports cluster_state:ok. */
export async function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  requireBinary('redis-server');
  const dir = mkdtempSync(join(tmpdir(), 'muse-redis-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < masters; i++) {
    let p = await freePortBlock([0, 10_000]); // a node's cluster bus listens on port + 10000
    while (ports.includes(p)) p = await freePortBlock([0, 10_000]);
    ports.push(p);
  }
  const procs: ChildProcess[] = ports.map((port) =>
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
        '--cluster-node-timeout', '5000', '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--loglevel', 'warning'],
      { stdio: 'ignore' },
    ),
  );
  const stop = async () => {
    await Promise.all(procs.map((p) => new Promise<void>((resolve) => {
      if (p.exitCode !== null || p.signalCode !== null) return resolve();
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
      setTimeout(() => p.kill('SIGKILL'), 3000).unref();
    })));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      for (let i = 0; ; i++) {
        if ((await redisCli(['-p', String(port), 'ping']).catch(() => '')).includes('PONG')) break;
        if (i > 100) throw new Error(`redis-server on ${port} did not start`);
        await sleep(100);
      }
    }
    await redisCli(['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) {
      for (let i = 0; ; i++) {
        if ((await redisCli(['-p', String(port), 'cluster', 'info'])).includes('cluster_state:ok')) break;
        if (i > 150) throw new Error(`cluster node ${port} never reached cluster_state:ok`);
        await sleep(100);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { ports, url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, stop };
}

export interface PgBouncerHandle {
  port: number;
  /** The pooler's URL for a database (same user as the direct one). */
  url(database: string): string;
  /** SHOW POOLS etc. on the admin console. */
  admin(command: string): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

/**
 * PgBouncer in transaction mode in front of 127.0.0.1:5432, auth trust for user postgres, every
 * database passed through (`*`). `poolSize` server connections per database/user pair.
 */
export async function startPgBouncer(options: { poolSize: number; maxClients?: number; upstream?: { host: string; port: number } }): Promise<PgBouncerHandle> {
  requireBinary('pgbouncer');
  const dir = mkdtempSync(join(tmpdir(), 'muse-pgbouncer-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const upstream = options.upstream ?? { host: '127.0.0.1', port: 5432 };
  writeFileSync(join(dir, 'userlist.txt'), '"postgres" ""\n');
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${upstream.host} port=${upstream.port}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'admin_users = postgres',
      'pool_mode = transaction',
      `default_pool_size = ${options.poolSize}`,
      'min_pool_size = 0',
      'reserve_pool_size = 0',
      `max_client_conn = ${options.maxClients ?? 1000}`,
      'max_db_connections = 0',
      'server_reset_query =',
      'ignore_startup_parameters = extra_float_digits,options',
      'server_lifetime = 3600',
      'server_idle_timeout = 60',
      'query_wait_timeout = 60',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      'log_connections = 0',
      'log_disconnections = 0',
      '',
    ].join('\n'),
  );
  for (const f of ['userlist.txt', 'pgbouncer.ini']) chmodSync(join(dir, f), 0o644);
  // PgBouncer refuses to run as root; drop to the postgres system user then (it owns nothing here but the log).
  const asRoot = process.getuid?.() === 0;
  if (asRoot) spawnSync('chown', ['-R', 'postgres', dir]);
  const proc = spawn('pgbouncer', [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const stop = async () => {
    await new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGINT');
      setTimeout(() => proc.kill('SIGKILL'), 3000).unref();
    });
    rmSync(dir, { recursive: true, force: true });
  };
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const admin = async (command: string) => {
    const c = new pg.Client({ connectionString: url('pgbouncer') });
    await c.connect();
    try {
      // The admin console speaks the simple protocol only.
      return (await c.query({ text: command, queryMode: 'simple' } as pg.QueryConfig)).rows;
    } finally {
      await c.end();
    }
  };
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) {
      await stop();
      throw new Error(`pgbouncer exited: ${stderr}`);
    }
    if (!(await portFree(port))) break;
    if (i > 100) {
      await stop();
      throw new Error(`pgbouncer did not listen on ${port}: ${stderr}`);
    }
    await sleep(100);
  }
  return { port, url, admin, stop };
}

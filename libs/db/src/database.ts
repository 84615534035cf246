import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.js';

// bigint (int8) columns come back as strings by default; counts and ids here fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type Database = Kysely<DB>;

export interface DatabaseOptions {
  url: string;
  maxConnections?: number;
  applicationName?: string;
  /**
   * Server-side limit on one statement (0 = none). Without it a locked row or a stalled server holds a
   * request, and its pooled connection, for as long as the lock lasts; with it the statement fails with
   * 57014 and the caller can answer 503 and retry. Sent in the startup packet's `options` (`-c
   * statement_timeout=…`): PgBouncer refuses an unknown startup parameter such as `statement_timeout`
   * outright, and ignores `options` (IGNORE_STARTUP_PARAMETERS); behind a transaction-mode pooler set the
   * timeout on the database role instead (ALTER ROLE … SET statement_timeout).
   */
  statementTimeoutMs?: number;
}

export function createPool(options: DatabaseOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'muse',
    idleTimeoutMillis: 30_000,
    ...(options.statementTimeoutMs ? { options: `-c statement_timeout=${Math.trunc(options.statementTimeoutMs)}` } : {}),
  });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  guardCheckedOutClients(pool);
  return pool;
}

/**
 * The pool listens for 'error' only on its idle clients. A checked-out client whose backend is terminated
 * (pg_terminate_backend, a failover, a pooler restart) while no query of it is running — a transaction
 * awaiting Redis or S3 between two statements, the outbox relay publishing its locked batch — emits
 * 'error' with no listener, and Node ends the process on an unhandled 'error' event. With a listener of
 * its own the client is only marked unusable: the next query on it rejects, and the pool discards it on release.
 */
export function guardCheckedOutClients(pool: pg.Pool): void {
  pool.on('connect', (client) => client.on('error', () => undefined));
}

/** A Kysely database on a new pool, or on `pool` (for code that also needs the driver's pool itself). */
export function createDatabase(options: DatabaseOptions | { pool: pg.Pool }): Database {
  const pool = 'pool' in options ? options.pool : createPool(options);
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

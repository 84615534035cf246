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
}

export function createPool(options: DatabaseOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'muse',
    idleTimeoutMillis: 30_000,
  });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return pool;
}

/** A Kysely database on a new pool, or on `pool` (for code that also needs the driver's pool itself). */
export function createDatabase(options: DatabaseOptions | { pool: pg.Pool }): Database {
  const pool = 'pool' in options ? options.pool : createPool(options);
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

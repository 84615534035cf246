import { afterAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pg from 'pg';
import { createDatabase, createPool } from './database.js';

const URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('createPool', () => {
  const pool = createPool({ url: URL, maxConnections: 2, applicationName: `muse-pool-spec-${process.pid}` });
  const db = createDatabase({ pool });
  afterAll(() => db.destroy());

  it('survives the backend of a checked-out client being terminated between two statements', async () => {
    const admin = new pg.Client({ connectionString: URL });
    await admin.connect();
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      // The connection sits checked out with no query running, as in a transaction awaiting Redis or S3.
      const outcome = await db
        .transaction()
        .execute(async (trx) => {
          await sql`select 1`.execute(trx);
          await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`, [`muse-pool-spec-${process.pid}`]);
          await new Promise((r) => setTimeout(r, 300));
          await sql`select 1`.execute(trx);
        })
        .then(() => 'committed', (error: Error) => error.message);
      expect(outcome).toMatch(/not queryable|terminat/);
      expect(uncaught).toEqual([]);
      // The broken client was discarded: the pool hands out a working one.
      expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0].one).toBe(1);
    } finally {
      process.off('uncaughtException', onUncaught);
      await admin.end();
    }
  });
});

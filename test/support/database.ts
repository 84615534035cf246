import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase, runMigrations, type Database } from '@muse/db';

export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  db: Database;
  drop(): Promise<void>;
}

/** A fresh database with every migration applied, private to one test file. */
export async function createTestDatabase(prefix = 'muse_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  await runMigrations(url);
  const db = createDatabase({ url, maxConnections: 10, applicationName: 'muse-test' });
  return {
    name,
    url,
    db,
    async drop() {
      await db.destroy();
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

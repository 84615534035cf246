import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { databaseUnavailable } from './problem.filter.js';

const URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('databaseUnavailable', () => {
  it('is true for a statement cancelled by statement_timeout, as the real server raises it', async () => {
    const client = new pg.Client({ connectionString: URL, statement_timeout: 50 });
    await client.connect();
    const error = await client.query('select pg_sleep(1)').catch((e: unknown) => e);
    await client.end();
    expect(databaseUnavailable(error)).toBe(true);
  });

  it('is true for a terminated connection and false for errors that are the request’s own', () => {
    expect(databaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(databaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(databaseUnavailable(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    expect(databaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(databaseUnavailable(new Error('boom'))).toBe(false);
    expect(databaseUnavailable(undefined)).toBe(false);
  });
});

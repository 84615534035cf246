import { sql, type Transaction } from 'kysely';
import type { Database } from './database.js';
import type { DB } from './schema.js';

export interface Identity {
  userId: string;
  /** JWT claims as issued (sub, role, app_role…); passed to Postgres verbatim for auth.jwt(). */
  claims?: Record<string, unknown>;
}

export type UserTransaction = Transaction<DB>;

/**
 * Runs fn in a transaction as the caller: Postgres sees their JWT claims and the non-owner
 * `authenticated` role, so row-level security decides what they can read and write.
 */
export function asUser<T>(db: Database, identity: Identity, fn: (trx: UserTransaction) => Promise<T>): Promise<T> {
  const claims = JSON.stringify({ role: 'authenticated', ...identity.claims, sub: identity.userId });
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('request.jwt.claims', ${claims}, true), set_config('role', 'authenticated', true)`.execute(trx);
    return fn(trx);
  });
}

/** Same for an anonymous caller: only public rows are visible. */
export function asAnon<T>(db: Database, fn: (trx: UserTransaction) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('request.jwt.claims', '{"role":"anon"}', true), set_config('role', 'anon', true)`.execute(trx);
    return fn(trx);
  });
}

import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import type { DB } from './schema.js';

export interface Identity {
  userId: string;
  /** JWT claims as issued (sub, role, app_role…); passed to Postgres verbatim for auth.jwt(). */
  claims?: Record<string, unknown>;
}

/** A connection inside a transaction that runs as one caller. */
export type UserTransaction = Kysely<DB>;

const escape = (value: string): string => pg.Client.prototype.escapeLiteral(value);

/** The claims Postgres sees for a caller (request.jwt.claims): theirs as issued, with their id as sub. */
export const callerClaims = (identity: Identity): Record<string, unknown> => ({ role: 'authenticated', ...identity.claims, sub: identity.userId });

/**
 * Runs fn in a transaction as the caller: Postgres sees their JWT claims and the non-owner
 * `authenticated` role, so row-level security decides what they can read and write.
 *
 * BEGIN and the identity go to the server as one simple-protocol message (one round trip instead of
 * two on every request); the claims are escaped as a literal by the driver's own escaping.
 */
export function asUser<T>(db: Database, identity: Identity, fn: (trx: UserTransaction) => Promise<T>): Promise<T> {
  const claims = JSON.stringify(callerClaims(identity));
  return inTransactionAs(db, `select set_config('request.jwt.claims', ${escape(claims)}, true), set_config('role', 'authenticated', true)`, fn);
}

/** Same for an anonymous caller: only public rows are visible. */
export function asAnon<T>(db: Database, fn: (trx: UserTransaction) => Promise<T>): Promise<T> {
  return inTransactionAs(db, `select set_config('request.jwt.claims', '{"role":"anon"}', true), set_config('role', 'anon', true)`, fn);
}

function inTransactionAs<T>(db: Database, setIdentity: string, fn: (trx: UserTransaction) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql.raw(`begin; ${setIdentity}`).execute(conn);
    let result: T;
    try {
      result = await fn(conn);
    } catch (error) {
      await sql.raw('rollback').execute(conn).catch(() => undefined);
      throw error;
    }
    await sql.raw('commit').execute(conn);
    return result;
  });
}

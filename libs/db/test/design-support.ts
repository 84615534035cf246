// Helpers shared by the design specs (not a spec itself).
import { sql, type Transaction } from 'kysely';
import type { Database, DB } from '@muse/db';

export type Actor = { kind: 'anon' } | { kind: 'user'; id: string } | { kind: 'service' };

export const anon: Actor = { kind: 'anon' };
export const service: Actor = { kind: 'service' };
export const user = (id: string): Actor => ({ kind: 'user', id });

/** A user as the signup path makes them: auth.users row, profile by trigger. */
export async function createUser(db: Database, email: string): Promise<string> {
  const row = await db
    .insertInto('auth.users')
    .values({ email, encrypted_password: 'x', raw_user_meta_data: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function grantRole(db: Database, userId: string, role: 'moderator' | 'admin'): Promise<void> {
  await db.insertInto('user_roles').values({ user_id: userId, role }).execute();
}

/** Makes the transaction act as the actor, exactly as asUser/asAnon do (service: a service_role JWT on service_role). */
export async function actAs(trx: Transaction<DB>, actor: Actor): Promise<void> {
  if (actor.kind === 'user') {
    const claims = JSON.stringify({ role: 'authenticated', sub: actor.id });
    await sql`select set_config('request.jwt.claims', ${claims}, true), set_config('role', 'authenticated', true)`.execute(trx);
  } else if (actor.kind === 'anon') {
    await sql`select set_config('request.jwt.claims', '{"role":"anon"}', true), set_config('role', 'anon', true)`.execute(trx);
  } else {
    await sql`select set_config('request.jwt.claims', '{"role":"service_role"}', true), set_config('role', 'service_role', true)`.execute(trx);
  }
}

/** Runs fn as the actor in a committed transaction. */
export function as<T>(db: Database, actor: Actor, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await actAs(trx, actor);
    return fn(trx);
  });
}

class Rollback {
  constructor(readonly value: unknown) {}
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/** Runs fn as the actor in a transaction that is always rolled back; reports the value or the error. */
export async function attempt<T>(db: Database, actor: Actor, fn: (trx: Transaction<DB>) => Promise<T>): Promise<Outcome<T>> {
  try {
    await db.transaction().execute(async (trx) => {
      await actAs(trx, actor);
      throw new Rollback(await fn(trx));
    });
  } catch (error) {
    if (error instanceof Rollback) return { ok: true, value: error.value as T };
    const e = error as { code?: string; message?: string };
    return { ok: false, code: e.code ?? '', message: e.message ?? String(error) };
  }
  throw new Error('unreachable');
}

/** The Postgres error code of a rejected promise (or '' when it resolved). */
export async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
    return { code: '', message: '' };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { code: e.code ?? '', message: e.message ?? String(error) };
  }
}

import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';

export interface ApiKeyRow {
  id: string;
  name: string;
  key_prefix: string;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
  /** 'test': a sandbox key, whose jobs debit the test credits. */
  mode: 'live' | 'test';
}

const COLUMNS = ['id', 'name', 'key_prefix', 'last_used_at', 'revoked_at', 'created_at', 'mode'] as const;

export class ApiKeysRepository {
  insert(db: Kysely<DB>, key: { userId: string; name: string; hash: string; prefix: string; mode?: 'live' | 'test' }): Promise<ApiKeyRow> {
    return db
      .insertInto('api_keys')
      .values({ user_id: key.userId, name: key.name, key_hash: key.hash, key_prefix: key.prefix, mode: key.mode ?? 'live' })
      .returning([...COLUMNS])
      .executeTakeFirstOrThrow();
  }

  list(db: Kysely<DB>, userId: string): Promise<ApiKeyRow[]> {
    return db.selectFrom('api_keys').select([...COLUMNS]).where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  }

  /** Revoking twice is a no-op that still answers the row; undefined when the key is not the caller's. */
  async revoke(db: Kysely<DB>, userId: string, id: string): Promise<ApiKeyRow | undefined> {
    return db
      .updateTable('api_keys')
      .set({ revoked_at: sql`coalesce(revoked_at, now())` })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .returning([...COLUMNS])
      .executeTakeFirst();
  }

  /** Authentication happens before there is an identity, so this runs on the service connection. */
  findActiveByHash(db: Kysely<DB>, hash: string): Promise<{ id: string; user_id: string } | undefined> {
    return db.selectFrom('api_keys').select(['id', 'user_id']).where('key_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
  }

  /** last_used_at at minute precision: one write per key per minute, not one per request. */
  async touch(db: Kysely<DB>, id: string): Promise<void> {
    await db
      .updateTable('api_keys')
      .set({ last_used_at: sql`now()` })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]))
      .execute();
  }
}

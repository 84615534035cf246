import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';

export interface IdempotencyRequest {
  userId: string;
  key: string;
  method: string;
  path: string;
  hash: string;
}

export type IdempotencyClaim =
  | { state: 'new' }
  | { state: 'replay'; status: number; body: Record<string, unknown> }
  | { state: 'mismatch' };

export class IdempotencyRepository {
  /**
   * Claims a key inside the submission transaction. A concurrent request with the same key waits
   * on the row lock until the first commits, then replays its response.
   */
  async claim(db: Kysely<DB>, req: IdempotencyRequest): Promise<IdempotencyClaim> {
    const claimed = await db
      .insertInto('idempotency_keys')
      .values({ user_id: req.userId, key: req.key, request_method: req.method, request_path: req.path, request_hash: req.hash })
      .onConflict((oc) =>
        oc.columns(['user_id', 'key']).doUpdateSet({
          request_method: req.method,
          request_path: req.path,
          request_hash: req.hash,
          response_status: null,
          response_body: null,
          created_at: sql`now()`,
          expires_at: sql`now() + interval '24 hours'`,
        }).where('idempotency_keys.expires_at', '<', sql<Date>`now()`),
      )
      .returning('key')
      .executeTakeFirst();
    if (claimed) return { state: 'new' };

    const existing = await db
      .selectFrom('idempotency_keys')
      .select(['request_method', 'request_path', 'request_hash', 'response_status', 'response_body'])
      .where('user_id', '=', req.userId)
      .where('key', '=', req.key)
      .executeTakeFirstOrThrow();
    if (existing.request_hash !== req.hash || existing.request_method !== req.method || existing.request_path !== req.path) {
      return { state: 'mismatch' };
    }
    return { state: 'replay', status: existing.response_status ?? 202, body: existing.response_body ?? {} };
  }

  async saveResponse(db: Kysely<DB>, userId: string, key: string, status: number, body: Record<string, unknown>): Promise<void> {
    await db
      .updateTable('idempotency_keys')
      .set({ response_status: status, response_body: JSON.stringify(body) })
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .execute();
  }
}

import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../schema.js';

export interface OutboxRow {
  id: number;
  queue_name: string;
  job_name: string;
  queue_job_id: string;
  payload: Record<string, unknown>;
}

export class OutboxRepository {
  /**
   * Locks a batch of unpublished rows for the caller's transaction; other relays skip them, so
   * several gateway replicas can relay at once.
   */
  async lockBatch(trx: Transaction<DB>, limit: number): Promise<OutboxRow[]> {
    const rows = await trx
      .selectFrom('outbox')
      .select(['id', 'queue_name', 'job_name', 'queue_job_id', 'payload'])
      .where('published_at', 'is', null)
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  async markPublished(trx: Kysely<DB>, ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await trx.updateTable('outbox').set({ published_at: sql`now()` }).where('id', 'in', ids.map(String)).execute();
  }

  async markFailed(trx: Kysely<DB>, ids: number[], error: string): Promise<void> {
    if (ids.length === 0) return;
    await trx
      .updateTable('outbox')
      .set((eb) => ({ publish_attempts: eb('publish_attempts', '+', 1), last_error: error.slice(0, 1000) }))
      .where('id', 'in', ids.map(String))
      .execute();
  }

  async markRejected(trx: Kysely<DB>, ids: number[], reason: string): Promise<void> {
    if (ids.length === 0) return;
    await trx.updateTable('outbox').set({ published_at: sql`now()`, last_error: reason }).where('id', 'in', ids.map(String)).execute();
  }

  async insert(db: Kysely<DB>, row: Omit<OutboxRow, 'id'>): Promise<void> {
    await db
      .insertInto('outbox')
      .values({ queue_name: row.queue_name, job_name: row.job_name, queue_job_id: row.queue_job_id, payload: JSON.stringify(row.payload) })
      .execute();
  }

  /** Several rows in one statement (the recovery sweep re-publishes a whole page at once). */
  async insertMany(db: Kysely<DB>, rows: Array<Omit<OutboxRow, 'id'>>): Promise<void> {
    if (rows.length === 0) return;
    await db
      .insertInto('outbox')
      .values(rows.map((row) => ({ queue_name: row.queue_name, job_name: row.job_name, queue_job_id: row.queue_job_id, payload: JSON.stringify(row.payload) })))
      .execute();
  }

  async pendingCount(db: Kysely<DB>): Promise<{ count: number; oldestAgeSeconds: number }> {
    const row = await db
      .selectFrom('outbox')
      .select([
        sql<number>`count(*)::int`.as('count'),
        sql<number>`coalesce(extract(epoch from now() - min(created_at)), 0)::float8`.as('oldest'),
      ])
      .where('published_at', 'is', null)
      .executeTakeFirstOrThrow();
    return { count: row.count, oldestAgeSeconds: row.oldest };
  }
}

import { sql, type Kysely, type Transaction } from 'kysely';
import pg from 'pg';
import type { DB } from '../schema.js';

export interface OutboxRow {
  id: number;
  queue_name: string;
  job_name: string;
  queue_job_id: string;
  payload: Record<string, unknown>;
  /** BullMQ priority decided when the row was written (0030: the owner's plan); null/absent = none. */
  priority?: number | null;
}

export class OutboxRepository {
  /**
   * Locks a batch of unpublished rows for the caller's transaction; other relays skip them, so
   * several gateway replicas can relay at once.
   */
  async lockBatch(trx: Transaction<DB>, limit: number): Promise<OutboxRow[]> {
    const rows = await trx
      .selectFrom('outbox')
      .select(['id', 'queue_name', 'job_name', 'queue_job_id', 'payload', 'priority'])
      .where('published_at', 'is', null)
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  /**
   * One relay round in two round trips (BEGIN + the locking read as one simple-protocol message; the
   * marks + COMMIT as another), where a Kysely transaction takes four: locks a batch of unpublished rows,
   * lets `publish` put them on the queue (it returns the ids it rejected), marks the rest published and
   * the rejected ones dead-lettered, and commits. When `publish` throws, the round rolls back (the rows
   * stay unpublished) and the error is rethrown. Only numbers are written into the SQL text. Returns the
   * number of rows locked.
   */
  async relayBatch(pool: pg.Pool, limit: number, publish: (rows: OutboxRow[]) => Promise<number[]>, rejectedReason: string): Promise<number> {
    const client = await pool.connect();
    let open = true; // until a COMMIT or ROLLBACK went through: such a connection is discarded, not reused
    try {
      const results = (await client.query(
        `begin; select id, queue_name, job_name, queue_job_id, payload, priority from public.outbox where published_at is null order by id limit ${Math.trunc(limit)} for update skip locked`,
      )) as unknown as pg.QueryResult[];
      const rows = results[1]!.rows.map((r) => ({ ...r, id: Number(r.id) })) as OutboxRow[];
      if (rows.length === 0) {
        await client.query('commit');
        open = false;
        return 0;
      }
      let rejected: number[];
      try {
        rejected = await publish(rows);
      } catch (error) {
        await client.query('rollback');
        open = false;
        throw error;
      }
      const ids = (list: number[]) => `'{${list.map((id) => Math.trunc(id)).join(',')}}'::bigint[]`;
      const published = rows.map((r) => r.id).filter((id) => !rejected.includes(id));
      await client.query(
        `update public.outbox set published_at = now() where id = any(${ids(published)});` +
          (rejected.length ? ` update public.outbox set published_at = now(), last_error = ${pg.Client.prototype.escapeLiteral(rejectedReason)} where id = any(${ids(rejected)});` : '') +
          ' commit',
      );
      open = false;
      return rows.length;
    } finally {
      client.release(open ? new Error('outbox relay round ended inside its transaction') : undefined);
    }
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

  /**
   * Messages of one job name published within the last `days`, by queue job id after `afterKey` (queue-loss
   * recovery of messages that have no jobs row to sweep). A message published twice appears once.
   */
  async publishedSince(db: Kysely<DB>, jobName: string, days: number, afterKey: string | undefined, limit: number): Promise<Array<Omit<OutboxRow, 'id'>>> {
    let q = db
      .selectFrom('outbox')
      .distinctOn('queue_job_id')
      .select(['queue_name', 'job_name', 'queue_job_id', 'payload'])
      .where('job_name', '=', jobName)
      .where('published_at', '>', sql<Date>`now() - make_interval(days => ${days})`);
    if (afterKey !== undefined) q = q.where('queue_job_id', '>', afterKey);
    return q.orderBy('queue_job_id').orderBy('id', 'desc').limit(limit).execute();
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

import { sql, type Kysely } from 'kysely';
import { webhookJobId } from '@muse/contracts';
import type { DB, WebhookDeliveryStatus } from '../schema.js';

const CURSOR_AT = sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The columns of a delivery a user sees (everything but nothing secret; the payload is their own job). */
const DELIVERY_COLUMNS = [
  'id', 'job_id', 'event_type', 'url', 'status', 'attempts', 'redeliveries', 'last_status_code', 'last_error',
  'next_attempt_at', 'delivered_at', 'created_at', 'updated_at',
] as const;

export interface DeliveryForSending {
  id: string;
  user_id: string;
  job_id: string;
  event_type: string;
  url: string;
  payload: Record<string, unknown>;
  status: WebhookDeliveryStatus;
  attempts: number;
  secret: string | null;
}

/** A pending delivery as queue-loss recovery needs it: enough to name and rebuild its next BullMQ job. */
export interface PendingDelivery {
  id: string;
  user_id: string;
  correlation_id: string;
  attempts: number;
  redeliveries: number;
  cycle_attempts: number;
  next_attempt_at: Date | null;
}

export interface AttemptRecord {
  deliveryId: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** delivered: a 2xx; failed: no more attempts; pending: another attempt at nextAttemptAt. */
  outcome: WebhookDeliveryStatus;
  nextAttemptAt: Date | null;
}

/** Outbound webhooks (0031): secrets, deliveries and their attempts. */
export class WebhooksRepository {
  /** Creates or replaces the user's secret (platform write: users cannot write the table). */
  async setSecret(db: Kysely<DB>, userId: string, secret: string): Promise<{ created_at: Date }> {
    return db
      .insertInto('webhook_secrets')
      .values({ user_id: userId, secret })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ secret, created_at: sql`now()` }))
      .returning('created_at')
      .executeTakeFirstOrThrow();
  }

  /** Whether the caller has a secret and since when: runs as the caller, who may read only these columns. */
  secretStatus(db: Kysely<DB>, userId: string): Promise<{ created_at: Date } | undefined> {
    return db.selectFrom('webhook_secrets').select('created_at').where('user_id', '=', userId).executeTakeFirst();
  }

  /** Newest first, keyset on (created_at, id); as the caller, RLS shows only their own. */
  list(db: Kysely<DB>, opts: { limit: number; after?: { createdAt: string; id: string }; jobId?: string; status?: WebhookDeliveryStatus }) {
    let q = db.selectFrom('webhook_deliveries').select(DELIVERY_COLUMNS).select(CURSOR_AT.as('cursor_at'));
    if (opts.after) q = q.where(sql<boolean>`(created_at, id) < (${opts.after.createdAt}::timestamptz, ${opts.after.id}::uuid)`);
    if (opts.jobId) q = q.where('job_id', '=', opts.jobId);
    if (opts.status) q = q.where('status', '=', opts.status);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  }

  findById(db: Kysely<DB>, id: string) {
    return db.selectFrom('webhook_deliveries').select(DELIVERY_COLUMNS).select('payload').where('id', '=', id).executeTakeFirst();
  }

  attempts(db: Kysely<DB>, deliveryId: string) {
    return db
      .selectFrom('webhook_delivery_attempts')
      .select(['attempt', 'status_code', 'error', 'duration_ms', 'created_at'])
      .where('delivery_id', '=', deliveryId)
      .orderBy('attempt')
      .execute();
  }

  /** What the sender needs, with the owner's current secret (platform read). */
  async forSending(db: Kysely<DB>, id: string): Promise<DeliveryForSending | undefined> {
    return db
      .selectFrom('webhook_deliveries as d')
      .leftJoin('webhook_secrets as s', 's.user_id', 'd.user_id')
      .select(['d.id', 'd.user_id', 'd.job_id', 'd.event_type', 'd.url', 'd.payload', 'd.status', 'd.attempts', 's.secret'])
      .where('d.id', '=', id)
      .executeTakeFirst();
  }

  /** Pending deliveries by id, after `afterId` (platform read, for queue-loss recovery). */
  pendingPage(db: Kysely<DB>, afterId: string | undefined, limit: number): Promise<PendingDelivery[]> {
    let q = db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('jobs as j', 'j.id', 'd.job_id')
      .select(['d.id', 'd.user_id', 'd.attempts', 'd.redeliveries', 'd.cycle_attempts', 'd.next_attempt_at'])
      .select(sql<string>`coalesce(j.correlation_id, j.id::text)`.as('correlation_id'))
      .where('d.status', '=', 'pending');
    if (afterId) q = q.where('d.id', '>', afterId);
    return q.orderBy('d.id').limit(limit).execute();
  }

  /**
   * Records one attempt and the delivery's new state in one statement pair (same transaction). A
   * delivery already delivered stays delivered (a late duplicate attempt cannot undo it).
   */
  async recordAttempt(db: Kysely<DB>, a: AttemptRecord): Promise<number> {
    return db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          cycle_attempts: eb('cycle_attempts', '+', 1),
          status: sql`case when status = 'delivered' then 'delivered' else ${a.outcome} end`,
          last_status_code: a.statusCode,
          last_error: a.error?.slice(0, 1000) ?? null,
          next_attempt_at: a.outcome === 'pending' ? a.nextAttemptAt : null,
          delivered_at: a.outcome === 'delivered' ? sql`coalesce(delivered_at, now())` : sql`delivered_at`,
        }))
        .where('id', '=', a.deliveryId)
        .returning('attempts')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('webhook_delivery_attempts')
        .values({ delivery_id: a.deliveryId, attempt: row.attempts, status_code: a.statusCode, error: a.error?.slice(0, 1000) ?? null, duration_ms: Math.round(a.durationMs) })
        .execute();
      return row.attempts;
    });
  }

  /**
   * Sends a delivery again (platform transaction, after the caller's right to it was checked): back to
   * pending and a new outbox row under a new queue job id. Returns undefined for an unknown id.
   */
  async redeliver(db: Kysely<DB>, id: string) {
    return db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('webhook_deliveries')
        .set((eb) => ({ status: 'pending', redeliveries: eb('redeliveries', '+', 1), cycle_attempts: 0, next_attempt_at: null }))
        .where('id', '=', id)
        .returning(['id', 'user_id', 'job_id', 'redeliveries'])
        .executeTakeFirst();
      if (!row) return undefined;
      await trx
        .insertInto('outbox')
        .values({
          queue_name: 'webhooks',
          job_name: 'webhook.deliver',
          queue_job_id: webhookJobId.redelivery(row.id, row.redeliveries),
          payload: JSON.stringify({ deliveryId: row.id, userId: row.user_id, correlationId: row.job_id }),
        })
        .execute();
      return row;
    });
  }
}

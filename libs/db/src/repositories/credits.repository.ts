import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';

export interface LedgerRow {
  id: string;
  amount: number;
  balance_after: number;
  reason: string;
  kind: 'production' | 'test';
  job_id: string | null;
  created_at: Date;
}

/** Job kinds the platform runs for itself; they never count against a user's concurrency. */
export const SYSTEM_JOB_KINDS = ['archiving'] as const;

/**
 * Credits, the ledger and the counters that limit a user. Every movement of a balance goes through
 * the security definer functions of 0005/0010, which also write the ledger row.
 */
export class CreditsRepository {
  /** Jobs of the user still holding a slot: pending or processing. A finished (or failed-after-crash) job holds none. */
  async countInFlight(db: Kysely<DB>, userId: string): Promise<number> {
    const row = await db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('status', 'in', ['pending', 'processing'])
      .where('kind', 'not in', [...SYSTEM_JOB_KINDS])
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * charge_job (0010): debit (or lock), concurrency count after the lock, daily generation counter —
   * one round trip at the end of the submission transaction, so the user's row is locked only for
   * the last statements before commit. Raises P0001 naming the limit.
   */
  async chargeJob(db: Kysely<DB>, c: { userId: string; jobId: string; amount: number; reason: string; slotKinds: readonly string[]; countGeneration: boolean }) {
    const { rows } = await sql<{ r: { balance: number | null; in_flight: number | null; generations_today: number | null } }>`
      select public.charge_job(${c.userId}::uuid, ${c.jobId}::uuid, ${c.amount}::int, ${c.reason}, ${[...c.slotKinds]}::text[], ${c.countGeneration}) as r`.execute(db);
    return rows[0]!.r;
  }

  /** decrement_production_credits: checks balance and daily credit limit, debits, writes the ledger. Returns the balance. */
  async debitProduction(db: Kysely<DB>, userId: string, amount: number, reason: string, jobId: string | null): Promise<number> {
    const { rows } = await sql<{ balance: number }>`select public.decrement_production_credits(${userId}::uuid, ${amount}::int, ${reason}, ${jobId}::uuid) as balance`.execute(db);
    return rows[0]!.balance;
  }

  /** decrement_test_credits: the sandbox balance, no daily limit. */
  async debitTest(db: Kysely<DB>, userId: string, amount: number, reason: string, jobId: string | null): Promise<number> {
    const { rows } = await sql<{ balance: number }>`select public.decrement_test_credits(${userId}::uuid, ${amount}::int, ${reason}, ${jobId}::uuid) as balance`.execute(db);
    return rows[0]!.balance;
  }

  /** increment_generation_usage: counts one generation for today; raises over the daily limit. */
  async countGeneration(db: Kysely<DB>, userId: string): Promise<number> {
    const { rows } = await sql<{ used: number }>`select public.increment_generation_usage(${userId}::uuid) as used`.execute(db);
    return rows[0]!.used;
  }

  /** refund_job_credits: what was debited for the job comes back, at most once. Platform connections only. */
  async refundJob(db: Kysely<DB>, jobId: string): Promise<number> {
    const { rows } = await sql<{ refunded: number }>`select public.refund_job_credits(${jobId}::uuid) as refunded`.execute(db);
    return rows[0]!.refunded;
  }

  /** admin_adjust_credits: ledgered, never below zero. Returns the balance. */
  async adjust(db: Kysely<DB>, userId: string, delta: number, reason: string): Promise<number> {
    const { rows } = await sql<{ balance: number }>`select public.admin_adjust_credits(${userId}::uuid, ${delta}::int, ${reason}) as balance`.execute(db);
    return rows[0]!.balance;
  }

  ledger(db: Kysely<DB>, userId: string, limit: number): Promise<LedgerRow[]> {
    return db
      .selectFrom('credit_transactions')
      .select(['id', 'amount', 'balance_after', 'reason', 'kind', 'job_id', 'created_at'])
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute() as Promise<LedgerRow[]>;
  }

  /** Today's generation counter (generation_limits), if the user generated anything yet. */
  generationUsage(db: Kysely<DB>, userId: string) {
    return db
      .selectFrom('generation_limits')
      .select(['generations_used_today', 'generations_limit_daily', 'last_reset_at'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }
}

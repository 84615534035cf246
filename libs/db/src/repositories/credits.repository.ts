import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';

/** Which balance a movement touches: production credits or the sandbox (test) credits. */
export type CreditKind = 'production' | 'test';

export interface LedgerRow {
  id: string;
  amount: number;
  balance_after: number;
  reason: string;
  kind: CreditKind;
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
   * charge_job (0017): the caller's plan picks the price from `prices` ({"default": n, "<plan>": m}),
   * then the debit (production or sandbox credits) or a lock, the concurrency count after the lock,
   * the daily generation counter — one round trip at the end of the submission transaction, so the
   * user's row is locked only for the last statements before commit. Raises P0001 naming the limit.
   */
  async chargeJob(db: Kysely<DB>, c: { userId: string; jobId: string; prices: Record<string, number>; reason: string; slotKinds: readonly string[]; countGeneration: boolean; creditKind?: CreditKind }) {
    const { rows } = await sql<{ r: { balance: number | null; amount: number; plan: string; credit_kind: CreditKind; in_flight: number | null; generations_today: number | null } }>`
      select public.charge_job(${c.userId}::uuid, ${c.jobId}::uuid, ${JSON.stringify(c.prices)}::jsonb, ${c.reason}, ${[...c.slotKinds]}::text[], ${c.countGeneration}, ${c.creditKind ?? 'production'}) as r`.execute(db);
    return rows[0]!.r;
  }

  /**
   * charge_job_retry (0017): a retried job whose debits were all refunded pays its last debit again
   * (same kind of credit); one still paid for is not charged. A job of `slotKinds` must fit in the
   * plan's concurrency limit again. Platform connections only; raises P0001.
   */
  async chargeRetry(db: Kysely<DB>, jobId: string, slotKinds: readonly string[] = []): Promise<{ charged: number; balance: number | null }> {
    const { rows } = await sql<{ r: { charged: number; balance?: number | null } }>`select public.charge_job_retry(${jobId}::uuid, ${[...slotKinds]}::text[]) as r`.execute(db);
    return { charged: rows[0]!.r.charged, balance: rows[0]!.r.balance ?? null };
  }

  /** The provider a job was submitted for (null: none). */
  async jobProvider(db: Kysely<DB>, jobId: string): Promise<string | null> {
    const row = await db.selectFrom('jobs').select('provider').where('id', '=', jobId).executeTakeFirst();
    return row?.provider ?? null;
  }

  /** The credit mode of an API key (sandbox keys debit test credits); undefined for an unknown or foreign key. */
  async apiKeyMode(db: Kysely<DB>, keyId: string, userId: string): Promise<CreditKind | undefined> {
    const row = await db.selectFrom('api_keys').select('mode').where('id', '=', keyId).where('user_id', '=', userId).executeTakeFirst();
    return row ? (row.mode === 'test' ? 'test' : 'production') : undefined;
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

  /** admin_adjust_balance (0018): the production or sandbox balance, ledgered with that kind, never below zero. Returns the balance. */
  async adjust(db: Kysely<DB>, userId: string, delta: number, reason: string, kind: 'production' | 'test' = 'production'): Promise<number> {
    const { rows } = await sql<{ balance: number }>`select public.admin_adjust_balance(${userId}::uuid, ${delta}::int, ${reason}, ${kind}) as balance`.execute(db);
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

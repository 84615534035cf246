import { sql, type Kysely } from 'kysely';
import type { DB, Job, JobStatusColumn, NewJob, Track } from '../schema.js';
import { callerClaims, type Identity } from '../identity.js';

/** A whole submission for submit_job (migration 0035): rows as JSON objects of their columns. */
export interface JobSubmissionRows {
  idempotency?: { key: string; method: string; path: string; hash: string };
  /** The domain row the job works on; its id becomes the job's resource_id. */
  resource?: { table: string; values: Record<string, unknown> };
  /** The job row's columns (user_id is the caller's). */
  job: Record<string, unknown>;
  /** charge_job's arguments; api_key_id: the caller's key (its mode picks production or test credits). */
  charge: { prices: Record<string, number>; reason: string; slot_kinds: readonly string[]; count_generation: boolean; api_key_id?: string };
}

export type JobSubmissionOutcome =
  | { state: 'new'; status: number; body: Record<string, unknown> }
  | { state: 'replay'; status: number; body: Record<string, unknown> }
  | { state: 'mismatch' };

/** The fields of the error an entry of submit_jobs raised (pg's DatabaseError names them the same). */
export interface SubmissionError {
  code: string;
  message: string;
  detail?: string;
  hint?: string;
  constraint?: string;
  table?: string;
  column?: string;
  schema?: string;
}

/** One entry of submit_jobs: submit_job's outcome, or the error it raised (its rows rolled back). */
export type BatchedSubmissionOutcome = JobSubmissionOutcome | { state: 'error'; error: SubmissionError };

export interface JobListFilter {
  userId: string;
  kind?: string;
  status?: JobStatusColumn;
  limit: number;
  /** Keyset position: the last row of the previous page. */
  after?: { createdAt: Date; id: string };
}

export class JobsRepository {
  /** The insert also writes the job's outbox row (trigger jobs_enqueue), in the same transaction. */
  insert(db: Kysely<DB>, job: NewJob): Promise<Job> {
    return db.insertInto('jobs').values(job).returningAll().executeTakeFirstOrThrow();
  }

  /**
   * The whole submission in one statement and one round trip (submit_job, migration 0035): as the
   * caller under RLS, idempotency claim or replay, domain row, job row (+ outbox by trigger), limits
   * and debit, stored response. Run on the pool, not inside a transaction: the statement is its own
   * transaction, and any error rolls all of it back.
   */
  async submit(db: Kysely<DB>, identity: Identity, rows: JobSubmissionRows): Promise<JobSubmissionOutcome> {
    const { rows: result } = await sql<{ r: JobSubmissionOutcome }>`select public.submit_job(${JSON.stringify(callerClaims(identity))}::jsonb, ${
      rows.idempotency ? JSON.stringify(rows.idempotency) : null
    }::jsonb, ${rows.resource?.table ?? null}, ${rows.resource ? JSON.stringify(rows.resource.values) : null}::jsonb, ${JSON.stringify(rows.job)}::jsonb, ${JSON.stringify(rows.charge)}::jsonb) as r`.execute(db);
    return result[0]!.r;
  }

  /**
   * Several submissions in one statement, one round trip and one commit (submit_jobs, migration 0037):
   * each is exactly submit() in its own subtransaction, so a refused one changes nothing and leaves the
   * others alone. Entries must come ordered by user id (lock order). Outcomes in the order given.
   */
  async submitMany(db: Kysely<DB>, entries: ReadonlyArray<{ identity: Identity; rows: JobSubmissionRows }>): Promise<BatchedSubmissionOutcome[]> {
    const payload = entries.map(({ identity, rows }) => ({
      claims: callerClaims(identity),
      idempotency: rows.idempotency ?? null,
      resource_table: rows.resource?.table ?? null,
      resource: rows.resource?.values ?? null,
      job: rows.job,
      charge: rows.charge,
    }));
    const { rows: result } = await sql<{ r: BatchedSubmissionOutcome[] }>`select public.submit_jobs(${JSON.stringify(payload)}::jsonb) as r`.execute(db);
    return result[0]!.r;
  }

  findById(db: Kysely<DB>, id: string): Promise<Job | undefined> {
    return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(db: Kysely<DB>, filter: JobListFilter): Promise<Job[]> {
    let query = db.selectFrom('jobs').selectAll().where('user_id', '=', filter.userId);
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.after) {
      const { createdAt, id } = filter.after;
      query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
    }
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  }

  /**
   * Takes a pending (or crashed-while-processing) job for one more attempt. Returns undefined when
   * the job is terminal or out of attempts, so a redelivered message changes nothing.
   */
  claim(db: Kysely<DB>, id: string): Promise<Job | undefined> {
    return db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'processing',
        attempts: eb('attempts', '+', 1),
        started_at: eb.fn.coalesce('started_at', sql<Date>`now()`),
        error: null,
      }))
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'processing'])
      .where((eb) => eb('attempts', '<', eb.ref('max_attempts')))
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Gives back the attempt claim() took, for a job that could not start through no fault of its own (every
   * provider's circuit breaker open) and goes back to its queue to wait: attempts - 1, and pending again, as
   * the user sees it: waiting its turn, like a job a user retried (attempts earlier failures used stay counted).
   * Only while the job is still processing and not submitted to a provider; undefined otherwise (cancelled meanwhile).
   */
  unclaim(db: Kysely<DB>, id: string): Promise<Job | undefined> {
    return db
      .updateTable('jobs')
      .set((eb) => ({
        attempts: eb('attempts', '-', 1),
        status: 'pending',
      }))
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .where('provider_task_id', 'is', null)
      .where('attempts', '>', 0)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * claim() of a job whose resource is a track, and that track marked processing at `trackProgress` %,
   * in one statement; the track is returned with it. The track is only touched when the job is the
   * message's user's and its resource is a track of theirs; track is undefined otherwise (or deleted).
   */
  async claimTrackJob(db: Kysely<DB>, id: string, userId: string, trackProgress: number): Promise<{ job: Job; track: Track | undefined } | undefined> {
    const { rows } = await sql<Job & { claimed_track: Record<string, unknown> | null }>`
      with claimed as (
        update jobs set status = 'processing', attempts = attempts + 1, started_at = coalesce(started_at, now()), error = null
         where id = ${id}::uuid and status in ('pending', 'processing') and attempts < max_attempts
        returning *
      ), track as (
        update tracks t set status = 'processing', progress_percent = ${trackProgress}::int
          from claimed c
         where c.resource_type = 'track' and t.id = c.resource_id and c.user_id = ${userId}::uuid and t.user_id = c.user_id
        returning t.*
      )
      select claimed.*, (select to_jsonb(track) from track) as claimed_track from claimed`.execute(db);
    const row = rows[0];
    if (!row) return undefined;
    const { claimed_track, ...job } = row;
    return { job: job as Job, track: claimed_track ? reviveTimestamps<Track>(claimed_track) : undefined };
  }

  /** setProgress() and the job's track's progress (status processing) in one statement. */
  async setTrackJobProgress(db: Kysely<DB>, id: string, trackId: string, progress: number): Promise<number | undefined> {
    const { rows } = await sql<{ progress: number }>`
      with j as (
        update jobs set progress = greatest(progress, ${progress}::int) where id = ${id}::uuid and status = 'processing' returning progress
      ), t as (
        update tracks set status = 'processing', progress_percent = (select progress from j) where id = ${trackId}::uuid and exists (select 1 from j)
      )
      select progress from j`.execute(db);
    return rows[0]?.progress;
  }

  /** Progress never goes backwards within an attempt. Returns the new value, or undefined if the job is no longer running. */
  async setProgress(db: Kysely<DB>, id: string, progress: number): Promise<number | undefined> {
    const row = await db
      .updateTable('jobs')
      .set((eb) => ({ progress: eb.fn('greatest', [eb.ref('progress'), eb.val(progress)]) }))
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .returning('progress')
      .executeTakeFirst();
    return row?.progress;
  }

  complete(db: Kysely<DB>, id: string, result: Record<string, unknown>): Promise<Job | undefined> {
    return db
      .updateTable('jobs')
      .set({ status: 'completed', progress: 100, result: JSON.stringify(result), error: null, completed_at: sql`now()` })
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .returningAll()
      .executeTakeFirst();
  }

  /** Records a failed attempt; `final` ends the job, otherwise it waits for the next attempt. */
  fail(db: Kysely<DB>, id: string, error: { code: string; message: string }, final: boolean): Promise<Job | undefined> {
    return db
      .updateTable('jobs')
      .set({
        status: final ? 'failed' : 'processing',
        error: JSON.stringify(error),
        completed_at: final ? sql`now()` : null,
        progress: final ? sql`progress` : 0,
      })
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'processing'])
      .returningAll()
      .executeTakeFirst();
  }

  /** Ends a job that has not finished; undefined when it already had (a terminal job never changes). */
  cancel(db: Kysely<DB>, id: string): Promise<Job | undefined> {
    return db
      .updateTable('jobs')
      .set({ status: 'cancelled', completed_at: sql`now()`, error: JSON.stringify({ code: 'cancelled', message: 'cancelled by the user' }) })
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'processing'])
      .returningAll()
      .executeTakeFirst();
  }

  /** Returns a failed job with attempts left to pending; undefined when it is not failed or has none left. */
  retry(db: Kysely<DB>, id: string): Promise<Job | undefined> {
    return db
      .updateTable('jobs')
      .set({ status: 'pending', progress: 0, error: null, result: null, completed_at: null })
      .where('id', '=', id)
      .where('status', '=', 'failed')
      .where((eb) => eb('attempts', '<', eb.ref('max_attempts')))
      .returningAll()
      .executeTakeFirst();
  }

  /** Jobs that should be moving but have not changed for a while: candidates for re-publishing. */
  findStale(db: Kysely<DB>, olderThan: Date, limit: number): Promise<Job[]> {
    return db
      .selectFrom('jobs')
      .selectAll()
      .where('status', 'in', ['pending', 'processing'])
      .where('updated_at', '<', olderThan)
      .orderBy('updated_at')
      .limit(limit)
      .execute();
  }

  /**
   * One page (by id) of the pending or processing jobs with no unpublished outbox row (those go out anyway),
   * for the queue-loss recovery sweep.
   */
  unfinishedPage(db: Kysely<DB>, afterId: string | undefined, limit: number): Promise<Array<Pick<Job, 'id' | 'user_id' | 'queue_name' | 'job_name' | 'correlation_id' | 'trace_parent'>>> {
    let query = db
      .selectFrom('jobs')
      .select(['id', 'user_id', 'queue_name', 'job_name', 'correlation_id', 'trace_parent'])
      .where('status', 'in', ['pending', 'processing'])
      .where((eb) => eb.not(eb.exists(eb.selectFrom('outbox').select(sql`1`.as('one')).where('outbox.published_at', 'is', null).whereRef('outbox.queue_job_id', '=', sql`jobs.id::text`))));
    if (afterId) query = query.where('id', '>', afterId);
    return query.orderBy('id').limit(limit).execute();
  }

  async touch(db: Kysely<DB>, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await db.updateTable('jobs').set({ updated_at: sql`now()` }).where('id', 'in', ids).execute();
  }
}

/** A row read back as JSON (to_jsonb): its timestamp columns (`*_at`, `*_at_<source>`) as Dates again, as the driver gives them. */
function reviveTimestamps<T>(row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = /_at(_[a-z]+)?$/.test(k) && typeof v === 'string' ? new Date(v) : v;
  return out as T;
}

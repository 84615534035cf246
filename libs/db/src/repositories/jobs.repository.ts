import { sql, type Kysely } from 'kysely';
import type { DB, Job, JobStatusColumn, NewJob } from '../schema.js';

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

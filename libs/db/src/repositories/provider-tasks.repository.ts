import type { Kysely } from 'kysely';
import type { DB, Job } from '../schema.js';

/** The task-id column each external provider has on tracks (seed design). */
const TRACK_TASK_COLUMN: Record<string, 'suno_id' | 'mureka_task_id' | undefined> = { suno: 'suno_id', mureka: 'mureka_task_id' };

/** Which provider a job ended up on and the provider's task id, on the job and its track. */
export class ProviderTasksRepository {
  /**
   * Records the submission while the job is still running. Returns undefined if the job has
   * finished (e.g. cancelled) meanwhile, so a late submission is not attached to it.
   */
  async recordSubmission(db: Kysely<DB>, jobId: string, trackId: string | null, provider: string, taskId: string | null): Promise<Job | undefined> {
    const job = await db
      .updateTable('jobs')
      .set({ provider, provider_task_id: taskId })
      .where('id', '=', jobId)
      .where('status', '=', 'processing')
      .returningAll()
      .executeTakeFirst();
    if (job && trackId) {
      const column = TRACK_TASK_COLUMN[provider];
      await db
        .updateTable('tracks')
        .set({ provider, ...(column && taskId ? { [column]: taskId } : {}) })
        .where('id', '=', trackId)
        .execute();
    }
    return job;
  }

  /**
   * Detaches a failed job from its provider task so a retry submits afresh instead of polling the
   * dead task. The track keeps the task id (suno_id / mureka_task_id) for support.
   */
  async releaseTask(db: Kysely<DB>, jobId: string): Promise<void> {
    await db
      .updateTable('jobs')
      .set({ provider_task_id: null })
      .where('id', '=', jobId)
      .where('provider_task_id', 'is not', null)
      .where('status', 'in', ['pending', 'processing'])
      .execute();
  }
}

export interface NewCallbackLog {
  provider: string;
  callbackType: string;
  jobId: string | null;
  trackId: string | null;
  /** Unique per distinct provider event; null for rows that only record a refusal or a duplicate. */
  dedupKey: string | null;
  payload: unknown;
  errorMessage?: string | null;
}

/** Every provider callback we receive, accepted or not (system table, no user policy). */
export class CallbackLogsRepository {
  /** Inserts the log row; undefined when a row with the same dedup key exists (a duplicate delivery). */
  async insert(db: Kysely<DB>, log: NewCallbackLog): Promise<{ id: string } | undefined> {
    return db
      .insertInto('callback_logs')
      .values({
        provider: log.provider,
        callback_type: log.callbackType,
        job_id: log.jobId,
        track_id: log.trackId,
        dedup_key: log.dedupKey,
        payload: JSON.stringify(log.payload ?? {}),
        error_message: log.errorMessage ?? null,
      })
      .onConflict((oc) => oc.column('dedup_key').doNothing())
      .returning('id')
      .executeTakeFirst();
  }

  /** The job's latest verified, first-of-its-kind callback (rejected and duplicate rows have no dedup key). */
  async latestAccepted(db: Kysely<DB>, jobId: string): Promise<{ id: string } | undefined> {
    return db.selectFrom('callback_logs').select('id').where('job_id', '=', jobId).where('dedup_key', 'is not', null).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  }

  listForJob(db: Kysely<DB>, jobId: string) {
    return db.selectFrom('callback_logs').selectAll().where('job_id', '=', jobId).orderBy('created_at').execute();
  }
}

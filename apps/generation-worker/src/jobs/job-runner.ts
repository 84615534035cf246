import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job as QueueJob } from 'bullmq';
import type { JobMessage } from '@muse/contracts';
import type { Kysely } from 'kysely';
import { JobsRepository, NotificationsRepository, type Database, type DB, type Job } from '@muse/db';
import { DATABASE, JobEventsPublisher, jobEventsProvider, LOGGER, type Logger } from '@muse/platform';

/** The request itself is at fault (its input vanished or cannot be used): retrying would fail the same way. */
export class PermanentJobError extends Error {}

class JobCancelled extends Error {}

export type Progress = (percent: number) => Promise<void>;

/**
 * One kind of studio work. `execute` does the slow part and must be repeatable (fixed object keys);
 * `land` writes the domain rows in the completion transaction and returns the job's result;
 * `failed` marks the domain row in the failure transaction.
 */
export interface JobSpec<T> {
  resourceType: string;
  label: string;
  execute(job: Job, progress: Progress): Promise<T>;
  land(trx: Kysely<DB>, job: Job, outcome: T): Promise<{ result: Record<string, unknown>; notice: { title: string; message: string; link: string } }>;
  failed(trx: Kysely<DB>, job: Job, message: string, final: boolean): Promise<void>;
}

/**
 * claim → progress → complete | fail, the way generation does it: the completion lands in one
 * transaction only while the job is still running (a cancelled or duplicate run changes nothing),
 * a failure is recorded per attempt and the last one ends the job.
 */
@Injectable()
export class JobRunner {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly events: JobEventsPublisher,
    private readonly jobs: JobsRepository,
    private readonly notifications: NotificationsRepository,
  ) {}

  async run<T>(message: JobMessage, spec: JobSpec<T>, queueJob?: QueueJob): Promise<Record<string, unknown> | undefined> {
    const job = await this.jobs.claim(this.db, message.jobId);
    if (!job) return this.settleUnclaimable(message.jobId, spec);
    if (job.user_id !== message.userId || job.resource_type !== spec.resourceType || !job.resource_id) {
      throw new UnrecoverableError(`job ${job.id} does not match its queue message`);
    }
    await this.events.publish(job);
    const progress: Progress = async (percent) => {
      const value = await this.jobs.setProgress(this.db, job.id, Math.round(percent));
      if (value === undefined) return;
      await queueJob?.updateProgress(value);
      await this.events.publish({ ...job, status: 'processing', progress: value });
    };
    let outcome: T;
    try {
      outcome = await spec.execute(job, progress);
    } catch (error) {
      const permanent = error instanceof PermanentJobError;
      const final = permanent || job.attempts >= job.max_attempts;
      await this.finishFailed(job, spec, permanent ? 'invalid-input' : `${job.kind}-failed`, (error as Error).message, final);
      if (final) throw new UnrecoverableError((error as Error).message);
      throw error;
    }
    try {
      const completed = await this.db.transaction().execute(async (trx) => {
        const { result, notice } = await spec.land(trx, job, outcome);
        const done = await this.jobs.complete(trx, job.id, result);
        if (!done) throw new JobCancelled();
        await this.notifications.create(trx, { userId: job.user_id, type: 'success', ...notice });
        return done;
      });
      await this.events.publish(completed);
      return completed.result ?? undefined;
    } catch (error) {
      if (error instanceof JobCancelled) {
        this.logger.info({ job_id: job.id }, 'job already finished (cancelled or duplicate); result discarded');
        return this.settleCancelled(job.id, spec);
      }
      throw error; // the transaction rolled back: BullMQ retries, the outputs are rewritten under the same keys
    }
  }

  private async finishFailed<T>(job: Job, spec: JobSpec<T>, code: string, message: string, final: boolean): Promise<undefined> {
    const updated = await this.db.transaction().execute(async (trx) => {
      await spec.failed(trx, job, message, final);
      if (final) await this.notifications.create(trx, { userId: job.user_id, type: 'error', title: `${spec.label} failed`, message, link: `/jobs/${job.id}` });
      return this.jobs.fail(trx, job.id, { code, message }, final);
    });
    this.logger.warn({ job_id: job.id, kind: job.kind, attempt: job.attempts, final, code, err: message }, 'job attempt failed');
    if (updated) await this.events.publish(updated);
    return undefined;
  }

  /** A message for a job that cannot run: finished already (a duplicate), or out of attempts after crashes. */
  private async settleUnclaimable<T>(jobId: string, spec: JobSpec<T>): Promise<undefined> {
    const job = await this.jobs.findById(this.db, jobId);
    if (job?.status === 'cancelled') return this.settleCancelled(jobId, spec);
    if (!job || job.status === 'completed' || job.status === 'failed') return undefined;
    return this.finishFailed(job, spec, 'attempts-exhausted', 'the job ran out of attempts (its worker stopped unexpectedly)', true);
  }

  /** A cancelled job's domain row must not stay pending/processing forever: it ends as failed, saying why. */
  private async settleCancelled<T>(jobId: string, spec: JobSpec<T>): Promise<undefined> {
    const job = await this.jobs.findById(this.db, jobId);
    if (job?.status !== 'cancelled') return undefined; // finished by a concurrent run: nothing to settle
    await this.db.transaction().execute((trx) => spec.failed(trx, job, 'the job was cancelled', true));
    return undefined;
  }
}

/** The providers every studio module needs for JobRunner. */
export const jobRunnerProviders = [
  JobRunner,
  jobEventsProvider,
  { provide: JobsRepository, useValue: new JobsRepository() },
  { provide: NotificationsRepository, useValue: new NotificationsRepository() },
];

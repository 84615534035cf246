import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { AudioInputError } from '@muse/audio-analysis';
import type { JobMessage } from '@muse/contracts';
import type { Kysely } from 'kysely';
import { JobsRepository, type Database, type DB, type Job } from '@muse/db';
import { DATABASE, JobEventsPublisher, LOGGER, type Logger } from '@muse/platform';
import { PermanentJobError } from '../stems/stems.service.js';

type Trx = Kysely<DB>;

class JobFinished extends Error {}

export interface JobWork {
  /** The CPU and storage part: may run again on a retry, so it writes only fixed object keys. */
  compute(job: Job): Promise<(trx: Trx) => Promise<Record<string, unknown>>>;
  /** Marks the job's domain row failed, in the same transaction as the job's final failure. */
  markFailed(trx: Trx, job: Job, message: string): Promise<void>;
}

/**
 * The claim → work → one completion transaction → or failure pattern of every analysis job (the
 * generation worker's pattern): the domain rows and the job's completion land together and only
 * while the job is still running, so a redelivered or cancelled job never writes twice.
 */
@Injectable()
export class JobRunner {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly events: JobEventsPublisher,
    private readonly jobs: JobsRepository,
  ) {}

  async run(message: JobMessage, resourceType: string, work: JobWork): Promise<Record<string, unknown> | undefined> {
    const job = await this.jobs.claim(this.db, message.jobId);
    if (!job) return this.settleUnclaimable(message.jobId, work);
    if (job.user_id !== message.userId || job.resource_type !== resourceType || !job.resource_id) {
      throw new UnrecoverableError(`job ${job.id} does not match its queue message`);
    }
    await this.events.publish(job);
    try {
      const write = await work.compute(job);
      const completed = await this.db.transaction().execute(async (trx) => {
        const result = await write(trx);
        const done = await this.jobs.complete(trx, job.id, result);
        if (!done) throw new JobFinished();
        return done;
      });
      await this.events.publish(completed);
      return completed.result ?? undefined;
    } catch (error) {
      if (error instanceof JobFinished) return undefined;
      const known = error instanceof PermanentJobError || error instanceof AudioInputError;
      const final = known || job.attempts >= job.max_attempts;
      await this.fail(job, work, known ? error.code : `${job.kind}-failed`, (error as Error).message, final);
      if (final) throw new UnrecoverableError((error as Error).message);
      throw error;
    }
  }

  async progress(job: Job, percent: number): Promise<void> {
    const value = await this.jobs.setProgress(this.db, job.id, percent);
    if (value !== undefined) await this.events.publish({ ...job, status: 'processing', progress: value });
  }

  private async fail(job: Job, work: JobWork, code: string, message: string, final: boolean): Promise<void> {
    const updated = await this.db.transaction().execute(async (trx) => {
      const row = await this.jobs.fail(trx, job.id, { code, message }, final);
      if (row && final) await work.markFailed(trx, job, message);
      return row;
    });
    this.logger.warn({ job_id: job.id, kind: job.kind, attempt: job.attempts, final, code, err: message }, 'audio job attempt failed');
    if (updated) await this.events.publish(updated);
  }

  private async settleUnclaimable(jobId: string, work: JobWork): Promise<undefined> {
    const job = await this.jobs.findById(this.db, jobId);
    if (!job || job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled') return undefined;
    await this.fail(job, work, 'attempts-exhausted', 'the job ran out of attempts (its worker stopped unexpectedly)', true);
    return undefined;
  }
}

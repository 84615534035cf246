import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { ArchivingRequest, type JobMessage } from '@muse/contracts';
import { JobsRepository, type Database, type Job } from '@muse/db';
import { DATABASE, JobEventsPublisher, LOGGER, type Logger } from '@muse/platform';
import { ArchivingService, PermanentArchiveError } from './archiving.service.js';
import { ScanService } from './scan.service.js';

/**
 * Archiving jobs a person asked for (jobs rows of kind 'archiving'): an admin's "run now" and a
 * restore. Claimed, run and finished like every job, so GET /v1/jobs/{id} shows how they went.
 */
@Injectable()
export class ArchivingRequestsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly jobs: JobsRepository,
    private readonly events: JobEventsPublisher,
    private readonly archiving: ArchivingService,
    private readonly scan: ScanService,
  ) {}

  async handle(message: JobMessage): Promise<Record<string, unknown> | undefined> {
    const job = await this.jobs.claim(this.db, message.jobId);
    if (!job) return this.settleUnclaimable(message.jobId);
    if (job.user_id !== message.userId) throw new UnrecoverableError(`job ${job.id} does not match its queue message`);
    await this.events.publish(job);
    try {
      const request = ArchivingRequest.safeParse(job.payload);
      if (!request.success) throw new PermanentArchiveError('the job payload is not an archiving request');
      const result =
        request.data.operation === 'run'
          ? await this.scan.run(message.correlationId)
          : await this.archiving.restore(request.data.track_id, job.id);
      const done = await this.jobs.complete(this.db, job.id, result);
      if (done) await this.events.publish(done);
      return result;
    } catch (error) {
      const permanent = error instanceof PermanentArchiveError;
      const final = permanent || job.attempts >= job.max_attempts;
      await this.fail(job, permanent ? 'archiving-rejected' : 'archiving-failed', (error as Error).message, final);
      if (final) throw new UnrecoverableError((error as Error).message);
      throw error;
    }
  }

  private async fail(job: Job, code: string, message: string, final: boolean): Promise<void> {
    const updated = await this.jobs.fail(this.db, job.id, { code, message }, final);
    this.logger.warn({ job_id: job.id, attempt: job.attempts, final, err: message }, 'archiving job attempt failed');
    if (updated) await this.events.publish(updated);
  }

  /** A duplicate message of a finished job changes nothing; a job out of attempts after crashes is failed. */
  private async settleUnclaimable(jobId: string): Promise<undefined> {
    const job = await this.jobs.findById(this.db, jobId);
    if (!job || job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled') return undefined;
    await this.fail(job, 'attempts-exhausted', 'the job ran out of attempts (its worker stopped unexpectedly)', true);
    return undefined;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { JobMessage, JobResource, QueueName } from '@muse/contracts';
import { asUser, JobsRepository, OutboxRepository, TracksRepository, type Database, type Identity, type Job } from '@muse/db';
import { JobEventsPublisher, type Logger } from '@muse/platform';
import { notFound, Problem } from '../common/problem.js';
import { DATABASE, LOGGER, QUEUES } from '../core/tokens.js';
import { AccountLimitsService } from '../credits/account-limits.service.js';
import { OutboxRelayService } from '../outbox/outbox-relay.service.js';
import { presentJob } from './job.presenter.js';

/**
 * Cancel and retry. The caller's right to the job is checked as the caller (row-level security:
 * another user's job is simply not found); the state change itself is the platform's, so it can also
 * settle the job's domain row, which users may not write.
 */
@Injectable()
export class JobControlService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(QUEUES) private readonly queues: Map<QueueName, Queue>,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly jobs: JobsRepository,
    private readonly tracks: TracksRepository,
    private readonly outbox: OutboxRepository,
    private readonly events: JobEventsPublisher,
    private readonly relay: OutboxRelayService,
    private readonly limits: AccountLimitsService,
  ) {}

  private async visible(identity: Identity, id: string): Promise<Job> {
    const job = await asUser(this.db, identity, (trx) => this.jobs.findById(trx, id));
    if (!job) throw notFound('job');
    return job;
  }

  async cancel(identity: Identity, id: string): Promise<JobResource> {
    const current = await this.visible(identity, id);
    const cancelled = await this.db.transaction().execute(async (trx) => {
      const job = await this.jobs.cancel(trx, id);
      if (job?.resource_type === 'track' && job.resource_id) {
        await this.tracks.setStatus(trx, job.resource_id, 'failed', { error: 'cancelled by the user' });
      }
      return job;
    });
    if (!cancelled) return presentJob(current); // already terminal: unchanged
    // A waiting queue entry can go now; a running one finds the job cancelled and discards its result.
    await this.queues.get(cancelled.queue_name as QueueName)?.remove(cancelled.id).catch(() => undefined);
    await this.events.publish(cancelled);
    this.logger.info({ job_id: id }, 'job cancelled');
    return presentJob(cancelled);
  }

  async retry(identity: Identity, id: string): Promise<JobResource> {
    const current = await this.visible(identity, id);
    if (current.status !== 'failed') throw new Problem(409, 'not-retryable', `only failed jobs can be retried; this one is ${current.status}`);
    const retried = await this.db.transaction().execute(async (trx) => {
      const job = await this.jobs.retry(trx, id);
      if (!job) return undefined;
      // A failed job was refunded; its retry pays again (same price, same balance), in this transaction:
      // a 402/403 here rolls the retry back and leaves the job failed. A second failure refunds the new debit once.
      await this.limits.chargeRetry(trx, job.id);
      if (job.resource_type === 'track' && job.resource_id) {
        await this.tracks.setStatus(trx, job.resource_id, 'pending', { progress: 0, error: null });
      }
      // A new queue job id: the failed attempt's entry still holds the job id until BullMQ removes it.
      const message: JobMessage = { jobId: job.id, userId: job.user_id, correlationId: job.correlation_id ?? job.id };
      await this.outbox.insert(trx, { queue_name: job.queue_name, job_name: job.job_name, queue_job_id: `${job.id}-retry-${job.attempts}`, payload: message });
      return job;
    });
    if (!retried) {
      throw new Problem(409, 'attempts-exhausted', `this job has used all ${current.max_attempts} of its attempts`);
    }
    this.relay.kick();
    await this.events.publish(retried);
    return presentJob(retried);
  }
}

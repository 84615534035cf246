import type { Queue } from 'bullmq';
import type { ProviderUpdateMessage } from '@muse/contracts';
import type { Job } from '@muse/db';
import { continuationDelayMs, continuationJobId, type PollTiming } from './backoff.js';

/**
 * Polling is done by re-scheduling a delayed continuation job on the job's own queue, never by
 * sleeping in a handler: no worker slot or job lock is held while a provider works.
 */
export class ContinuationScheduler {
  constructor(
    private readonly queue: Queue,
    private readonly timing: PollTiming,
  ) {}

  /** Schedules poll `pollCount`; with callbacks on the way polling is the safety net and starts later. */
  async schedule(job: Job, updateJobName: string, pollCount: number, options: { slower?: boolean; notBeforeMs?: number } = {}): Promise<number> {
    const delay = Math.max(continuationDelayMs(pollCount + (options.slower ? 2 : 0), this.timing), options.notBeforeMs ?? 0);
    const message: ProviderUpdateMessage = { jobId: job.id, userId: job.user_id, correlationId: job.correlation_id ?? job.id, source: 'poll', pollCount };
    await this.queue.add(updateJobName, message, {
      jobId: continuationJobId(job.id, job.provider_task_id, pollCount),
      delay,
      attempts: 1,
      removeOnComplete: { age: 3600 },
      removeOnFail: { age: 24 * 3600 },
    });
    return delay;
  }

  /**
   * Runs the continuation of a callback that arrived before the provider's submit answer (so before its task id
   * was recorded, when it could not be applied): once, now, beside the poll chain.
   */
  async callbackNow(job: Job, updateJobName: string, callbackLogId: string): Promise<void> {
    const message: ProviderUpdateMessage = { jobId: job.id, userId: job.user_id, correlationId: job.correlation_id ?? job.id, source: 'callback', callbackLogId };
    await this.queue.add(updateJobName, message, {
      jobId: `${job.id}-cb-${callbackLogId}-early`,
      attempts: 3,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: { age: 3600 },
      removeOnFail: { age: 24 * 3600 },
    });
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

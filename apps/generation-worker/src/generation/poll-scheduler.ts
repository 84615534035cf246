import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Job } from '@muse/db';

export interface PollTiming {
  PROVIDER_POLL_BASE_MS: number;
  PROVIDER_POLL_MAX_MS: number;
}

/**
 * Exponential backoff with "equal jitter": half the capped exponential delay is fixed, half random,
 * so polls of many jobs submitted together spread out instead of arriving in waves.
 */
export function pollDelayMs(pollCount: number, timing: PollTiming, random = Math.random): number {
  const capped = Math.min(timing.PROVIDER_POLL_MAX_MS, timing.PROVIDER_POLL_BASE_MS * 2 ** Math.min(pollCount, 30));
  return Math.round(capped / 2 + random() * (capped / 2));
}

/**
 * Polling is done by re-scheduling a delayed queue job, never by sleeping in a handler: no worker
 * slot or job lock is held while a provider works. The queue job id is derived from the job id, the
 * provider task and the poll number, so a repeated schedule (a redelivered message) does not start a
 * second chain, while a retried job's new task gets a chain of its own.
 */
export class PollScheduler {
  constructor(
    private readonly queue: Queue,
    private readonly timing: PollTiming,
  ) {}

  async schedule(job: Job, pollCount: number, options: { slower?: boolean; notBeforeMs?: number } = {}): Promise<number> {
    // With callbacks on the way, polling is the safety net: start it later.
    const delay = Math.max(pollDelayMs(pollCount + (options.slower ? 2 : 0), this.timing), options.notBeforeMs ?? 0);
    await this.queue.add(
      'generation.provider-update',
      { jobId: job.id, userId: job.user_id, correlationId: job.correlation_id ?? job.id, source: 'poll', pollCount },
      { jobId: pollJobId(job, pollCount), delay, attempts: 1, removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } },
    );
    return delay;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

export function pollJobId(job: Pick<Job, 'id' | 'provider_task_id'>, pollCount: number): string {
  // Task ids may hold characters BullMQ keys should not (':'); a short digest keeps the id clean.
  const task = createHash('sha256').update(job.provider_task_id ?? '').digest('hex').slice(0, 12);
  return `${job.id}-${task}-poll-${pollCount}`;
}

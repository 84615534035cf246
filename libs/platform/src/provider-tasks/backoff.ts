import { createHash } from 'node:crypto';

export interface PollTiming {
  PROVIDER_POLL_BASE_MS: number;
  PROVIDER_POLL_MAX_MS: number;
}

/**
 * Exponential backoff with "equal jitter": half the capped exponential delay is fixed, half random,
 * so polls of many jobs submitted together spread out instead of arriving in waves.
 */
export function continuationDelayMs(pollCount: number, timing: PollTiming, random = Math.random): number {
  const capped = Math.min(timing.PROVIDER_POLL_MAX_MS, timing.PROVIDER_POLL_BASE_MS * 2 ** Math.min(pollCount, 30));
  return Math.round(capped / 2 + random() * (capped / 2));
}

/**
 * The queue job id of poll number `pollCount` for a job's current provider task: a repeated schedule
 * (a redelivered message) does not fork a second chain, while a retried job's new task gets its own.
 * Task ids may hold characters BullMQ ids should not (':'); a short digest keeps the id clean.
 */
export function continuationJobId(jobId: string, taskId: string | null, pollCount: number): string {
  const task = createHash('sha256').update(taskId ?? '').digest('hex').slice(0, 12);
  return `${jobId}-${task}-poll-${pollCount}`;
}

import { JobEvent, snakeCaseKeys, type JobResource } from '@muse/contracts';
import type { Job } from '@muse/db';
import type { Provider } from '@nestjs/common';
import type { BaseConfig } from './config.js';
import type { Redis } from './redis.js';
import { CONFIG, REDIS } from './tokens.js';

/** A job row as the public API shows it (API.md "job object"). */
export function presentJob(job: Job): JobResource {
  return {
    id: job.id,
    kind: job.kind as JobResource['kind'],
    status: job.status,
    progress: job.progress,
    resource: job.resource_type && job.resource_id ? { type: job.resource_type, id: job.resource_id } : null,
    provider: job.provider,
    attempts: job.attempts,
    error: (snakeCaseKeys(job.error) as JobResource['error']) ?? null,
    // snake_case all the way down (issue 14): analysis features are computed as camelCase objects.
    result: snakeCaseKeys(job.result) ?? null,
    created_at: job.created_at.toISOString(),
    updated_at: job.updated_at.toISOString(),
    completed_at: job.completed_at ? job.completed_at.toISOString() : null,
  };
}

/** The Redis stream of job events for one deployment (its queue prefix). */
export const jobEventsStreamKey = (queuePrefix: string): string => `${queuePrefix}:job-events`;

/** Events kept for Last-Event-ID resumption; older ones are trimmed. */
const STREAM_LENGTH = 100_000;

/**
 * Every status or progress change is appended to a Redis stream, so live clients get it in order
 * and a reconnecting client can resume after the last id it saw. The job row stays the source of
 * truth: a missed event is never a lost state.
 */
export class JobEventsPublisher {
  constructor(private readonly redis: Redis, private readonly streamKey: string) {}

  async publish(job: Job): Promise<void> {
    const event: JobEvent = { user_id: job.user_id, job: presentJob(job) };
    await this.redis
      .xadd(this.streamKey, 'MAXLEN', '~', String(STREAM_LENGTH), '*', 'event', JSON.stringify(JobEvent.parse(event)))
      .catch(() => undefined); // an event lost to a Redis outage is recovered by reading the job
  }
}

/** The Nest provider of the publisher, the same in every app. */
export const jobEventsProvider: Provider = {
  provide: JobEventsPublisher,
  useFactory: (redis: Redis, config: BaseConfig) => new JobEventsPublisher(redis, jobEventsStreamKey(config.QUEUE_PREFIX)),
  inject: [REDIS, CONFIG],
};

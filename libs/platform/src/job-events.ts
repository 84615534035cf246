import { JOB_EVENTS_CHANNEL, JobEvent, type JobKind, type JobStatus } from '@muse/contracts';
import type { Redis } from './redis.js';

/**
 * Status and progress changes go out on Redis pub/sub for live clients. The job row stays the
 * source of truth: a missed event is never a lost state.
 */
export class JobEventsPublisher {
  constructor(private readonly redis: Redis, private readonly channel = JOB_EVENTS_CHANNEL) {}

  async publish(job: { id: string; user_id: string; kind: string; status: string; progress: number }): Promise<void> {
    const event = JobEvent.parse({
      job_id: job.id,
      user_id: job.user_id,
      kind: job.kind as JobKind,
      status: job.status as JobStatus,
      progress: job.progress,
      at: new Date().toISOString(),
    });
    await this.redis.publish(this.channel, JSON.stringify(event)).catch(() => undefined);
  }
}

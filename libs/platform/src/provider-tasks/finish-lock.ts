import { randomUUID } from 'node:crypto';
import type { Redis } from '../redis.js';

/**
 * Lets one continuation at a time bring a job's result in (download, store, land). A poll and a
 * callback that arrive together would otherwise both write the same fixed object keys, and the one
 * that loses the completion could overwrite the winner's files after it landed. The lock expires on
 * its own, so a crashed worker never blocks the job for longer than `ttlMs`.
 */
export class FinishLock {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async acquire(jobId: string, ttlMs: number): Promise<string | undefined> {
    const token = randomUUID();
    const ok = await this.redis.set(this.key(jobId), token, 'PX', ttlMs, 'NX');
    return ok === 'OK' ? token : undefined;
  }

  async release(jobId: string, token: string): Promise<void> {
    // Only the holder deletes: after an expiry another continuation may hold it now.
    await this.redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, this.key(jobId), token);
  }

  private key(jobId: string): string {
    return `${this.prefix}:provider-task-finish:${jobId}`;
  }
}

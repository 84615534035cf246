import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { ArchivingRepository, type ArchivingRun, type Database } from '@muse/db';
import { DATABASE, LOGGER, type Logger } from '@muse/platform';
import { ARCHIVING_QUEUE, ARCHIVE_JOB_OPTIONS } from './queue.js';

const PAGE = 1_000;
/** One scan enqueues at most this many archives; the rest wait for the next scan. */
const MAX_DUE_PER_SCAN = 10_000;

/**
 * The daily scan: gives new candidates their archiving date (7 days ahead), then queues every track
 * whose date has come. Running it twice, or on two replicas at once, queues each track once: one
 * open run per track (unique index) whose id is the BullMQ job id.
 */
@Injectable()
export class ScanService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ARCHIVING_QUEUE) private readonly queue: Queue,
    private readonly runs: ArchivingRepository,
  ) {}

  async run(correlationId: string): Promise<{ scheduled: number; enqueued: number }> {
    let scheduled = 0;
    for (;;) {
      const n = await this.runs.scheduleCandidates(this.db, PAGE);
      scheduled += n;
      if (n < PAGE) break;
    }
    const due = await this.runs.dueTracks(this.db, MAX_DUE_PER_SCAN);
    for (const trackId of due) {
      const run = await this.runs.openRun(this.db, trackId);
      await this.enqueue(run, correlationId);
    }
    this.logger.info({ scheduled, enqueued: due.length }, 'archiving scan done');
    return { scheduled, enqueued: due.length };
  }

  /** Queues the run; a run whose earlier queue job gave up is retried rather than left open. */
  private async enqueue(run: ArchivingRun, correlationId: string): Promise<void> {
    const existing = await this.queue.getJob(run.id);
    if (existing) {
      const state = await existing.getState();
      if (state === 'failed') {
        await existing.retry(); // gave up after its attempts: the run resumes where it stopped
        return;
      }
      if (state !== 'completed') return; // waiting, delayed or active: already on its way
      await existing.remove(); // completed but the run is still open: run it again
    }
    await this.queue.add('archiving.archive-track', { jobId: run.id, trackId: run.track_id, correlationId }, { ...ARCHIVE_JOB_OPTIONS, jobId: run.id });
  }
}

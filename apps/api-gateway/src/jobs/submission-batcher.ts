import { Inject, Injectable } from '@nestjs/common';
import type client from 'prom-client';
import { METRICS_REGISTRY, promClient } from '@muse/platform';
import { JobsRepository, type Database, type Identity, type JobSubmissionOutcome, type JobSubmissionRows, type SubmissionError } from '@muse/db';
import { DATABASE } from '../core/tokens.js';

/**
 * At most this many submissions per statement. Each runs in its own subtransaction, and a transaction
 * keeps only 64 subtransaction ids in shared memory before every snapshot of every backend gets slower
 * (subxid overflow); an entry uses one, or a few when triggers open their own.
 */
export const MAX_SUBMISSIONS_PER_STATEMENT = 16;

/** The error an entry of a batch raised, with the fields of pg's DatabaseError that error translation reads. */
export class SubmissionEntryError extends Error implements SubmissionError {
  readonly code: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly constraint?: string;
  readonly table?: string;
  readonly column?: string;
  readonly schema?: string;
  constructor(e: SubmissionError) {
    super(e.message);
    this.name = 'SubmissionEntryError';
    Object.assign(this, e);
    this.code = e.code;
  }
}

/** Deadlock, serialization failure: the entry did nothing and may simply run again, alone. */
const TRANSIENT = new Set(['40P01', '40001']);

interface Waiting {
  identity: Identity;
  rows: JobSubmissionRows;
  resolve: (outcome: JobSubmissionOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the accept path: the submissions that reach this point in the same turn of the event
 * loop go to Postgres as one statement (submit_jobs), so N concurrent submissions cost one round trip and
 * one commit instead of N. A submission alone in its turn goes as submit_job, exactly as before. What each
 * caller gets back is what submit_job alone would have answered or raised.
 */
@Injectable()
export class SubmissionBatcher {
  private waiting: Waiting[] = [];
  private scheduled = false;
  private readonly statementSize: client.Histogram;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly jobs: JobsRepository,
    @Inject(METRICS_REGISTRY) registry: client.Registry,
  ) {
    this.statementSize = new promClient.Histogram({
      name: 'job_submissions_per_statement',
      help: 'Submissions written by one statement (1: submit_job alone; more: gathered into submit_jobs)',
      buckets: [1, 2, 4, 8, MAX_SUBMISSIONS_PER_STATEMENT],
      registers: [registry],
    });
  }

  submit(identity: Identity, rows: JobSubmissionRows): Promise<JobSubmissionOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ identity, rows, resolve, reject });
      if (this.waiting.length >= MAX_SUBMISSIONS_PER_STATEMENT) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        // After this turn's I/O callbacks: every request that arrived with this one has reached here too.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_SUBMISSIONS_PER_STATEMENT);
      this.statementSize.observe(batch.length);
      void (batch.length === 1 ? this.alone(batch[0]!) : this.together(batch));
    }
  }

  private async alone(w: Waiting): Promise<void> {
    try {
      w.resolve(await this.jobs.submit(this.db, w.identity, w.rows));
    } catch (error) {
      w.reject(error);
    }
  }

  private async together(batch: Waiting[]): Promise<void> {
    // One lock order for every batch (profile rows are locked by the charge): no deadlock between batches.
    batch.sort((a, b) => (a.identity.userId < b.identity.userId ? -1 : a.identity.userId > b.identity.userId ? 1 : 0));
    let outcomes;
    try {
      outcomes = await this.jobs.submitMany(this.db, batch);
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    batch.forEach((w, i) => {
      const outcome = outcomes[i];
      if (!outcome) w.reject(new Error(`submit_jobs answered ${outcomes.length} outcomes for ${batch.length} entries`));
      else if (outcome.state !== 'error') w.resolve(outcome);
      else if (TRANSIENT.has(outcome.error.code)) void this.alone(w);
      else w.reject(new SubmissionEntryError(outcome.error));
    });
  }
}

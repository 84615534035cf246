/** The archiving queue, for the archiver's own enqueues (archive runs) and its job schedulers. */
export const ARCHIVING_QUEUE = Symbol('ARCHIVING_QUEUE');

/** Archive runs resume where they stopped, so retrying is always safe; a run that exhausts these is retried by the next scan. */
export const ARCHIVE_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

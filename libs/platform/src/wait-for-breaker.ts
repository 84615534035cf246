import type { CircuitBreaker } from '@muse/providers';

/** Spreads the jobs that wait for the same breaker over a second, so they do not all wake at once. */
const JITTER_MS = 1_000;

/**
 * Thrown by a job handler that called no provider because every candidate's circuit breaker was open:
 * the transport puts the job back on its queue as a delayed job due at `dueAt` (BullMQ's moveToDelayed,
 * which uses no attempt), instead of BullMQ retrying it within seconds against the same open breakers
 * and failing it for good before any request was sent. The handler has given back the job row's
 * attempt already (JobsRepository.unclaim).
 * It reaches the transport as itself through the worker app's JobErrorPassThrough filter.
 */
export class WaitForBreaker extends Error {
  constructor(
    /** When the earliest breaker lets a call through again (epoch ms, jitter included). */
    readonly dueAt: number,
    /** The providers whose breakers were open. */
    readonly providers: string[],
  ) {
    super(`every provider's circuit breaker is open (${providers.join(', ')}); waiting until ${new Date(dueAt).toISOString()}`);
    this.name = 'WaitForBreaker';
  }

  /** The wait for the first of these breakers to let a call through, plus jitter. */
  static for(breakers: CircuitBreaker[], random = Math.random): WaitForBreaker {
    const earliest = Math.min(...breakers.map((b) => b.availableAt()));
    return new WaitForBreaker(Math.round(earliest + random() * JITTER_MS), breakers.map((b) => b.name));
  }
}

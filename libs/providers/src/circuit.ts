import { CircuitOpenError, ProviderError } from './errors.js';

export type CircuitState = 'closed' | 'half-open' | 'open';
/** Gauge values the Grafana dashboard expects for provider_circuit_state. */
export const CIRCUIT_STATE_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * While the half-open trial call is out, when to look again: its answer closes the circuit (everyone may go)
 * or re-opens it (then the new opening says when), and a trial rarely takes long.
 */
const TRIAL_RECHECK_MS = 2_000;

export interface CircuitOptions {
  /** Consecutive transient failures that open the circuit. */
  failureThreshold?: number;
  /** How long an open circuit rests before one trial call is let through. */
  resetTimeoutMs?: number;
  now?: () => number;
  onStateChange?: (state: CircuitState) => void;
}

/**
 * A per-provider circuit breaker (closed → open after N consecutive transient failures → half-open
 * after a rest → closed on one success). Only transient failures count: a refused prompt says
 * nothing about the provider's health. Written here rather than taken from a library because the
 * classification of failures is the part that matters, and it is ours.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private readonly threshold: number;
  private readonly resetMs: number;
  private readonly now: () => number;

  constructor(
    readonly name: string,
    private readonly options: CircuitOptions = {},
  ) {
    this.threshold = options.failureThreshold ?? 5;
    this.resetMs = options.resetTimeoutMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.resetMs) this.transition('half-open');
    return this.current;
  }

  /** True if a call may go out now (reserves the single half-open trial). */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  /** Whether a call would be allowed, without reserving anything (for choosing a provider). */
  isAvailable(): boolean {
    const state = this.state;
    return state === 'closed' || (state === 'half-open' && !this.trialInFlight);
  }

  /**
   * The earliest time a call may go out (epoch ms): now if one may go now; when open, the moment it
   * half-opens; while the half-open trial is out, a little later (the trial's answer decides).
   */
  availableAt(): number {
    const state = this.state;
    if (state === 'open') return this.openedAt + this.resetMs;
    if (state === 'half-open' && this.trialInFlight) return this.now() + Math.min(this.resetMs, TRIAL_RECHECK_MS);
    return this.now();
  }

  async exec<T>(call: () => Promise<T>): Promise<T> {
    if (!this.tryAcquire()) throw new CircuitOpenError(this.name);
    try {
      const value = await call();
      this.success();
      return value;
    } catch (error) {
      if (error instanceof ProviderError && error.permanent) this.success();
      else this.failure();
      throw error;
    }
  }

  success(): void {
    this.trialInFlight = false;
    this.failures = 0;
    if (this.current !== 'closed') this.transition('closed');
  }

  failure(): void {
    this.trialInFlight = false;
    this.failures++;
    if (this.current === 'half-open' || this.failures >= this.threshold) {
      this.openedAt = this.now();
      if (this.current !== 'open') this.transition('open');
    }
  }

  private transition(state: CircuitState): void {
    this.current = state;
    this.options.onStateChange?.(state);
  }
}

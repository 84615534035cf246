/**
 * How a provider call failed decides what the platform does next:
 * - `permanent`: the request itself is refused (bad input, content policy). Retrying or another
 *   provider will not help; the job fails at once and the breaker is not blamed.
 * - `transient`: the provider is unhealthy or busy (5xx, timeouts, 429). It counts against the
 *   provider's circuit breaker, and the job retries later or moves to the next provider.
 */
export type ProviderErrorKind = 'permanent' | 'transient';

export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly kind: ProviderErrorKind,
    message: string,
    readonly details: { code?: string | number; retryAfterMs?: number; status?: number } = {},
  ) {
    super(`${provider}: ${message}`);
    this.name = 'ProviderError';
  }

  get permanent(): boolean {
    return this.kind === 'permanent';
  }
}

/** The breaker refused the call without trying: the provider failed repeatedly and is resting. */
export class CircuitOpenError extends ProviderError {
  constructor(provider: string) {
    super(provider, 'transient', 'circuit breaker is open');
    this.name = 'CircuitOpenError';
  }
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

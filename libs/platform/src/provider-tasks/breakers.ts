import { CircuitBreaker, type ProviderEnv, type ProviderMetrics } from '@muse/providers';

/**
 * One circuit breaker per provider per worker process, shared by every kind of work that calls it
 * (Replicate's health is the same for stems, upscales and transformations).
 */
export class ProviderBreakers {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly env: Pick<ProviderEnv, 'PROVIDER_BREAKER_FAILURES' | 'PROVIDER_BREAKER_RESET_MS'>,
    private readonly metrics?: ProviderMetrics,
  ) {}

  get(name: string): CircuitBreaker {
    let breaker = this.breakers.get(name);
    if (!breaker) {
      breaker = new CircuitBreaker(name, {
        failureThreshold: this.env.PROVIDER_BREAKER_FAILURES,
        resetTimeoutMs: this.env.PROVIDER_BREAKER_RESET_MS,
        onStateChange: (state) => this.metrics?.circuit(name, state),
      });
      this.breakers.set(name, breaker);
    }
    return breaker;
  }
}

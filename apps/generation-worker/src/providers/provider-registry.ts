import { CircuitBreaker, configuredMusicProviders, MurekaClient, SunoClient, type ProviderEnv, type ProviderMetrics } from '@muse/providers';
import type { MusicGenerationProvider } from './music-provider.js';
import { MurekaMusicProvider } from './mureka.provider.js';
import { ResultFetcher } from './result-fetcher.js';
import { SunoMusicProvider } from './suno.provider.js';

/** The external providers this worker may call: only those with credentials. */
export function externalMusicProviders(env: ProviderEnv, metrics?: ProviderMetrics): MusicGenerationProvider[] {
  const fetcher = new ResultFetcher(env);
  const http = { timeoutMs: env.PROVIDER_HTTP_TIMEOUT_MS, observe: metrics?.observe };
  const providers: MusicGenerationProvider[] = [];
  const configured = configuredMusicProviders(env);
  if (env.SUNO_API_KEY && configured.has('suno')) providers.push(new SunoMusicProvider(new SunoClient({ ...http, baseUrl: env.SUNO_API_BASE_URL, apiKey: env.SUNO_API_KEY }), env, fetcher));
  if (env.MUREKA_API_KEY) providers.push(new MurekaMusicProvider(new MurekaClient({ ...http, baseUrl: env.MUREKA_API_BASE_URL, apiKey: env.MUREKA_API_KEY }), env, fetcher));
  return providers;
}

/**
 * Providers by name, each behind its own circuit breaker, and the order to try them in: the one
 * the job asked for, then the configured fallbacks. Breakers live per worker process — each
 * process learns a provider's health from its own calls, which is what a breaker is for.
 */
export class ProviderRegistry {
  private readonly byName: Map<string, MusicGenerationProvider>;
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    providers: MusicGenerationProvider[],
    private readonly env: Pick<ProviderEnv, 'MUSIC_PROVIDER_FALLBACKS' | 'PROVIDER_BREAKER_FAILURES' | 'PROVIDER_BREAKER_RESET_MS'>,
    private readonly metrics?: ProviderMetrics,
  ) {
    this.byName = new Map(providers.map((p) => [p.name, p]));
    for (const p of providers) this.metrics?.circuit(p.name, 'closed');
  }

  get(name: string): MusicGenerationProvider | undefined {
    return this.byName.get(name);
  }

  all(): MusicGenerationProvider[] {
    return [...this.byName.values()];
  }

  breaker(name: string): CircuitBreaker {
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

  /** Requested provider first, then fallbacks; unknown names are skipped, duplicates dropped. */
  candidates(requested: string): MusicGenerationProvider[] {
    const names = [...new Set([requested, ...this.env.MUSIC_PROVIDER_FALLBACKS])];
    return names.map((n) => this.byName.get(n)).filter((p): p is MusicGenerationProvider => p !== undefined);
  }
}

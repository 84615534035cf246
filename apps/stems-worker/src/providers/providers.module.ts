import { Global, Module } from '@nestjs/common';
import { PROVIDER_TASK_ENV, PROVIDER_TASK_METRICS, ProviderResultFiles, type ProviderTaskEnv } from '@muse/platform';
import { createKindProviders, type KindProviders, type ProviderMetrics } from '@muse/providers';

/** The audio worker's provider adapters per kind: only providers with credentials (libs/providers kind-registry). */
export type AudioKindProviders = Pick<KindProviders, 'stems' | 'description' | 'classification' | 'recognition' | 'upload'>;

export const AUDIO_KIND_PROVIDERS = Symbol('AUDIO_KIND_PROVIDERS');

@Global()
@Module({
  providers: [
    {
      provide: AUDIO_KIND_PROVIDERS,
      // The classifier's report is a file at the provider: fetched like any result (SSRF-safe, bounded).
      useFactory: (env: ProviderTaskEnv, files: ProviderResultFiles, metrics?: ProviderMetrics): AudioKindProviders =>
        createKindProviders(env, { fetchReport: (url) => files.text('replicate', url), observe: metrics?.observe }),
      inject: [PROVIDER_TASK_ENV, ProviderResultFiles, PROVIDER_TASK_METRICS],
    },
  ],
  exports: [AUDIO_KIND_PROVIDERS],
})
export class AudioProvidersModule {}

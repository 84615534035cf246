import { Global, Module } from '@nestjs/common';
import { PROVIDER_TASK_ENV, PROVIDER_TASK_METRICS, type ProviderTaskEnv } from '@muse/platform';
import { createKindProviders, type KindProviders, type ProviderMetrics } from '@muse/providers';

/** The provider adapters of this worker's kinds: only providers with credentials (libs/providers kind-registry). */
export type StudioKindProviders = Pick<KindProviders, 'upscale' | 'transformation' | 'wav' | 'lyrics' | 'persona' | 'sectionReplacement'>;

export const STUDIO_KIND_PROVIDERS = Symbol('STUDIO_KIND_PROVIDERS');

@Global()
@Module({
  providers: [
    {
      provide: STUDIO_KIND_PROVIDERS,
      useFactory: (env: ProviderTaskEnv, metrics?: ProviderMetrics): StudioKindProviders => createKindProviders(env, { observe: metrics?.observe }),
      inject: [PROVIDER_TASK_ENV, PROVIDER_TASK_METRICS],
    },
  ],
  exports: [STUDIO_KIND_PROVIDERS],
})
export class StudioProvidersModule {}

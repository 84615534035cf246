import { Module, type DynamicModule } from '@nestjs/common';
import { OperationsModule, type HealthCheck } from '@muse/platform';
import type { Registry } from 'prom-client';
import { AdminModule } from './admin/admin.module.js';
import { AnalyticsModule } from './analytics/analytics.module.js';
import { ArchivingApiModule } from './archiving/archiving.module.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CoreModule, type CoreResources } from './core/core.module.js';
import { DocsController } from './docs/docs.controller.js';
import { GenerationsModule } from './generations/generations.module.js';
import { AccountsCoreModule } from './credits/accounts-core.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { MeModule } from './me/me.module.js';
import { StreamModule } from './stream/stream.module.js';
import { TracksModule } from './tracks/tracks.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { WavModule } from './wav/wav.module.js';
import { LyricsModule } from './lyrics/lyrics.module.js';
import { UpscalesModule } from './upscales/upscales.module.js';
import { SectionsModule } from './sections/sections.module.js';
import { PersonasModule } from './personas/personas.module.js';
import { TransformationsModule } from './transformations/transformations.module.js';
import { StemsApiModule } from './stems/stems.module.js';
import { AnalysisApiModule } from './analysis/analysis.module.js';
import { ProjectsModule } from './projects/projects.module.js';
import { LibraryModule } from './library/library.module.js';
import { EffectsModule } from './effects/effects.module.js';
import { SavedLyricsModule } from './saved-lyrics/saved-lyrics.module.js';
import { MusicProjectsModule } from './music-projects/music-projects.module.js';
import { JobResultsModule } from './job-results/job-results.module.js';
import { SocialModule } from './social/social.module.js';
import { WebhookDeliveriesModule } from './webhook-deliveries/webhook-deliveries.module.js';

@Module({})
export class AppModule {
  static forRoot(resources: CoreResources, ops: { registry: Registry; checks: HealthCheck[] }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(resources),
        OperationsModule.forRoot(ops),
        AccountsCoreModule,
        AuthModule,
        MeModule,
        ApiKeysModule,
        AdminModule,
        JobsModule,
        GenerationsModule,
        TracksModule,
        StreamModule,
        WebhooksModule,
        AnalyticsModule,
        ArchivingApiModule,
        WavModule,
        LyricsModule,
        UpscalesModule,
        SectionsModule,
        PersonasModule,
        TransformationsModule,
        StemsApiModule,
        AnalysisApiModule,
        ProjectsModule,
        LibraryModule,
        EffectsModule,
        SavedLyricsModule,
        MusicProjectsModule,
        JobResultsModule,
        SocialModule,
        WebhookDeliveriesModule,
      ],
      controllers: [DocsController],
    };
  }
}

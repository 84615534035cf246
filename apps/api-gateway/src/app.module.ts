import { Module, type DynamicModule } from '@nestjs/common';
import { OperationsModule, type HealthCheck } from '@muse/platform';
import type { Registry } from 'prom-client';
import { AuthModule } from './auth/auth.module.js';
import { CoreModule, type CoreResources } from './core/core.module.js';
import { DocsController } from './docs/docs.controller.js';
import { GenerationsModule } from './generations/generations.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { TracksModule } from './tracks/tracks.module.js';

@Module({})
export class AppModule {
  static forRoot(resources: CoreResources, ops: { registry: Registry; checks: HealthCheck[] }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(resources),
        OperationsModule.forRoot(ops),
        AuthModule,
        JobsModule,
        GenerationsModule,
        TracksModule,
      ],
      controllers: [DocsController],
    };
  }
}

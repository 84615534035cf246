import { Module } from '@nestjs/common';
import { ArchivingRepository } from '@muse/db';
import { JobsModule } from '../jobs/jobs.module.js';
import { ArchivingAdminController, TrackArchiveController } from './archiving.controller.js';
import { ArchivingApiService } from './archiving.service.js';

@Module({
  imports: [JobsModule],
  controllers: [ArchivingAdminController, TrackArchiveController],
  providers: [ArchivingApiService, { provide: ArchivingRepository, useValue: new ArchivingRepository() }],
})
export class ArchivingApiModule {}

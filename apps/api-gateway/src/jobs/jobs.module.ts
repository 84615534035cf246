import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module.js';
import { jobEventsProvider } from '@muse/platform';
import { JobControlService } from './job-control.service.js';
import { JobSubmissionService } from './job-submission.service.js';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';
import { SubmissionBatcher } from './submission-batcher.js';

@Module({
  imports: [OutboxModule],
  controllers: [JobsController],
  providers: [
    JobsService,
    JobSubmissionService,
    SubmissionBatcher,
    JobControlService,
    jobEventsProvider,
  ],
  exports: [JobSubmissionService],
})
export class JobsModule {}

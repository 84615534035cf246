import { Inject, Injectable } from '@nestjs/common';
import { JobsRepository, type Database } from '@muse/db';
import { DATABASE, ProviderTaskRunner } from '@muse/platform';

/** Whether a job asked for an external provider (the gateway admits only configured ones): then the provider path runs it. */
@Injectable()
export class ExternalJobs {
  private readonly jobs = new JobsRepository();

  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async is(jobId: string): Promise<boolean> {
    const job = await this.jobs.findById(this.db, jobId);
    return !!job && ProviderTaskRunner.isExternal(job);
  }
}

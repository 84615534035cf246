import { Queue } from '@muse/contracts';
import { startWorkerService, type WorkerService } from '@muse/platform';
import { ArchivingModule } from './archiving/archiving.module.js';
import type { ArchiveCheckpoint } from './archiving/archiving.service.js';
import type { ArchiverConfig } from './config.js';

export { ArchiverConfig } from './config.js';

/** The archiver: scheduled scans and resets, archive moves and restores, on the archiving queue. */
export function startArchiver(config: ArchiverConfig, options: { listen?: boolean; checkpoint?: ArchiveCheckpoint } = {}): Promise<WorkerService> {
  return startWorkerService({
    service: 'archiver',
    config,
    queues: [Queue.Archiving],
    module: ArchivingModule.forRoot({ checkpoint: options.checkpoint }),
    listen: options.listen,
  });
}

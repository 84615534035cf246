import { Queue } from '@muse/contracts';
import { startWorkerService, type WorkerService } from '@muse/platform';
import type { IngestConfig } from './config.js';
import { IngestModule } from './ingest/ingest.module.js';

export { IngestConfig } from './config.js';

/** analytics-ingest: consumes accepted event batches from the analytics queue into analytics_events. */
export function startAnalyticsIngest(config: IngestConfig, options: { listen?: boolean } = {}): Promise<WorkerService> {
  return startWorkerService({ service: 'analytics-ingest', config, queues: [Queue.Analytics], module: IngestModule, listen: options.listen });
}

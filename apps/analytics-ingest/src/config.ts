import { z } from 'zod';
import { WorkerConfig } from '@muse/platform';

export const IngestConfig = WorkerConfig.extend({
  HEALTH_PORT: WorkerConfig.shape.HEALTH_PORT.default(3004),
  /** Batches in flight at once; they are merged into one insert, so this is also the merge width. */
  WORKER_CONCURRENCY: WorkerConfig.shape.WORKER_CONCURRENCY.default(16),
  /** One insert carries at most about this many rows (it may exceed it by one batch). */
  INGEST_MAX_ROWS: z.coerce.number().int().min(1).max(100_000).default(5_000),
  /** Connections for COPY: writes in flight at once. */
  INGEST_COPY_CONNECTIONS: z.coerce.number().int().min(1).max(32).default(4),
  /** How long a write waits for more batches to join it. */
  INGEST_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(5),
});
export type IngestConfig = z.infer<typeof IngestConfig>;

import { z } from 'zod';
import { WorkerConfig } from '@muse/platform';

const cron = z.string().regex(/^(\S+\s+){4}\S+$/, 'must be a 5-field cron pattern (UTC)');

export const ArchiverConfig = WorkerConfig.extend({
  HEALTH_PORT: WorkerConfig.shape.HEALTH_PORT.default(3003),
  /** The daily archiving scan (schedules candidates 7 days ahead, archives the due ones). */
  ARCHIVE_SCAN_CRON: cron.default('0 2 * * *'),
  /** reset_daily_limits: daily limits start over at 00:00 UTC. */
  RESET_LIMITS_CRON: cron.default('0 0 * * *'),
  ANALYTICS_PARTITIONS_CRON: cron.default('30 0 * * *'),
  /** Tests turn the cron schedules off and fire the jobs themselves. */
  ARCHIVER_SCHEDULES: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});
export type ArchiverConfig = z.infer<typeof ArchiverConfig>;

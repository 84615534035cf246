import { z } from 'zod';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS } from '@muse/contracts';
import { WorkerConfig } from '@muse/platform';
import { AddressAllowList } from '@muse/providers';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const WebhookSenderConfig = WorkerConfig.extend({
  HEALTH_PORT: WorkerConfig.shape.HEALTH_PORT.default(3005),
  /** Deliveries in flight at once per process: they mostly wait on the network. */
  WORKER_CONCURRENCY: WorkerConfig.shape.WORKER_CONCURRENCY.default(16),
  /** A delivery that has not answered within this long is a failed attempt (retried). */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /**
   * Delays (ms, comma separated) before the 2nd, 3rd, … attempt; attempts = entries + 1. Default: 8
   * attempts over about 9.7 hours. Each delay gets ±20 % jitter.
   */
  WEBHOOK_RETRY_SCHEDULE_MS: z
    .string()
    .default(DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS.join(','))
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean).map(Number))
    .pipe(z.array(z.number().int().min(10).max(7 * 24 * 3600 * 1000)).min(0).max(20)),
  /**
   * Loopback targets (127.0.0.0/8, ::1) allowed: the development platform (`npm start`) sets it so a
   * developer can receive callbacks on localhost. Never in production (k8s/compose leave it false).
   */
  WEBHOOK_ALLOW_LOOPBACK: bool.default(false),
  /** Further addresses/CIDRs webhooks may reach although not public (tests, private test receivers). Empty in production. */
  WEBHOOK_ALLOW_PRIVATE_HOSTS: z
    .string()
    .default('')
    .superRefine((v, ctx) => {
      try {
        new AddressAllowList(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
});
export type WebhookSenderConfig = z.infer<typeof WebhookSenderConfig>;

export function allowListOf(config: WebhookSenderConfig): AddressAllowList {
  const extra = config.WEBHOOK_ALLOW_PRIVATE_HOSTS.split(',').map((s) => s.trim()).filter(Boolean);
  return new AddressAllowList([...(config.WEBHOOK_ALLOW_LOOPBACK ? ['127.0.0.0/8', '::1/128'] : []), ...extra].join(','));
}

import { z } from 'zod';

/**
 * Outbound webhooks (issue 14): the queue message of one delivery. It names the delivery only; the
 * sender reads the URL, the body and the owner's secret from Postgres, so a message cannot redirect
 * or forge a delivery.
 */
export const WebhookDeliverMessage = z.object({
  deliveryId: z.uuid(),
  userId: z.uuid(),
  correlationId: z.string().min(1).max(200),
  /** Attempt number within this cycle (absent: the first); the sender schedules the next one itself. */
  attempt: z.number().int().min(1).max(100).optional(),
});
export type WebhookDeliverMessage = z.infer<typeof WebhookDeliverMessage>;

/**
 * The queue job ids of a delivery's messages: the first (the outbox row its job's status change wrote), a
 * redelivery's, and a retry's (`attempts` = attempts recorded before it). Deterministic, so the sender
 * re-running an attempt after a crash, or queue-loss recovery re-creating a lost message, adds nothing twice.
 */
export const webhookJobId = {
  first: (deliveryId: string) => deliveryId,
  redelivery: (deliveryId: string, redeliveries: number) => `${deliveryId}-r${redeliveries}`,
  retry: (deliveryId: string, attemptsBefore: number) => `${deliveryId}-a${attemptsBefore + 1}`,
};

/** BullMQ options of a scheduled retry (the sender's, and queue-loss recovery's when it re-creates one). */
export const WEBHOOK_RETRY_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/**
 * callback_url of every submission: an absolute http(s) URL, at most 2048 characters, without
 * credentials. Where it may point (public addresses only) is checked when it is called, at connect
 * time, because DNS can change between now and then.
 */
export const CallbackUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .refine((u) => {
    try {
      const url = new URL(u);
      return !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'credentials in the URL are not allowed');

/** Webhook event types: the job's terminal status. */
export const WEBHOOK_EVENT_TYPES = ['job.completed', 'job.failed', 'job.cancelled'] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

/**
 * Delays before the 2nd, 3rd, … attempt of a delivery (ms): 8 attempts over about 9.7 hours.
 * Each delay gets ±20 % jitter so receivers that came back are not hit by every sender at once.
 */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS = [30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 18_000_000] as const;

/**
 * BullMQ job priorities of plans with and without the priority_queue feature (0030). 0 = no priority:
 * the queue's wait list, which BullMQ empties before it takes any prioritised job (and which KEDA counts).
 */
export const QUEUE_PRIORITY = { premium: 0, standard: 1 } as const;

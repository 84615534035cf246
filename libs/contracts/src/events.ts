import { z } from 'zod';
import { JobResource } from './api/jobs.js';

/** One status or progress change of a job: the whole job object, and whose it is (for routing only). */
export const JobEvent = z.object({
  user_id: z.uuid(),
  job: JobResource,
});
export type JobEvent = z.infer<typeof JobEvent>;

/** A notification as the API shows it (GET /v1/notifications) and as `event: notification` on /v1/stream. */
export const NotificationResource = z.object({
  id: z.uuid(),
  type: z.enum(['info', 'success', 'warning', 'error']),
  title: z.string(),
  message: z.string(),
  link: z.string().nullable(),
  read: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type NotificationResource = z.infer<typeof NotificationResource>;

/** A new notification on the job-events stream (field `notification`, beside the `event` field of job events). */
export const NotificationEvent = z.object({
  user_id: z.uuid(),
  notification: NotificationResource,
});
export type NotificationEvent = z.infer<typeof NotificationEvent>;

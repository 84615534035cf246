import { z } from 'zod';
import { Pagination, WEBHOOK_DELIVERY_STATUSES } from '@muse/contracts';

/** GET /v1/webhook-deliveries: newest first; ?job_id= one job's deliveries, ?status= pending|delivered|failed. */
export const ListWebhookDeliveriesQuery = Pagination.extend({
  job_id: z.uuid().optional(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
});
export type ListWebhookDeliveriesQuery = z.infer<typeof ListWebhookDeliveriesQuery>;


import { Queue } from '@muse/contracts';
import { startWorkerService, type WorkerService } from '@muse/platform';
import type { WebhookSenderConfig } from './config.js';
import { DeliveryModule } from './delivery/delivery.module.js';

export { WebhookSenderConfig } from './config.js';

/** webhook-sender: consumes the webhooks queue, POSTs signed job objects to users' callback URLs. */
export function startWebhookSender(config: WebhookSenderConfig, options: { listen?: boolean } = {}): Promise<WorkerService> {
  return startWorkerService({ service: 'webhook-sender', config, queues: [Queue.Webhooks], module: DeliveryModule, listen: options.listen });
}

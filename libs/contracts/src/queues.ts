/**
 * Queue names. Every queue lives under one hash-tagged prefix so all of a queue's keys land in the
 * same Redis Cluster slot.
 */
export const QUEUE_PREFIX = '{muse}';

export const Queue = {
  Generation: 'generation',
  Stems: 'stems',
  Archiving: 'archiving',
  Analytics: 'analytics',
  /** Outbound webhooks to users' callback_url (apps/webhook-sender). */
  Webhooks: 'webhooks',
} as const;
export type QueueName = (typeof Queue)[keyof typeof Queue];
export const ALL_QUEUES: readonly QueueName[] = Object.values(Queue);

import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { WEBHOOK_RETRY_JOB_OPTIONS, webhookJobId, type WebhookDeliverMessage } from '@muse/contracts';
import { WebhooksRepository, type Database } from '@muse/db';
import { CONFIG, DATABASE, LOGGER, type Logger } from '@muse/platform';
import { safePost, SafeFetchError, type AddressAllowList } from '@muse/providers';
import { allowListOf, type WebhookSenderConfig } from '../config.js';

export const WEBHOOKS_QUEUE = Symbol('WEBHOOKS_QUEUE');

export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'skipped';

/** The delay before attempt `next` (2-based) of a cycle, with ±20 % jitter; undefined when none is left. */
export function retryDelay(schedule: readonly number[], next: number, random = Math.random): number | undefined {
  const base = schedule[next - 2];
  if (base === undefined) return undefined;
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * One attempt of one delivery. The row (URL, frozen job object, owner) and the owner's secret come
 * from Postgres; the message only names the delivery. A failed attempt schedules the next one as a
 * delayed job of its own (deterministic job id, so a re-run of this attempt after a crash schedules
 * nothing twice) before it is recorded; a crash mid-attempt leaves the BullMQ job to come back when
 * its lock expires. Receivers can see a delivery more than once (same webhook-id): at least once.
 */
@Injectable()
export class DeliveryService implements OnApplicationShutdown {
  private readonly allowList: AddressAllowList;

  constructor(
    @Inject(CONFIG) private readonly config: WebhookSenderConfig,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(WEBHOOKS_QUEUE) private readonly queue: Queue,
    private readonly webhooks: WebhooksRepository,
  ) {
    this.allowList = allowListOf(config);
  }

  get maxAttempts(): number {
    return this.config.WEBHOOK_RETRY_SCHEDULE_MS.length + 1;
  }

  async deliver(message: WebhookDeliverMessage): Promise<DeliveryOutcome> {
    const d = await this.webhooks.forSending(this.db, message.deliveryId);
    // Delivered already, given up on (a redelivery sets it pending again), or gone with its user: nothing to do.
    if (!d || d.status !== 'pending') return 'skipped';
    const attempt = message.attempt ?? 1;
    const log = { delivery_id: d.id, job_id: d.job_id, attempt };
    if (!d.secret) {
      // Never sent unsigned: the receiver could not tell it from a forgery. Recorded, visible in the log, redeliverable.
      await this.webhooks.recordAttempt(this.db, {
        deliveryId: d.id, statusCode: null, durationMs: 0, outcome: 'failed', nextAttemptAt: null,
        error: 'no webhook secret: create one with POST /v1/me/webhook-secret, then redeliver (POST /v1/webhook-deliveries/{id}/redeliver)',
      });
      this.logger.warn(log, 'webhook not sent: the user has no webhook secret');
      return 'failed';
    }
    const body = JSON.stringify(d.payload);
    const webhookId = `msg_${d.id}`; // the same on every attempt and redelivery: receivers deduplicate on it
    const now = new Date();
    const signature = new Webhook(d.secret).sign(webhookId, now, body);
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    let permanent = false;
    try {
      const res = await safePost(d.url, body, {
        allowList: this.allowList,
        timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
        headers: { 'webhook-id': webhookId, 'webhook-timestamp': timestamp, 'webhook-signature': signature, 'muse-event': d.event_type },
      });
      statusCode = res.status;
      if (res.status < 200 || res.status >= 300) error = `answered ${res.status}${res.body ? `: ${res.body.slice(0, 200)}` : ''}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      // Refused by policy (address, protocol): trying again changes nothing; the user fixes the URL and submits anew.
      permanent = e instanceof SafeFetchError && (e.code === 'address' || e.code === 'protocol');
    }
    const durationMs = performance.now() - started;
    if (!error) {
      await this.webhooks.recordAttempt(this.db, { deliveryId: d.id, statusCode, error: null, durationMs, outcome: 'delivered', nextAttemptAt: null });
      this.logger.info({ ...log, status_code: statusCode }, 'webhook delivered');
      return 'delivered';
    }
    const delay = permanent ? undefined : retryDelay(this.config.WEBHOOK_RETRY_SCHEDULE_MS, attempt + 1);
    if (delay === undefined) {
      await this.webhooks.recordAttempt(this.db, { deliveryId: d.id, statusCode, error, durationMs, outcome: 'failed', nextAttemptAt: null });
      this.logger.warn({ ...log, status_code: statusCode, error }, 'webhook delivery failed for good');
      return 'failed';
    }
    // Scheduled first, recorded second: a crash in between re-runs this attempt, whose next job id is the same.
    await this.queue.add(
      'webhook.deliver',
      { deliveryId: d.id, userId: d.user_id, correlationId: message.correlationId, attempt: attempt + 1 },
      { ...WEBHOOK_RETRY_JOB_OPTIONS, jobId: webhookJobId.retry(d.id, d.attempts + 1), delay },
    );
    await this.webhooks.recordAttempt(this.db, { deliveryId: d.id, statusCode, error, durationMs, outcome: 'pending', nextAttemptAt: new Date(Date.now() + delay) });
    this.logger.info({ ...log, status_code: statusCode, error, retry_in_ms: delay }, 'webhook attempt failed; retrying');
    return 'retrying';
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}

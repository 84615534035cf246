import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { NotificationEvent } from '@muse/contracts';
import { NotificationsRepository, type Database } from '@muse/db';
import { jobEventsStreamKey, type Logger, type Redis } from '@muse/platform';
import type { GatewayConfig } from '../config.js';
import { CONFIG, DATABASE, LOGGER, REDIS } from '../core/tokens.js';

const BATCH = 200;
/** How often a replica looks for new notifications (one probe of a partial index of unannounced rows). */
export const NOTIFICATION_POLL_MS = 250;
/** The event stream is trimmed to about this many entries, as the job events publisher does. */
const STREAM_LENGTH = 100_000;

/**
 * Announces new notifications on the user's event stream (`event: notification` on /v1/stream).
 * Notifications are written by workers inside their completion transactions (and by triggers); the
 * table is its own outbox: a row with streamed_at null has not been announced. Each round locks a
 * batch (SKIP LOCKED, so replicas share the work), appends it to the Redis stream and stamps it in
 * the same transaction. Redis down: the rows wait. A crash between XADD and commit announces a row
 * again (at least once; the notification id tells a client it has seen it). Nothing is lost.
 */
@Injectable()
export class NotificationStreamPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly key: string;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    @Inject(CONFIG) config: GatewayConfig,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly notifications: NotificationsRepository,
  ) {
    this.key = jobEventsStreamKey(config.QUEUE_PREFIX);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), NOTIFICATION_POLL_MS);
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = this.drain();
    try {
      await this.running;
    } catch (error) {
      this.logger.warn({ err: error }, 'notification stream round failed; will retry');
    } finally {
      this.running = undefined;
    }
  }

  /** Announces every unannounced notification; returns how many. Exposed for tests. */
  async drain(): Promise<number> {
    // The usual answer is "nothing new": one indexed probe instead of a locking transaction.
    if (!(await this.notifications.hasUnstreamed(this.db))) return 0;
    let total = 0;
    for (;;) {
      const n = await this.db.transaction().execute(async (trx) => {
        const rows = await this.notifications.lockUnstreamed(trx, BATCH);
        if (rows.length === 0) return 0;
        // Waiting for a reconnect would hold the row locks; fail the round instead, the rows stay.
        if (this.redis.status !== 'ready') throw new Error(`redis is not connected (${this.redis.status})`);
        const pipeline = this.redis.pipeline();
        for (const { user_id, ...n } of rows) {
          const event = NotificationEvent.parse({ user_id, notification: { ...n, created_at: n.created_at.toISOString(), updated_at: n.updated_at.toISOString() } });
          pipeline.xadd(this.key, 'MAXLEN', '~', String(STREAM_LENGTH), '*', 'notification', JSON.stringify(event));
        }
        const results = (await pipeline.exec()) ?? [];
        const failed = results.find(([err]) => err);
        if (failed) throw failed[0]!;
        await this.notifications.markStreamed(trx, rows.map((r) => r.id));
        return rows.length;
      });
      total += n;
      if (n < BATCH) return total;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}

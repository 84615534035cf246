import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { JobEvent, NotificationEvent } from '@muse/contracts';
import { DEAD_SOCKET_TIMEOUT_MS, duplicateRedis, jobEventsStreamKey, type Logger, type Redis } from '@muse/platform';
import type { GatewayConfig } from '../config.js';
import { CONFIG, LOGGER, REDIS } from '../core/tokens.js';

export interface StreamEvent {
  id: string;
  /** A job change (`event: job`) or a new notification (`event: notification`). */
  event: JobEvent | NotificationEvent;
}

type Listener = (e: StreamEvent) => void;

const REPLAY_LIMIT = 1000;

const parse = (fields: string[]): JobEvent | NotificationEvent | undefined => {
  const i = fields.indexOf('event');
  const parsed = i >= 0 ? JobEvent.safeParse(JSON.parse(fields[i + 1] ?? 'null')) : undefined;
  if (parsed?.success) return parsed.data;
  // Notifications share the stream under a field of their own (social/notification-stream.publisher.ts).
  const n = fields.indexOf('notification');
  const notification = n >= 0 ? NotificationEvent.safeParse(JSON.parse(fields[n + 1] ?? 'null')) : undefined;
  return notification?.success ? notification.data : undefined;
};

/**
 * One reader per gateway follows the job-events stream and fans events out to the connected
 * clients of each user; a reconnecting client replays from its Last-Event-ID.
 */
@Injectable()
export class JobStreamService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly closers = new Set<() => void>();
  private readonly key: string;
  private reader?: Redis;
  private stopped = false;

  constructor(@Inject(CONFIG) config: GatewayConfig, @Inject(REDIS) private readonly redis: Redis, @Inject(LOGGER) private readonly logger: Logger) {
    this.key = jobEventsStreamKey(config.QUEUE_PREFIX);
  }

  onApplicationBootstrap(): void {
    // Blocking reads need a connection of their own, one that waits for Redis rather than failing fast
    // (and with the consumers' dead-socket timeout, not the fail-fast one a 5-second XREAD BLOCK would trip).
    this.reader = duplicateRedis(this.redis, { enableOfflineQueue: true, maxRetriesPerRequest: null, socketTimeout: DEAD_SOCKET_TIMEOUT_MS });
    this.reader.on('error', () => undefined);
    void this.follow();
  }

  private async follow(): Promise<void> {
    let last = '$';
    while (!this.stopped) {
      try {
        const res = (await this.reader!.xread('COUNT', 500, 'BLOCK', 5000, 'STREAMS', this.key, last)) as [string, [string, string[]][]][] | null;
        for (const [, entries] of res ?? []) {
          for (const [id, fields] of entries) {
            last = id;
            const event = parse(fields);
            if (event) this.listeners.get(event.user_id)?.forEach((l) => l({ id, event }));
          }
        }
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn({ err: error }, 'job event stream read failed; retrying');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** Live events of one user from now on; returns the unsubscribe function. */
  subscribe(userId: string, listener: Listener): () => void {
    const set = this.listeners.get(userId) ?? new Set();
    set.add(listener);
    this.listeners.set(userId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(userId);
    };
  }

  /** The user's events after a given stream id (bounded), for Last-Event-ID resumption. */
  async replay(userId: string, afterId: string): Promise<StreamEvent[]> {
    const entries = (await this.redis.xrange(this.key, `(${afterId}`, '+', 'COUNT', REPLAY_LIMIT)) as [string, string[]][];
    return entries.flatMap(([id, fields]) => {
      const event = parse(fields);
      return event && event.user_id === userId ? [{ id, event }] : [];
    });
  }

  /**
   * Registers how to end one open stream when this gateway shuts down; returns the unregister function.
   * An SSE response never ends on its own, so the HTTP server could not close while one is open: on
   * SIGTERM (rolling restart, scale-in) every stream is ended and its client resumes on another replica
   * with Last-Event-ID, missing nothing.
   */
  onShutdown(close: () => void): () => void {
    this.closers.add(close);
    return () => this.closers.delete(close);
  }

  beforeApplicationShutdown(): void {
    for (const close of [...this.closers]) close();
    this.closers.clear();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.reader?.disconnect();
  }
}

import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { Provider } from '@nestjs/common';
import { Queue } from 'bullmq';
import {
  AnalyticsEventInput,
  MAX_EVENT_AGE_MS,
  MAX_EVENT_SKEW_MS,
  MAX_EVENTS_PER_BATCH,
  type AnalyticsBatchMessage,
  type AnalyticsRow,
  Queue as QueueNames,
} from '@muse/contracts';
import type { BaseConfig } from './config.js';
import type { Redis } from './redis.js';
import { CONFIG, REDIS } from './tokens.js';
import { currentCorrelationId, newCorrelationId } from './context.js';

/** Who sent the events, as the gateway (or a platform service) knows it — never from the body. */
export interface AnalyticsSource {
  userId: string | null;
  userAgent?: string | null;
  ip?: string | null;
}

const CATEGORY: Partial<Record<AnalyticsEventInput['event_type'], AnalyticsRow['event_category']>> = {
  track_play: 'audio', track_download: 'audio', track_share: 'audio', track_like: 'audio',
  generation_started: 'ai', generation_completed: 'ai', generation_failed: 'ai',
  page_view: 'navigation', button_click: 'navigation', export_completed: 'export',
};

const cleanIp = (ip: string | null | undefined): string | null => {
  const value = ip?.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  return value && isIP(value) ? value : null;
};

/**
 * A validated event as the row analytics-ingest writes. The id and timestamp are fixed here, once:
 * every later delivery of the same batch carries the same (id, created_at) key. Returns the reason
 * when the event's own time is out of range.
 */
export function analyticsRow(event: AnalyticsEventInput, source: AnalyticsSource, now = Date.now()): AnalyticsRow | { error: { path: string; message: string } } {
  const { id, occurred_at, session_id, event_category, page_url, referrer, properties, event_type, track_id, ...specific } = event;
  let createdAt = new Date(now);
  if (occurred_at) {
    createdAt = new Date(occurred_at);
    if (createdAt.getTime() > now + MAX_EVENT_SKEW_MS) return { error: { path: 'occurred_at', message: 'is in the future' } };
    if (createdAt.getTime() < now - MAX_EVENT_AGE_MS) return { error: { path: 'occurred_at', message: 'is older than 7 days' } };
  }
  const name = 'name' in specific ? specific.name : undefined;
  return {
    id: id ?? randomUUID(),
    user_id: source.userId,
    track_id: track_id ?? null,
    session_id: session_id ?? null,
    // Custom events live under their own namespace, so they can never pose as a validated type.
    event_type: event_type === 'custom' ? `custom.${name}` : event_type,
    event_category: event_category ?? CATEGORY[event_type] ?? null,
    event_data: specific,
    event_properties: properties ?? {},
    page_url: page_url ?? null,
    referrer: referrer ?? null,
    user_agent: source.userAgent?.slice(0, 1024) || null,
    ip_address: cleanIp(source.ip),
    created_at: createdAt.toISOString(),
  };
}

/** Queue options of an accepted batch: retried for a long while, since the events are already acknowledged. */
export const ANALYTICS_JOB_OPTIONS = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** Hands rows to analytics-ingest: one queue job per ≤ 500 rows, the batch id doubling as the BullMQ job id. */
export async function enqueueAnalytics(queue: Queue, rows: AnalyticsRow[], batchId: string = randomUUID()): Promise<string[]> {
  const correlationId = currentCorrelationId() ?? newCorrelationId();
  const jobs: Array<{ name: string; data: AnalyticsBatchMessage; opts: typeof ANALYTICS_JOB_OPTIONS & { jobId: string } }> = [];
  for (let i = 0; i < rows.length; i += MAX_EVENTS_PER_BATCH) {
    const jobId = i === 0 ? batchId : randomUUID();
    jobs.push({ name: 'analytics.ingest', data: { jobId, correlationId, events: rows.slice(i, i + MAX_EVENTS_PER_BATCH) }, opts: { ...ANALYTICS_JOB_OPTIONS, jobId } });
  }
  if (jobs.length) await queue.addBulk(jobs);
  return jobs.map((j) => j.opts.jobId);
}

/**
 * The producer for platform events (generation started/completed/failed, downloads, likes) from any
 * service: the same validation and the same path into analytics_events as client events.
 * A bad event is a bug in the caller, so it throws.
 */
export class AnalyticsEmitter {
  constructor(private readonly queue: Queue) {}

  async emit(userId: string | null, events: AnalyticsEventInput[]): Promise<void> {
    const rows = events.map((e) => {
      const row = analyticsRow(AnalyticsEventInput.parse(e), { userId });
      if ('error' in row) throw new Error(`analytics event ${e.event_type}: ${row.error.path} ${row.error.message}`);
      return row;
    });
    await enqueueAnalytics(this.queue, rows);
  }
}

/** The Nest provider of the emitter, the same in every service that reports platform events. */
export const analyticsEmitterProvider: Provider = {
  provide: AnalyticsEmitter,
  useFactory: (redis: Redis, config: BaseConfig) => new AnalyticsEmitter(new Queue(QueueNames.Analytics, { connection: redis, prefix: config.QUEUE_PREFIX })),
  inject: [REDIS, CONFIG],
};

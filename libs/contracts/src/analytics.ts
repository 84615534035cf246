import { z } from 'zod';

/**
 * Analytics events of both designs (Albert3 and Studio Nexus end their lists with "etc.", so the
 * open-ended `custom` type carries anything else under a namespaced name).
 */
export const ANALYTICS_EVENT_TYPES = [
  'track_play', 'track_download', 'track_share', 'track_like',
  'generation_started', 'generation_completed', 'generation_failed',
  'page_view', 'button_click', 'feature_used', 'export_completed', 'custom',
] as const;
export type AnalyticsEventType = (typeof ANALYTICS_EVENT_TYPES)[number];
export const ANALYTICS_CATEGORIES = ['navigation', 'audio', 'ai', 'export'] as const;

export const MAX_EVENTS_PER_BATCH = 500;
/** Serialized properties of one event; larger blobs do not belong in analytics. */
export const MAX_EVENT_PROPERTIES_BYTES = 8_192;
/** How far in the past a client's own clock may place an event (older ones are refused, not back-filled). */
export const MAX_EVENT_AGE_MS = 7 * 24 * 3600 * 1000;
/** Clock skew tolerated for events stamped in the future. */
export const MAX_EVENT_SKEW_MS = 5 * 60 * 1000;

const properties = z
  .record(z.string().max(100), z.unknown())
  .refine((p) => JSON.stringify(p).length <= MAX_EVENT_PROPERTIES_BYTES, `properties must serialize to at most ${MAX_EVENT_PROPERTIES_BYTES} bytes`);
const url = z.string().max(2048).refine((v) => URL.canParse(v), 'must be an absolute URL');
const name = z.string().trim().min(1).max(100);

const common = {
  /** Client-chosen id: with occurred_at it identifies the event, so a resent batch is stored once. */
  id: z.uuid().optional(),
  occurred_at: z.iso.datetime({ offset: true }).optional(),
  session_id: z.string().min(1).max(200).optional(),
  event_category: z.enum(ANALYTICS_CATEGORIES).optional(),
  page_url: url.optional(),
  referrer: url.optional(),
  properties: properties.optional(),
};

const trackEvent = <T extends string>(type: T) => z.strictObject({ ...common, event_type: z.literal(type), track_id: z.uuid() });
const generationEvent = <T extends string>(type: T) =>
  z.strictObject({ ...common, event_type: z.literal(type), track_id: z.uuid(), job_id: z.uuid().optional() });

/** One event as a client (or a platform service) sends it; each type names what it must carry. */
export const AnalyticsEventInput = z
  .discriminatedUnion('event_type', [
    trackEvent('track_play').extend({ position_seconds: z.number().min(0).max(86_400).optional() }),
    trackEvent('track_download'),
    trackEvent('track_share').extend({ channel: z.string().trim().min(1).max(50).optional() }),
    trackEvent('track_like'),
    generationEvent('generation_started'),
    generationEvent('generation_completed').extend({ duration_ms: z.number().int().min(0).max(86_400_000).optional() }),
    generationEvent('generation_failed').extend({ error_code: z.string().max(100).optional() }),
    z.strictObject({ ...common, event_type: z.literal('page_view'), page_url: url, track_id: z.uuid().optional() }),
    z.strictObject({ ...common, event_type: z.literal('button_click'), button: name, track_id: z.uuid().optional() }),
    z.strictObject({ ...common, event_type: z.literal('feature_used'), feature: name, track_id: z.uuid().optional() }),
    z.strictObject({ ...common, event_type: z.literal('export_completed'), format: z.string().trim().min(1).max(20), track_id: z.uuid().optional() }),
    z.strictObject({ ...common, event_type: z.literal('custom'), name: z.string().regex(/^[a-z][a-z0-9_.]{0,63}$/, 'lower-case letters, digits, _ and .'), track_id: z.uuid().optional() }),
  ])
  .refine((e) => e.id === undefined || e.occurred_at !== undefined, { path: ['occurred_at'], message: 'required with id: the pair identifies the event' });
export type AnalyticsEventInput = z.infer<typeof AnalyticsEventInput>;

/**
 * The request body: the envelope is strict, each event is checked on its own so one bad event does
 * not cost the rest of the batch.
 */
export const AnalyticsBatchBody = z.strictObject({
  events: z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_BATCH),
});

/** An event as handed to analytics-ingest: every column decided, ready to insert. */
export const AnalyticsRow = z.object({
  id: z.uuid(),
  user_id: z.uuid().nullable(),
  track_id: z.uuid().nullable(),
  session_id: z.string().max(200).nullable(),
  event_type: z.string().min(1).max(100),
  event_category: z.enum(ANALYTICS_CATEGORIES).nullable(),
  event_data: z.record(z.string(), z.unknown()),
  event_properties: z.record(z.string(), z.unknown()),
  page_url: z.string().max(2048).nullable(),
  referrer: z.string().max(2048).nullable(),
  user_agent: z.string().max(1024).nullable(),
  ip_address: z.union([z.ipv4(), z.ipv6()]).nullable(),
  created_at: z.iso.datetime({ offset: true }),
});
export type AnalyticsRow = z.infer<typeof AnalyticsRow>;

/** Queue message of `analytics.ingest`: one accepted batch (jobId is the batch id, also the BullMQ job id). */
export const AnalyticsBatchMessage = z.object({
  jobId: z.uuid(),
  correlationId: z.string().min(1).max(200),
  events: z.array(AnalyticsRow).min(1).max(MAX_EVENTS_PER_BATCH),
});
export type AnalyticsBatchMessage = z.infer<typeof AnalyticsBatchMessage>;

export const AnalyticsReportName = z.enum(['generations-daily', 'top-genres', 'archive-statistics']);
export const GenerationsDailyQuery = z.strictObject({ days: z.coerce.number().int().min(1).max(366).default(30) });
export const TopGenresQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(10) });

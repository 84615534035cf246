import { z } from 'zod';
import { Queue, type QueueName } from './queues.js';
import { AnalyticsBatchMessage } from './analytics.js';
import { ArchiveTrackMessage, PurgeTrackObjectsMessage, SystemJobMessage } from './archiving.js';
import { WebhookDeliverMessage } from './webhooks.js';

export const JOB_KINDS = [
  'generation', 'lyrics', 'stems', 'wav', 'upscale', 'classification', 'description', 'recognition',
  'section_replacement', 'persona', 'transformation', 'archiving', 'effects',
] as const;
export const JobKind = z.enum(JOB_KINDS);
export type JobKind = z.infer<typeof JobKind>;

export const JOB_STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled'] as const;
export const JobStatus = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatus>;
export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
export const isTerminal = (status: JobStatus): boolean => TERMINAL_STATUSES.includes(status);

/** At most this many attempts per job in total (seed: track_retry_attempts). */
export const MAX_JOB_ATTEMPTS = 3;

/**
 * Every queue message carries only who and what; the worker reads the rest from the job row, so a
 * message can never claim to be someone else's work.
 */
export const JobMessage = z.object({
  jobId: z.uuid(),
  userId: z.uuid(),
  correlationId: z.string().min(1).max(200),
  /** W3C trace context of the submitting request (ops: tracing across the queue hop); optional. */
  traceparent: z.string().regex(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/).optional(),
});
export type JobMessage = z.infer<typeof JobMessage>;

/** Polling and callback continuations of a job already submitted to a provider. */
export const ProviderUpdateMessage = JobMessage.extend({
  source: z.enum(['poll', 'callback']),
  callbackLogId: z.uuid().optional(),
  /** How many polls came before this one: the backoff exponent of the next. */
  pollCount: z.number().int().min(0).max(10_000).optional(),
});
export type ProviderUpdateMessage = z.infer<typeof ProviderUpdateMessage>;

/** The one table of job names: which queue carries them and what their payload is. */
export const JOBS = {
  'generation.run': { queue: Queue.Generation, kind: 'generation', payload: JobMessage },
  // A submitted provider task: a poll tick or a verified callback; the job row says whose it is.
  'generation.provider-update': { queue: Queue.Generation, kind: null, payload: ProviderUpdateMessage },
  // Archiving jobs a person submits (restore, admin run); the jobs row payload says which (ArchivingRequest).
  'archiving.request': { queue: Queue.Archiving, kind: 'archiving', payload: JobMessage },
  // Studio work on the generation queue (issue 5): the jobs row's resource says which domain row.
  'wav.run': { queue: Queue.Generation, kind: 'wav', payload: JobMessage },
  'lyrics.run': { queue: Queue.Generation, kind: 'lyrics', payload: JobMessage },
  'upscale.run': { queue: Queue.Generation, kind: 'upscale', payload: JobMessage },
  'section_replacement.run': { queue: Queue.Generation, kind: 'section_replacement', payload: JobMessage },
  'persona.run': { queue: Queue.Generation, kind: 'persona', payload: JobMessage },
  'transformation.run': { queue: Queue.Generation, kind: 'transformation', payload: JobMessage },
  // An effects chain over a track version, landing as a new version of the track (issue 5).
  'effects.run': { queue: Queue.Generation, kind: 'effects', payload: JobMessage },
  // Platform housekeeping (kind null: no jobs row, fired by BullMQ job schedulers or the scan).
  'archiving.scan': { queue: Queue.Archiving, kind: null, payload: SystemJobMessage },
  'archiving.archive-track': { queue: Queue.Archiving, kind: null, payload: ArchiveTrackMessage },
  // A deleted track's stored objects, purged after the commit that deleted its rows (issue 14).
  'tracks.purge-objects': { queue: Queue.Archiving, kind: null, payload: PurgeTrackObjectsMessage },
  'limits.reset-daily': { queue: Queue.Archiving, kind: null, payload: SystemJobMessage },
  'analytics.ensure-partitions': { queue: Queue.Archiving, kind: null, payload: SystemJobMessage },
  'analytics.ingest': { queue: Queue.Analytics, kind: null, payload: AnalyticsBatchMessage },
  // Audio intelligence (issue 6): CPU-heavy listening work, all on the stems queue.
  'stems.separate': { queue: Queue.Stems, kind: 'stems', payload: JobMessage },
  'classification.run': { queue: Queue.Stems, kind: 'classification', payload: JobMessage },
  'description.run': { queue: Queue.Stems, kind: 'description', payload: JobMessage },
  'recognition.run': { queue: Queue.Stems, kind: 'recognition', payload: JobMessage },
  // Provider-task continuations (poll ticks and verified callbacks) of the other kinds, on their kind's queue.
  'stems.provider-update': { queue: Queue.Stems, kind: null, payload: ProviderUpdateMessage },
  'classification.provider-update': { queue: Queue.Stems, kind: null, payload: ProviderUpdateMessage },
  'description.provider-update': { queue: Queue.Stems, kind: null, payload: ProviderUpdateMessage },
  'recognition.provider-update': { queue: Queue.Stems, kind: null, payload: ProviderUpdateMessage },
  'wav.provider-update': { queue: Queue.Generation, kind: null, payload: ProviderUpdateMessage },
  'lyrics.provider-update': { queue: Queue.Generation, kind: null, payload: ProviderUpdateMessage },
  'upscale.provider-update': { queue: Queue.Generation, kind: null, payload: ProviderUpdateMessage },
  'section_replacement.provider-update': { queue: Queue.Generation, kind: null, payload: ProviderUpdateMessage },
  'persona.provider-update': { queue: Queue.Generation, kind: null, payload: ProviderUpdateMessage },
  'transformation.provider-update': { queue: Queue.Generation, kind: null, payload: ProviderUpdateMessage },
  // Outbound webhooks (issue 14): one delivery of a job's status change to its callback_url.
  'webhook.deliver': { queue: Queue.Webhooks, kind: null, payload: WebhookDeliverMessage },
} as const satisfies Record<string, { queue: QueueName; kind: JobKind | null; payload: z.ZodType }>;
export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>;

export const JobNameForKind: Partial<Record<JobKind, JobName>> = {
  generation: 'generation.run',
  archiving: 'archiving.request',
  stems: 'stems.separate',
  classification: 'classification.run',
  description: 'description.run',
  recognition: 'recognition.run',
  wav: 'wav.run',
  lyrics: 'lyrics.run',
  upscale: 'upscale.run',
  section_replacement: 'section_replacement.run',
  persona: 'persona.run',
  transformation: 'transformation.run',
  effects: 'effects.run',
};

/** The continuation job (poll tick or callback) of each job name that can wait on a provider task. */
export const PROVIDER_UPDATE_JOBS: Partial<Record<JobName, JobName>> = {
  'generation.run': 'generation.provider-update',
  'stems.separate': 'stems.provider-update',
  'classification.run': 'classification.provider-update',
  'description.run': 'description.provider-update',
  'recognition.run': 'recognition.provider-update',
  'wav.run': 'wav.provider-update',
  'lyrics.run': 'lyrics.provider-update',
  'upscale.run': 'upscale.provider-update',
  'section_replacement.run': 'section_replacement.provider-update',
  'persona.run': 'persona.provider-update',
  'transformation.run': 'transformation.provider-update',
};

export function parseJobPayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return JOBS[name].payload.parse(data) as JobPayload<N>;
}

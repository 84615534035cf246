import { z } from 'zod';
import { Queue, type QueueName } from './queues.js';

export const JOB_KINDS = [
  'generation', 'lyrics', 'stems', 'wav', 'upscale', 'classification', 'description', 'recognition',
  'section_replacement', 'persona', 'transformation', 'archiving',
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
});
export type JobMessage = z.infer<typeof JobMessage>;

/** Polling and callback continuations of a job already submitted to a provider. */
export const ProviderUpdateMessage = JobMessage.extend({
  source: z.enum(['poll', 'callback']),
  callbackLogId: z.uuid().optional(),
});
export type ProviderUpdateMessage = z.infer<typeof ProviderUpdateMessage>;

/** The one table of job names: which queue carries them and what their payload is. */
export const JOBS = {
  'generation.run': { queue: Queue.Generation, kind: 'generation', payload: JobMessage },
} as const satisfies Record<string, { queue: QueueName; kind: JobKind; payload: z.ZodType }>;
export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>;

export const JobNameForKind: Partial<Record<JobKind, JobName>> = {
  generation: 'generation.run',
};

export function parseJobPayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return JOBS[name].payload.parse(data) as JobPayload<N>;
}

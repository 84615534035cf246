import { z } from 'zod';
import { JobKind, JobStatus } from './jobs.js';

/** Published on every status or progress change of a job; the gateway relays it to SSE clients. */
export const JobEvent = z.object({
  job_id: z.uuid(),
  user_id: z.uuid(),
  kind: JobKind,
  status: JobStatus,
  progress: z.number().int().min(0).max(100),
  at: z.string(),
});
export type JobEvent = z.infer<typeof JobEvent>;

export const JOB_EVENTS_CHANNEL = '{muse}:job-events';

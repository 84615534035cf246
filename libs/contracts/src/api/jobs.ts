import { z } from 'zod';
import { JobKind, JobStatus } from '../jobs.js';

export const JobResource = z.object({
  id: z.uuid(),
  kind: JobKind,
  status: JobStatus,
  progress: z.number().int().min(0).max(100),
  resource: z.object({ type: z.string(), id: z.uuid() }).nullable(),
  provider: z.string().nullable(),
  attempts: z.number().int(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  completed_at: z.string().nullable(),
});
export type JobResource = z.infer<typeof JobResource>;

export const Pagination = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const ListJobsQuery = Pagination.extend({
  kind: JobKind.optional(),
  status: JobStatus.optional(),
});
export type ListJobsQuery = z.infer<typeof ListJobsQuery>;

export const IdParam = z.uuid();

export const IdempotencyKey = z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

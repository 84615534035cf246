import type { JobResource } from '@muse/contracts';
import type { Job } from '@muse/db';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function presentJob(job: Job): JobResource {
  return {
    id: job.id,
    kind: job.kind as JobResource['kind'],
    status: job.status,
    progress: job.progress,
    resource: job.resource_type && job.resource_id ? { type: job.resource_type, id: job.resource_id } : null,
    provider: job.provider,
    attempts: job.attempts,
    error: (job.error as JobResource['error']) ?? null,
    result: job.result ?? null,
    created_at: job.created_at.toISOString(),
    updated_at: job.updated_at.toISOString(),
    completed_at: iso(job.completed_at),
  };
}

/** Rows become resources under their own column names; only timestamps change form. */
export function presentRow<T extends object>(row: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}

import { z } from 'zod';

/**
 * Messages of the platform's own scheduled work (no user, no jobs row): the scheduler stamps them,
 * jobId names the run for the logs.
 */
export const SystemJobMessage = z.object({
  jobId: z.string().min(1).max(200),
  correlationId: z.string().min(1).max(200),
});
export type SystemJobMessage = z.infer<typeof SystemJobMessage>;

/** Archives one track: jobId is the track_archiving_jobs row (and the BullMQ job id, so a second enqueue is a no-op). */
export const ArchiveTrackMessage = z.object({
  jobId: z.uuid(),
  trackId: z.uuid(),
  correlationId: z.string().min(1).max(200),
});
export type ArchiveTrackMessage = z.infer<typeof ArchiveTrackMessage>;

/** The job row payload of an `archiving` job submitted by a person: what to do. */
export const ArchivingRequest = z.discriminatedUnion('operation', [
  z.object({ operation: z.literal('run') }),
  z.object({ operation: z.literal('restore'), track_id: z.uuid() }),
]);
export type ArchivingRequest = z.infer<typeof ArchivingRequest>;

/** How long a presigned link to an archived file stays valid. */
export const ARCHIVE_LINK_SECONDS = 300;

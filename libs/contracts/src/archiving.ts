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

/**
 * Deletes every stored object of a deleted track (written by `delete_track()` in the transaction that
 * deleted its rows; BullMQ job id `purge-{trackId}`). Each entry is a key prefix in one bucket; the
 * archiver deletes whatever is under it, so a retry after a partial run finishes the rest.
 */
export const PurgeTrackObjectsMessage = z.object({
  trackId: z.uuid(),
  userId: z.uuid(),
  correlationId: z.string().min(1).max(200),
  objects: z
    .array(z.object({ bucket: z.enum(['tracks', 'tracks-archive', 'stems']), prefix: z.string().regex(/^[0-9a-f-]{36}\/([0-9a-f-]{36}\/)?$/) }))
    .min(1)
    .max(10),
  /** Single objects outside those prefixes: spectrogram images of the track's classifications and descriptions. */
  keys: z
    .array(z.object({ bucket: z.literal('covers'), key: z.string().regex(/^spectrograms\/(classifications|descriptions)\/[0-9a-f-]{36}\.jpg$/) }))
    .max(10_000)
    .default([]),
});
export type PurgeTrackObjectsMessage = z.infer<typeof PurgeTrackObjectsMessage>;

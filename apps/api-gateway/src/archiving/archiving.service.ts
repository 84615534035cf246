import { Inject, Injectable } from '@nestjs/common';
import { ARCHIVE_LINK_SECONDS } from '@muse/contracts';
import { ArchivingRepository, asUser, Bucket, TracksRepository, UsersRepository, type Database, type Identity, type RunMetadata } from '@muse/db';
import type { StorageService } from '@muse/storage';
import { notFound, Problem } from '../common/problem.js';
import { DATABASE, STORAGE } from '../core/tokens.js';
import { JobSubmissionService, type SubmissionResult } from '../jobs/job-submission.service.js';

const LOCATOR = `s3://${Bucket.TracksArchive}/`;

/** Archiving from the API: the admin's "run now", restores, and the owner's links to archived files. */
@Injectable()
export class ArchivingApiService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    private readonly submissions: JobSubmissionService,
    private readonly tracks: TracksRepository,
    private readonly runs: ArchivingRepository,
    private readonly users: UsersRepository,
  ) {}

  /** Admin: the scan and every due archive, now, as a job. */
  run(identity: Identity, idempotencyKey: string | undefined): Promise<SubmissionResult> {
    return this.submissions.submit(identity, {
      kind: 'archiving',
      method: 'POST',
      path: '/v1/admin/archiving/run',
      body: {},
      idempotencyKey,
      provider: null,
      payload: { operation: 'run' },
      createResource: async (_trx, jobId) => ({ type: 'archiving_run', id: jobId }),
    });
  }

  /** Owner or admin: bring an archived track back into the public bucket. */
  async restore(identity: Identity, trackId: string, idempotencyKey: string | undefined): Promise<SubmissionResult> {
    const isAdmin = (await this.users.roles(this.db, identity.userId)).includes('admin');
    return this.submissions.submit(identity, {
      kind: 'archiving',
      method: 'POST',
      path: `/v1/tracks/${trackId}/restore`,
      body: {},
      idempotencyKey,
      provider: null,
      payload: { operation: 'restore', track_id: trackId },
      createResource: async (trx) => {
        const track = await this.tracks.findById(trx, trackId);
        // Someone else's public track is visible, but not theirs to restore: the same 404 as invisible ones.
        if (!track || (track.user_id !== identity.userId && !isAdmin)) throw notFound('track');
        if (!track.archived_at) throw new Problem(409, 'not-archived', 'the track is not archived');
        return { type: 'track', id: track.id };
      },
    });
  }

  /**
   * Owner only: short-lived presigned links to the archived files (the archive bucket is private;
   * nobody else, admins included, gets a link).
   */
  async links(identity: Identity, trackId: string) {
    const { track, run } = await asUser(this.db, identity, async (trx) => {
      const track = await this.tracks.findById(trx, trackId);
      return { track, run: track ? await this.runs.lastCompletedRun(trx, trackId) : undefined };
    });
    if (!track || track.user_id !== identity.userId) throw notFound('track');
    if (!track.archived_at) throw new Problem(409, 'not-archived', 'the track is not archived; its files are at audio_url and cover_url');
    const link = (locator: string | null) => (locator?.startsWith(LOCATOR) ? this.storage.presignGet(Bucket.TracksArchive, locator.slice(LOCATOR.length), ARCHIVE_LINK_SECONDS) : null);
    const prefix = `${track.user_id}/${track.id}/`;
    const files = await Promise.all(
      ((run?.metadata as RunMetadata | undefined)?.files ?? []).map(async (f) => ({
        path: f.key.slice(prefix.length),
        size: f.size ?? null,
        url: await this.storage.presignGet(Bucket.TracksArchive, f.key, ARCHIVE_LINK_SECONDS),
      })),
    );
    return {
      track_id: track.id,
      archived_at: track.archived_at.toISOString(),
      expires_in: ARCHIVE_LINK_SECONDS,
      audio_url: await link(track.storage_audio_url),
      cover_url: await link(track.storage_cover_url),
      video_url: await link(track.storage_video_url),
      files,
    };
  }
}

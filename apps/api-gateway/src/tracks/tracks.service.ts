import { Inject, Injectable } from '@nestjs/common';
import { asUser, Bucket, TrackCatalogRepository, TracksRepository, type BucketName, type Database, type Identity, type Track, type UserTransaction } from '@muse/db';
import type { Redis } from '@muse/platform';
import type { StorageService } from '@muse/storage';
import type { GatewayConfig } from '../config.js';
import { decodeCursor } from '../common/keyset-cursor.js';
import { notFound, Problem } from '../common/problem.js';
import { CONFIG, DATABASE, REDIS, STORAGE } from '../core/tokens.js';
import { presentPage, presentRow } from '../jobs/job.presenter.js';
import { OutboxRelayService } from '../outbox/outbox-relay.service.js';
import { storedObjectOf } from '../projects/project-exports.service.js';
import type { ListTracksQuery, UpdateTrackBody } from './tracks.schemas.js';

/** A play by the same user of the same track within this many seconds counts once. */
export const PLAY_DEBOUNCE_SECONDS = 30;
/** How long a download link works. */
export const DOWNLOAD_LINK_SECONDS = 300;

const ARCHIVE_LOCATOR = `s3://${Bucket.TracksArchive}/`;

/** Postgres errors of the track functions, as problems: unknown or not yours → 404, busy → 409. */
function dbProblem(error: unknown, what: string): never {
  const code = (error as { code?: string }).code;
  // 23503: the row went away between the read and the write (deleted concurrently).
  if (code === 'P0002' || code === '42501' || code === '23503') throw notFound(what);
  if (code === '55006') throw new Problem(409, 'track-busy', 'the track has a job still pending or processing; cancel it (POST /v1/jobs/{id}/cancel) or wait for it to finish, then delete');
  throw error;
}

/**
 * Tracks as a product (issue 14): every read and write runs as the caller, so RLS decides what they see
 * (own tracks and public ones) and change (own tracks, descriptive columns only).
 */
@Injectable()
export class TracksService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    private readonly tracks: TracksRepository,
    private readonly catalog: TrackCatalogRepository,
    private readonly relay: OutboxRelayService,
  ) {}

  async list(identity: Identity, q: ListTracksQuery) {
    const rows = await asUser(this.db, identity, (trx) =>
      this.catalog.list(trx, {
        publicOnly: q.public === true,
        userId: identity.userId,
        status: q.status,
        genre: q.genre,
        projectId: q.project_id,
        q: q.q,
        limit: q.limit + 1,
        after: decodeCursor(q.cursor),
      }),
    );
    return presentPage(rows, q.limit);
  }

  /** Row-level security decides visibility: own tracks and public ones; anything else is simply not found. */
  async get(identity: Identity, id: string) {
    const track = await asUser(this.db, identity, (trx) => this.tracks.findById(trx, id));
    if (!track) throw notFound('track');
    return presentRow(track);
  }

  async versions(identity: Identity, id: string) {
    return asUser(this.db, identity, async (trx) => {
      if (!(await this.tracks.findById(trx, id))) throw notFound('track');
      const rows = await this.tracks.listVersions(trx, id);
      return { data: rows.map(presentRow), next_cursor: null };
    });
  }

  /** Only the owner (or a moderator) changes a track; someone else's track reads as missing. */
  async update(identity: Identity, id: string, body: UpdateTrackBody) {
    const row = await asUser(this.db, identity, async (trx) => {
      const track = await this.tracks.findById(trx, id);
      if (!track || track.user_id !== identity.userId) return undefined;
      return this.catalog.update(trx, id, body);
    });
    if (!row) throw notFound('track');
    return presentRow(row);
  }

  /**
   * Deletes the track with its versions, stems, likes and work records in one transaction, which also
   * writes the outbox row of the job that then deletes every stored object (tracks, archive, stems).
   */
  async remove(identity: Identity, id: string): Promise<void> {
    const deleted = await asUser(this.db, identity, (trx) => this.catalog.delete(trx, id)).catch((e) => dbProblem(e, 'track'));
    if (!deleted) throw notFound('track');
    this.relay.kick(); // committed: purge the objects now rather than at the next poll
  }

  async setMaster(identity: Identity, trackId: string, versionId: string) {
    const track = await asUser(this.db, identity, async (trx) => {
      const track = await this.ownTrack(trx, identity, trackId);
      const version = await this.catalog.findVersion(trx, versionId);
      if (!version || version.parent_track_id !== trackId) throw notFound('version');
      if (track.archived_at) throw new Problem(409, 'track-archived', 'the track is archived; restore it (POST /v1/tracks/{id}/restore) before choosing another master');
      await this.catalog.setMaster(trx, trackId, versionId).catch((e) => dbProblem(e, 'track'));
      return this.tracks.findById(trx, trackId);
    });
    return presentRow(track!);
  }

  async likeTrack(identity: Identity, trackId: string, liked: boolean) {
    return asUser(this.db, identity, async (trx) => {
      if (!(await this.tracks.findById(trx, trackId))) throw notFound('track');
      await this.catalog.likeTrack(trx, identity.userId, trackId, liked).catch((e) => dbProblem(e, 'track'));
      const track = await this.tracks.findById(trx, trackId);
      return { track_id: trackId, liked, like_count: track!.like_count };
    });
  }

  async likeVersion(identity: Identity, versionId: string, liked: boolean) {
    return asUser(this.db, identity, async (trx) => {
      // A version is visible exactly when its track is (RLS on track_versions asks tracks).
      if (!(await this.catalog.findVersion(trx, versionId))) throw notFound('version');
      await this.catalog.likeVersion(trx, identity.userId, versionId, liked).catch((e) => dbProblem(e, 'version'));
      const version = await this.catalog.findVersion(trx, versionId);
      return { version_id: versionId, track_id: version!.parent_track_id, liked, like_count: version!.like_count };
    });
  }

  /**
   * Counts a play, at most once per user and track within PLAY_DEBOUNCE_SECONDS: a Redis SET NX with
   * that TTL claims the window; if the count then fails, the claim is released so a retry counts.
   */
  async play(identity: Identity, trackId: string) {
    return asUser(this.db, identity, async (trx) => {
      const track = await this.tracks.findById(trx, trackId);
      if (!track) throw notFound('track');
      if (track.status !== 'completed') throw new Problem(409, 'track-not-ready', `the track is ${track.status}; only a completed track can be played`);
      const key = `${this.config.QUEUE_PREFIX}:play:${identity.userId}:${trackId}`;
      let claimed: boolean;
      try {
        claimed = (await this.redis.set(key, '1', 'EX', PLAY_DEBOUNCE_SECONDS, 'NX')) === 'OK';
      } catch {
        throw new Problem(503, 'unavailable', 'plays cannot be counted right now; try again shortly', undefined, { 'Retry-After': '5' });
      }
      if (!claimed) return { track_id: trackId, counted: false, play_count: track.play_count };
      try {
        return { track_id: trackId, counted: true, play_count: await this.catalog.incrementPlays(trx, trackId) };
      } catch (error) {
        await this.redis.del(key).catch(() => undefined);
        throw error;
      }
    });
  }

  /**
   * A short-lived presigned link to the master audio; an archived track's link points into the
   * private archive bucket. Counted in download_count in the same transaction that reads the track.
   */
  async download(identity: Identity, trackId: string) {
    const { object, count, archived } = await asUser(this.db, identity, async (trx) => {
      const track = await this.tracks.findById(trx, trackId);
      if (!track) throw notFound('track');
      const archived = !!track.archived_at && !!track.storage_audio_url?.startsWith(ARCHIVE_LOCATOR);
      const object: { bucket: BucketName; key: string } | undefined = archived
        ? { bucket: Bucket.TracksArchive, key: track.storage_audio_url!.slice(ARCHIVE_LOCATOR.length) }
        : track.status === 'completed' && track.audio_url
          ? storedObjectOf(this.storage, track.audio_url)
          : undefined;
      if (!object) {
        if (track.status !== 'completed') throw new Problem(409, 'track-not-ready', `the track is ${track.status}; only a completed track can be downloaded`);
        throw new Problem(409, 'not-downloadable', 'the track audio is not stored on this platform');
      }
      return { object, archived, count: await this.catalog.incrementDownloads(trx, trackId).catch((e) => dbProblem(e, 'track')) };
    });
    return {
      track_id: trackId,
      url: await this.storage.presignGet(object.bucket, object.key, DOWNLOAD_LINK_SECONDS),
      expires_in: DOWNLOAD_LINK_SECONDS,
      expires_at: new Date(Date.now() + DOWNLOAD_LINK_SECONDS * 1000).toISOString(),
      archived,
      download_count: count,
    };
  }

  private async ownTrack(trx: UserTransaction, identity: Identity, trackId: string): Promise<Track> {
    const track = await this.tracks.findById(trx, trackId);
    if (!track || track.user_id !== identity.userId) throw notFound('track');
    return track;
  }
}

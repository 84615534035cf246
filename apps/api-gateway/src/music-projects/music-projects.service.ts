import { Inject, Injectable } from '@nestjs/common';
import { asUser, MusicProjectsRepository, TracksRepository, type Database, type Identity, type UserTransaction } from '@muse/db';
import { decodeCursor } from '../common/keyset-cursor.js';
import { notFound, Problem } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import { presentPage, presentRow } from '../jobs/job.presenter.js';
import type { AddProjectTrackBody, CreateMusicProjectBody, ListMusicProjectsQuery, MoveProjectTrackBody, ReorderProjectTracksBody, UpdateMusicProjectBody } from './music-projects.schemas.js';

/**
 * Albums (the design's music_projects, not Studio Nexus projects) and their ordered tracks. Every
 * change of the order locks the album row first, so concurrent edits of one album are serialised and
 * positions stay 0..n-1 with no gaps and no duplicates.
 */
@Injectable()
export class MusicProjectsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly projects: MusicProjectsRepository,
    private readonly tracks: TracksRepository,
  ) {}

  async list(identity: Identity, q: ListMusicProjectsQuery) {
    const rows = await asUser(this.db, identity, (trx) => this.projects.list(trx, { userId: identity.userId, publicOnly: q.public === true, limit: q.limit + 1, after: decodeCursor(q.cursor) }));
    return presentPage(rows, q.limit);
  }

  async create(identity: Identity, body: CreateMusicProjectBody) {
    return presentRow(await asUser(this.db, identity, (trx) => this.projects.insert(trx, identity.userId, body)));
  }

  /** Own or public album, with the tracks the caller can see, in order. */
  async get(identity: Identity, id: string) {
    return asUser(this.db, identity, async (trx) => {
      const project = await this.projects.find(trx, id);
      if (!project) throw notFound('music project');
      return { ...presentRow(project), tracks: (await this.projects.tracks(trx, id)).map(presentRow) };
    });
  }

  async update(identity: Identity, id: string, body: UpdateMusicProjectBody) {
    const row = await asUser(this.db, identity, (trx) => this.projects.update(trx, id, identity.userId, body));
    if (!row) throw notFound('music project');
    return presentRow(row);
  }

  async remove(identity: Identity, id: string): Promise<void> {
    if (!(await asUser(this.db, identity, (trx) => this.projects.delete(trx, id, identity.userId)))) throw notFound('music project');
  }

  async listTracks(identity: Identity, id: string) {
    return asUser(this.db, identity, async (trx) => {
      if (!(await this.projects.find(trx, id))) throw notFound('music project');
      return { data: (await this.projects.tracks(trx, id)).map(presentRow), next_cursor: null };
    });
  }

  async addTrack(identity: Identity, id: string, body: AddProjectTrackBody) {
    return this.arrange(identity, id, async (trx, order) => {
      if (order.includes(body.track_id)) throw new Problem(409, 'already-in-project', 'the track is already in this album; move it with PATCH /v1/music-projects/{id}/tracks/{track_id}');
      // Own tracks and public ones can go on an album; someone else's private track reads as missing.
      if (!(await this.tracks.findById(trx, body.track_id))) throw new Problem(404, 'not-found', 'track not found', [{ path: 'track_id', message: 'no such track you can see' }]);
      await this.projects.addTrack(trx, id, body.track_id, identity.userId, order.length).catch((error: { code?: string }) => {
        // Deleted or made private since the read above: the FK or the insert policy refuses it.
        if (error.code === '23503' || error.code === '42501') throw new Problem(404, 'not-found', 'track not found', [{ path: 'track_id', message: 'no such track you can see' }]);
        throw error;
      });
      const next = [...order];
      next.splice(Math.min(body.position ?? order.length, order.length), 0, body.track_id);
      return next;
    });
  }

  async moveTrack(identity: Identity, id: string, trackId: string, body: MoveProjectTrackBody) {
    return this.arrange(identity, id, async (_trx, order) => {
      const at = order.indexOf(trackId);
      if (at < 0) throw notFound('track in this album');
      const next = order.filter((t) => t !== trackId);
      next.splice(Math.min(body.position, next.length), 0, trackId);
      return next;
    });
  }

  async reorder(identity: Identity, id: string, body: ReorderProjectTracksBody) {
    return this.arrange(identity, id, async (_trx, order) => {
      const given = new Set(body.track_ids);
      if (given.size !== order.length || order.some((t) => !given.has(t))) {
        throw new Problem(422, 'order-mismatch', 'track_ids must list every track of the album exactly once', [{ path: 'track_ids', message: `the album has ${order.length} track(s); list each of them once` }]);
      }
      return body.track_ids;
    });
  }

  async removeTrack(identity: Identity, id: string, trackId: string): Promise<void> {
    await this.arrange(identity, id, async (trx, order) => {
      if (!order.includes(trackId)) throw notFound('track in this album');
      await this.projects.removeTrack(trx, id, trackId);
      return order.filter((t) => t !== trackId);
    });
  }

  /** Locks the caller's album, lets change compute the new order from the current one, writes it densely. */
  private async arrange(identity: Identity, id: string, change: (trx: UserTransaction, order: string[]) => Promise<string[]>) {
    return asUser(this.db, identity, async (trx) => {
      if (!(await this.projects.lockOwn(trx, id, identity.userId))) throw notFound('music project');
      const next = await change(trx, await this.projects.trackOrder(trx, id));
      await this.projects.writeOrder(trx, id, next);
      return { data: (await this.projects.tracks(trx, id)).map(presentRow), next_cursor: null };
    });
  }
}

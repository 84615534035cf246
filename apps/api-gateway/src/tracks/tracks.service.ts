import { Inject, Injectable } from '@nestjs/common';
import { asUser, TracksRepository, type Database, type Identity } from '@muse/db';
import { notFound } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import { presentRow } from '../jobs/job.presenter.js';

@Injectable()
export class TracksService {
  constructor(@Inject(DATABASE) private readonly db: Database, private readonly tracks: TracksRepository) {}

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
}

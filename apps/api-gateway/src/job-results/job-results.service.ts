import { Inject, Injectable } from '@nestjs/common';
import { asUser, JobResultsRepository, TracksRepository, type Database, type Identity, type UserTransaction } from '@muse/db';
import { decodeCursor } from '../common/keyset-cursor.js';
import { notFound } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import { presentPage, presentRow } from '../jobs/job.presenter.js';
import type { ListPersonasQuery } from '../tracks/tracks.schemas.js';

/**
 * The domain row of every job kind, for its owner (issue 14): what a finished job made, readable without
 * the job. RLS keeps work records to their owner; another user's row is simply not found.
 */
@Injectable()
export class JobResultsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly results: JobResultsRepository,
    private readonly tracks: TracksRepository,
  ) {}

  private one<T extends object>(identity: Identity, what: string, read: (trx: UserTransaction) => Promise<T | undefined>, owned: (row: T) => boolean = () => true) {
    return asUser(this.db, identity, async (trx) => {
      const row = await read(trx);
      if (!row || !owned(row)) throw notFound(what);
      return presentRow(row);
    });
  }

  lyrics(identity: Identity, id: string) {
    return asUser(this.db, identity, async (trx) => {
      const job = await this.results.lyricsJob(trx, id);
      if (!job || job.user_id !== identity.userId) throw notFound('lyrics job');
      return { ...presentRow(job), variants: (await this.results.lyricsVariants(trx, id)).map(presentRow) };
    });
  }

  /** Stems of the caller's own track (a public track's stems are its owner's work, not shared here). */
  stems(identity: Identity, trackId: string) {
    return asUser(this.db, identity, async (trx) => {
      const track = await this.tracks.findById(trx, trackId);
      if (!track || track.user_id !== identity.userId) throw notFound('track');
      return { data: (await this.results.stems(trx, trackId)).map(presentRow), next_cursor: null };
    });
  }

  classification(identity: Identity, id: string) {
    return asUser(this.db, identity, async (trx) => {
      const row = await this.results.classification(trx, id);
      if (!row) throw notFound('classification');
      return { ...presentRow(row), jobs: (await this.results.classificationJobs(trx, id)).map(presentRow) };
    });
  }

  description(identity: Identity, id: string) {
    return this.one(identity, 'description', (trx) => this.results.description(trx, id), (r) => r.user_id === identity.userId);
  }

  recognition(identity: Identity, id: string) {
    return this.one(identity, 'recognition', (trx) => this.results.recognition(trx, id), (r) => r.user_id === identity.userId);
  }

  wavJob(identity: Identity, id: string) {
    return this.one(identity, 'WAV job', (trx) => this.results.wavJob(trx, id));
  }

  upscale(identity: Identity, id: string) {
    return this.one(identity, 'upscale', (trx) => this.results.upscaleJob(trx, id), (r) => r.user_id === identity.userId);
  }

  sectionReplacement(identity: Identity, id: string) {
    return this.one(identity, 'section replacement', (trx) => this.results.sectionReplacement(trx, id));
  }

  /** Own personas; a public persona of someone else is readable too (it can be sung with). */
  persona(identity: Identity, id: string) {
    return this.one(identity, 'persona', (trx) => this.results.persona(trx, id));
  }

  async personas(identity: Identity, q: ListPersonasQuery) {
    const rows = await asUser(this.db, identity, (trx) => this.results.personas(trx, { userId: identity.userId, publicToo: q.include_public === true, limit: q.limit + 1, after: decodeCursor(q.cursor) }));
    return presentPage(rows, q.limit);
  }
}

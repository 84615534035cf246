import { Inject, Injectable } from '@nestjs/common';
import type { JobResource, ListJobsQuery } from '@muse/contracts';
import { asUser, JobsRepository, type Database, type Identity } from '@muse/db';
import { notFound, validationProblem } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import { presentJob } from './job.presenter.js';

export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(createdAt.getTime())) {
    throw validationProblem([{ path: 'query.cursor', message: 'not a cursor this API issued' }]);
  }
  return { createdAt, id };
}

@Injectable()
export class JobsService {
  constructor(@Inject(DATABASE) private readonly db: Database, private readonly jobs: JobsRepository) {}

  async get(identity: Identity, id: string): Promise<JobResource> {
    const job = await asUser(this.db, identity, (trx) => this.jobs.findById(trx, id));
    if (!job) throw notFound('job');
    return presentJob(job);
  }

  async list(identity: Identity, q: ListJobsQuery): Promise<{ data: JobResource[]; next_cursor: string | null }> {
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await asUser(this.db, identity, (trx) =>
      this.jobs.list(trx, { userId: identity.userId, kind: q.kind, status: q.status, limit: q.limit + 1, after }),
    );
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      data: page.map(presentJob),
      next_cursor: rows.length > q.limit && last ? encodeCursor(last.created_at.toISOString(), last.id) : null,
    };
  }
}

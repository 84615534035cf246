import { Inject, Injectable } from '@nestjs/common';
import type { CreateDawProjectBody, ListDawProjectsQuery, UpdateDawProjectBody } from '@muse/contracts';
import { asUser, DawProjectsRepository, type Database, type Identity } from '@muse/db';
import { notFound, Problem } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import { decodeCursor, toPage, withoutCursor } from '../common/keyset-cursor.js';

/** DAW sessions (daw_projects) as the caller: the owner's to change; a public one is readable by everyone signed in. */
@Injectable()
export class DawProjectsService {
  constructor(@Inject(DATABASE) private readonly db: Database, private readonly daw: DawProjectsRepository) {}

  async list(identity: Identity, q: ListDawProjectsQuery) {
    const after = decodeCursor(q.cursor);
    const rows = await asUser(this.db, identity, (trx) =>
      this.daw.list(trx, { limit: q.limit + 1, after, ...(q.public ? { publicOnly: true } : { userId: identity.userId }) }),
    );
    return toPage(rows, q.limit, withoutCursor);
  }

  create(identity: Identity, body: CreateDawProjectBody) {
    return asUser(this.db, identity, (trx) => this.daw.insert(trx, identity.userId, body));
  }

  async get(identity: Identity, id: string) {
    const row = await asUser(this.db, identity, (trx) => this.daw.findById(trx, id));
    if (!row) throw notFound('DAW project');
    return row;
  }

  update(identity: Identity, id: string, body: UpdateDawProjectBody) {
    return asUser(this.db, identity, async (trx) => {
      const row = await this.daw.update(trx, id, identity.userId, body);
      if (row) return row;
      throw (await this.daw.findById(trx, id)) ? this.notOwner() : notFound('DAW project');
    });
  }

  async remove(identity: Identity, id: string): Promise<void> {
    await asUser(this.db, identity, async (trx) => {
      if (await this.daw.delete(trx, id, identity.userId)) return;
      throw (await this.daw.findById(trx, id)) ? this.notOwner() : notFound('DAW project');
    });
  }

  private notOwner() {
    return new Problem(403, 'not-owner', 'this public DAW project is not yours: only its owner changes it');
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type {
  CreateAiModelPresetBody, CreateEffectsPresetBody, ListAiModelPresetsQuery, ListEffectsPresetsQuery, UpdateAiModelPresetBody, UpdateEffectsPresetBody,
} from '@muse/contracts';
import { asUser, PresetsRepository, type Database, type Identity, type UserTransaction } from '@muse/db';
import { notFound, Problem } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import { decodeCursor, toPage, withoutCursor } from '../common/keyset-cursor.js';

/**
 * Effects presets and AI model presets: the platform's system presets and presets users share are
 * readable by everyone signed in; a user creates, changes and deletes their own. A system or someone
 * else's shared preset answers 403 to a change, any other preset 404.
 */
@Injectable()
export class PresetsService {
  constructor(@Inject(DATABASE) private readonly db: Database, private readonly presets: PresetsRepository) {}

  async listEffects(identity: Identity, q: ListEffectsPresetsQuery) {
    const after = decodeCursor(q.cursor);
    const rows = await asUser(this.db, identity, (trx) => this.presets.listEffects(trx, identity.userId, { limit: q.limit + 1, after, scope: q.scope, category: q.category }));
    return toPage(rows, q.limit, withoutCursor);
  }

  async getEffects(identity: Identity, id: string) {
    const row = await asUser(this.db, identity, (trx) => this.presets.findEffects(trx, id, identity.userId));
    if (!row) throw notFound('effects preset');
    return row;
  }

  createEffects(identity: Identity, body: CreateEffectsPresetBody) {
    return asUser(this.db, identity, (trx) => this.presets.insertEffects(trx, identity.userId, body));
  }

  updateEffects(identity: Identity, id: string, body: UpdateEffectsPresetBody) {
    return asUser(this.db, identity, async (trx) => {
      const row = await this.presets.updateEffects(trx, id, identity.userId, body);
      if (row) return row;
      throw (await this.presets.findEffects(trx, id, identity.userId)) ? this.readOnly('effects') : notFound('effects preset');
    });
  }

  async removeEffects(identity: Identity, id: string): Promise<void> {
    await asUser(this.db, identity, async (trx) => {
      if (await this.presets.deleteEffects(trx, id, identity.userId)) return;
      throw (await this.presets.findEffects(trx, id, identity.userId)) ? this.readOnly('effects') : notFound('effects preset');
    });
  }

  async listAi(identity: Identity, q: ListAiModelPresetsQuery) {
    const after = decodeCursor(q.cursor);
    const rows = await asUser(this.db, identity, (trx) =>
      this.presets.listAi(trx, identity.userId, { limit: q.limit + 1, after, scope: q.scope, transformationType: q.transformation_type }),
    );
    return toPage(rows, q.limit, withoutCursor);
  }

  async getAi(identity: Identity, id: string) {
    const row = await asUser(this.db, identity, (trx) => this.presets.findAi(trx, id, identity.userId));
    if (!row) throw notFound('AI model preset');
    return row;
  }

  createAi(identity: Identity, body: CreateAiModelPresetBody) {
    return asUser(this.db, identity, async (trx) => {
      await this.checkType(trx, body.transformation_type);
      return this.presets.insertAi(trx, identity.userId, body);
    });
  }

  updateAi(identity: Identity, id: string, body: UpdateAiModelPresetBody) {
    return asUser(this.db, identity, async (trx) => {
      const row = await this.presets.updateAi(trx, id, identity.userId, body);
      if (row) return row;
      throw (await this.presets.findAi(trx, id, identity.userId)) ? this.readOnly('AI model') : notFound('AI model preset');
    });
  }

  async removeAi(identity: Identity, id: string): Promise<void> {
    await asUser(this.db, identity, async (trx) => {
      if (await this.presets.deleteAi(trx, id, identity.userId)) return;
      throw (await this.presets.findAi(trx, id, identity.userId)) ? this.readOnly('AI model') : notFound('AI model preset');
    });
  }

  /** A user's preset is for a transformation the platform runs: a type of its active system presets. */
  private async checkType(trx: UserTransaction, type: string): Promise<void> {
    const types = await this.presets.systemTypes(trx);
    if (!types.includes(type)) {
      throw new Problem(422, 'unknown-transformation-type', `unknown transformation type '${type}'`, [{ path: 'transformation_type', message: `one of ${types.join(', ')}` }]);
    }
  }

  private readOnly(kind: string) {
    return new Problem(403, 'read-only-preset', `this ${kind} preset is a system preset or someone else's shared preset: it can be used, not changed`);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { ApiKeysRepository, asUser, type ApiKeyRow, type Database, type Identity } from '@muse/db';
import { notFound } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import { newApiKey } from './api-key-secret.js';
import type { CreateApiKeyBody } from '@muse/contracts';

const present = (k: ApiKeyRow) => ({ id: k.id, name: k.name, mode: k.mode, prefix: k.key_prefix, created_at: k.created_at, last_used_at: k.last_used_at, revoked_at: k.revoked_at });

@Injectable()
export class ApiKeysService {
  constructor(@Inject(DATABASE) private readonly db: Database, private readonly keys: ApiKeysRepository) {}

  /** The key is returned here and never again: only its hash is stored. */
  async create(identity: Identity, body: CreateApiKeyBody) {
    const mode = body.mode ?? 'live';
    const secret = newApiKey(mode);
    const row = await asUser(this.db, identity, (trx) => this.keys.insert(trx, { userId: identity.userId, name: body.name, hash: secret.hash, prefix: secret.prefix, mode }));
    return { ...present(row), key: secret.key };
  }

  async list(identity: Identity) {
    const rows = await asUser(this.db, identity, (trx) => this.keys.list(trx, identity.userId));
    return { data: rows.map(present) };
  }

  async revoke(identity: Identity, id: string): Promise<void> {
    const row = await asUser(this.db, identity, (trx) => this.keys.revoke(trx, identity.userId, id));
    if (!row) throw notFound('API key');
  }
}

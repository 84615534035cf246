import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { asUser, WebhooksRepository, type Database, type Identity } from '@muse/db';
import { notFound } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import { presentRow } from '../jobs/job.presenter.js';
import { OutboxRelayService } from '../outbox/outbox-relay.service.js';
import type { ListWebhookDeliveriesQuery } from './webhook-deliveries.schemas.js';
import { decodeCursor, encodeCursor } from '../common/keyset-cursor.js';

/**
 * The user's side of outbound webhooks: the signing secret (shown once), the delivery log and
 * redelivery. Reads run as the caller (RLS: own deliveries only; another user's is a 404); the
 * secret and the redelivery are platform writes after that check, because users cannot write these tables.
 */
@Injectable()
export class WebhookDeliveriesService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly webhooks: WebhooksRepository,
    private readonly relay: OutboxRelayService,
  ) {}

  /** Creates or rotates the caller's secret: whsec_ + base64 of 32 random bytes, returned this once. */
  async createSecret(identity: Identity) {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const row = await this.webhooks.setSecret(this.db, identity.userId, secret);
    return {
      secret,
      created_at: row.created_at.toISOString(),
      note: 'shown once: store it now. Verify deliveries with any Standard Webhooks library (webhook-id, webhook-timestamp, webhook-signature); a new secret replaces this one at once.',
    };
  }

  async list(identity: Identity, q: ListWebhookDeliveriesQuery) {
    const after = decodeCursor(q.cursor);
    const rows = await asUser(this.db, identity, (trx) => this.webhooks.list(trx, { limit: q.limit + 1, after, jobId: q.job_id, status: q.status }));
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      data: page.map(({ cursor_at: _c, ...row }) => presentRow(row)),
      next_cursor: rows.length > q.limit && last ? encodeCursor({ createdAt: last.cursor_at, id: last.id }) : null,
    };
  }

  /** One delivery with the body it sends and every attempt. */
  async get(identity: Identity, id: string) {
    const found = await asUser(this.db, identity, async (trx) => {
      const delivery = await this.webhooks.findById(trx, id);
      return delivery ? { delivery, attempts: await this.webhooks.attempts(trx, id) } : undefined;
    });
    if (!found) throw notFound('webhook delivery');
    return { ...presentRow(found.delivery), attempts_log: found.attempts.map((a) => presentRow(a)) };
  }

  /** Sends it again (a new cycle of attempts, same webhook-id and body), whatever its status. */
  async redeliver(identity: Identity, id: string) {
    const visible = await asUser(this.db, identity, (trx) => this.webhooks.findById(trx, id));
    if (!visible) throw notFound('webhook delivery');
    await this.webhooks.redeliver(this.db, id);
    this.relay.kick();
    return this.get(identity, id);
  }
}

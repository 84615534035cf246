import { Inject, Injectable } from '@nestjs/common';
import type { ListNotificationsQuery } from '@muse/contracts';
import { asUser, NotificationsRepository, type Database, type Identity } from '@muse/db';
import { notFound } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import { decodeCursor, toPage, withoutCursor } from '../common/keyset-cursor.js';

/** The caller's notifications (RLS: own rows only); new ones also arrive on /v1/stream (NotificationStreamPublisher). */
@Injectable()
export class NotificationsService {
  constructor(@Inject(DATABASE) private readonly db: Database, private readonly notifications: NotificationsRepository) {}

  list(identity: Identity, q: ListNotificationsQuery) {
    const after = decodeCursor(q.cursor);
    return asUser(this.db, identity, async (trx) => {
      const rows = await this.notifications.list(trx, { limit: q.limit + 1, after, unread: q.unread });
      return { ...toPage(rows, q.limit, withoutCursor), unread_count: await this.notifications.unreadCount(trx, identity.userId) };
    });
  }

  async unreadCount(identity: Identity) {
    return { unread_count: await asUser(this.db, identity, (trx) => this.notifications.unreadCount(trx, identity.userId)) };
  }

  async setRead(identity: Identity, id: string, read: boolean) {
    const row = await asUser(this.db, identity, (trx) => this.notifications.setRead(trx, id, read));
    if (!row) throw notFound('notification');
    return row;
  }

  async readAll(identity: Identity) {
    return { updated: await asUser(this.db, identity, (trx) => this.notifications.markAllRead(trx, identity.userId)), unread_count: 0 };
  }

  async remove(identity: Identity, id: string): Promise<void> {
    if (!(await asUser(this.db, identity, (trx) => this.notifications.delete(trx, id)))) throw notFound('notification');
  }
}

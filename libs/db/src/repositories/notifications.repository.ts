import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';

export interface NewNotification {
  userId: string;
  type: 'info' | 'success' | 'warning' | 'error';
  title: string;
  message: string;
  link?: string;
}

export class NotificationsRepository {
  async create(db: Kysely<DB>, n: NewNotification): Promise<void> {
    await db
      .insertInto('notifications')
      .values({ user_id: n.userId, type: n.type, title: n.title, message: n.message, link: n.link ?? null })
      .execute();
  }
}

import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';
import { cursorAt, olderThan, type Keyset } from './keyset.js';

export interface NewNotification {
  userId: string;
  type: 'info' | 'success' | 'warning' | 'error';
  title: string;
  message: string;
  link?: string;
}

/** The columns the API shows (streamed_at is the platform's own bookkeeping). */
const PUBLIC_COLUMNS = ['id', 'type', 'title', 'message', 'link', 'read', 'created_at', 'updated_at'] as const;

export class NotificationsRepository {
  async create(db: Kysely<DB>, n: NewNotification): Promise<void> {
    await db
      .insertInto('notifications')
      .values({ user_id: n.userId, type: n.type, title: n.title, message: n.message, link: n.link ?? null })
      .execute();
  }

  /** The caller's notifications, newest first (RLS: own rows only). */
  list(db: Kysely<DB>, o: { limit: number; after?: Keyset; unread?: boolean }) {
    let q = db.selectFrom('notifications').select(PUBLIC_COLUMNS).select(cursorAt('created_at').as('cursor_at'));
    if (o.after) q = q.where(olderThan(o.after, 'created_at', 'id'));
    if (o.unread === true) q = q.where('read', '=', false);
    if (o.unread === false) q = q.where('read', '=', true);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(o.limit).execute();
  }

  async unreadCount(db: Kysely<DB>, userId: string): Promise<number> {
    const row = await db.selectFrom('notifications').select(sql<number>`count(*)::int`.as('n')).where('user_id', '=', userId).where('read', '=', false).executeTakeFirstOrThrow();
    return row.n;
  }

  setRead(db: Kysely<DB>, id: string, read: boolean) {
    return db.updateTable('notifications').set({ read }).where('id', '=', id).returning(PUBLIC_COLUMNS).executeTakeFirst();
  }

  async markAllRead(db: Kysely<DB>, userId: string): Promise<number> {
    const res = await db.updateTable('notifications').set({ read: true }).where('user_id', '=', userId).where('read', '=', false).executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  async delete(db: Kysely<DB>, id: string): Promise<boolean> {
    const res = await db.deleteFrom('notifications').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  /** Whether any notification waits to be announced (a probe of the partial index, no locks). */
  async hasUnstreamed(db: Kysely<DB>): Promise<boolean> {
    const row = await db.selectFrom('notifications').select('id').where('streamed_at', 'is', null).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /**
   * New notifications not yet announced on the event stream, oldest first, locked for the caller's
   * transaction (other gateway replicas skip them). The platform's connection: every user's rows.
   */
  lockUnstreamed(db: Kysely<DB>, limit: number) {
    return db
      .selectFrom('notifications')
      .select(['user_id', ...PUBLIC_COLUMNS])
      .where('streamed_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
  }

  async markStreamed(db: Kysely<DB>, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await db.updateTable('notifications').set({ streamed_at: sql`now()` }).where('id', 'in', ids).execute();
  }
}

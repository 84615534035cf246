import { Inject, Injectable } from '@nestjs/common';
import type { ListPageQuery } from '@muse/contracts';
import { asUser, SocialRepository, type Database, type Identity, type UserTransaction } from '@muse/db';
import { notFound, Problem } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import { decodeCursor, toPage, withoutCursor } from '../common/keyset-cursor.js';

/**
 * Public profiles and follows, as the caller: RLS shows a profile to others only when its owner made
 * it public (`preferences.profile_public`, set through PATCH /v1/me), so a private profile answers
 * 404 exactly like an unknown id. Only public fields are ever read (never email, credits or plan).
 */
@Injectable()
export class UsersService {
  constructor(@Inject(DATABASE) private readonly db: Database, private readonly social: SocialRepository) {}

  profile(identity: Identity, userId: string) {
    return asUser(this.db, identity, (trx) => this.visibleProfile(trx, identity, userId));
  }

  /** Idempotent; answers the followed profile with its counts. */
  follow(identity: Identity, userId: string) {
    if (userId === identity.userId) throw this.notYourself();
    return asUser(this.db, identity, async (trx) => {
      await this.visibleProfile(trx, identity, userId);
      await this.social.follow(trx, identity.userId, userId);
      return this.visibleProfile(trx, identity, userId);
    });
  }

  /** Idempotent. Someone one follows can be unfollowed even after their profile went private. */
  async unfollow(identity: Identity, userId: string): Promise<void> {
    if (userId === identity.userId) throw this.notYourself();
    await asUser(this.db, identity, async (trx) => {
      if (await this.social.unfollow(trx, identity.userId, userId)) return;
      await this.visibleProfile(trx, identity, userId);
    });
  }

  follows(identity: Identity, userId: string, side: 'followers' | 'following', q: ListPageQuery) {
    const after = decodeCursor(q.cursor);
    return asUser(this.db, identity, async (trx) => {
      await this.visibleProfile(trx, identity, userId);
      const rows = await this.social.follows(trx, userId, side, { limit: q.limit + 1, after });
      return toPage(rows, q.limit, ({ cursor_at: _c, follow_id: _f, ...row }) => row, (r) => r.follow_id);
    });
  }

  tracks(identity: Identity, userId: string, q: ListPageQuery) {
    const after = decodeCursor(q.cursor);
    return asUser(this.db, identity, async (trx) => {
      await this.visibleProfile(trx, identity, userId);
      const rows = await this.social.publicTracks(trx, userId, { limit: q.limit + 1, after });
      return toPage(rows, q.limit, withoutCursor);
    });
  }

  private async visibleProfile(trx: UserTransaction, identity: Identity, userId: string) {
    const row = await this.social.profile(trx, userId, identity.userId);
    if (!row) throw notFound('user');
    return row;
  }

  private notYourself() {
    return new Problem(422, 'cannot-follow-yourself', 'you cannot follow or unfollow yourself', [{ path: 'id', message: 'is your own user id' }]);
  }
}

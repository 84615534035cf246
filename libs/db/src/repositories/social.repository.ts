import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';
import { cursorAt, olderThan, type Keyset } from './keyset.js';

/**
 * Public profiles and follows, under the caller's RLS: a profile is visible to others when its owner
 * made it public (preferences.profile_public), a follow row when either side is the caller or the
 * followed profile is public. Only public columns are ever selected (never email, credits or plan).
 */
export class SocialRepository {
  profile(db: Kysely<DB>, id: string, callerId: string) {
    return db
      .selectFrom('profiles as p')
      .select(['p.id', 'p.username', 'p.full_name', 'p.avatar_url', 'p.bio', 'p.website_url', 'p.created_at'])
      .select([
        sql<number>`(select count(*)::int from public.user_followers f where f.following_id = p.id)`.as('followers_count'),
        sql<number>`(select count(*)::int from public.user_followers f where f.follower_id = p.id)`.as('following_count'),
        sql<number>`(select count(*)::int from public.tracks t where t.user_id = p.id and t.is_public)`.as('public_tracks_count'),
        sql<boolean>`exists (select 1 from public.user_followers f where f.follower_id = ${callerId}::uuid and f.following_id = p.id)`.as('is_followed_by_you'),
        sql<boolean>`exists (select 1 from public.user_followers f where f.follower_id = p.id and f.following_id = ${callerId}::uuid)`.as('follows_you'),
      ])
      .where('p.id', '=', id)
      .executeTakeFirst();
  }

  /** true when a new follow was made, false when it existed. */
  async follow(db: Kysely<DB>, followerId: string, followingId: string): Promise<boolean> {
    const row = await db
      .insertInto('user_followers')
      .values({ follower_id: followerId, following_id: followingId })
      .onConflict((oc) => oc.columns(['follower_id', 'following_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async unfollow(db: Kysely<DB>, followerId: string, followingId: string): Promise<boolean> {
    const res = await db.deleteFrom('user_followers').where('follower_id', '=', followerId).where('following_id', '=', followingId).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  /**
   * One side of a user's follows, newest first: `followers` (who follows them) or `following` (whom
   * they follow). The other user's public fields come with each row when their profile is visible.
   */
  follows(db: Kysely<DB>, userId: string, side: 'followers' | 'following', o: { limit: number; after?: Keyset }) {
    const [mine, other] = side === 'followers' ? (['f.following_id', 'f.follower_id'] as const) : (['f.follower_id', 'f.following_id'] as const);
    let q = db
      .selectFrom('user_followers as f')
      .leftJoin('profiles as p', 'p.id', other)
      .select([sql<string>`${sql.ref(other)}`.as('id'), 'p.username', 'p.full_name', 'p.avatar_url', 'f.created_at as followed_at'])
      .select([cursorAt('f.created_at').as('cursor_at'), 'f.id as follow_id'])
      .where(mine, '=', userId);
    if (o.after) q = q.where(olderThan(o.after, 'f.created_at', 'f.id'));
    return q.orderBy('f.created_at', 'desc').orderBy('f.id', 'desc').limit(o.limit).execute();
  }

  /** A user's public tracks, newest first (the public columns of a track). */
  publicTracks(db: Kysely<DB>, userId: string, o: { limit: number; after?: Keyset }) {
    let q = db
      .selectFrom('tracks')
      .select([
        'id', 'user_id', 'title', 'prompt', 'lyrics', 'audio_url', 'cover_url', 'video_url', 'duration_seconds', 'status', 'genre', 'mood',
        'style_tags', 'like_count', 'play_count', 'view_count', 'download_count', 'created_at', 'updated_at',
      ])
      .select(cursorAt('created_at').as('cursor_at'))
      .where('user_id', '=', userId)
      .where('is_public', '=', true);
    if (o.after) q = q.where(olderThan(o.after, 'created_at', 'id'));
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(o.limit).execute();
  }
}

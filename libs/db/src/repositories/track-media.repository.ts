import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';

/**
 * What the generation path writes about a finished track beyond its versions: a provider's video. (Lyric
 * timing needs no call: the master version's metadata.timestamped_lyrics is mirrored by a trigger, 0016.)
 */
export class TrackMediaRepository {
  /** The design's update_track_video_metadata: video_url set, metadata merged into tracks.metadata.video. */
  async updateVideoMetadata(db: Kysely<DB>, trackId: string, videoUrl: string | null, metadata: Record<string, unknown>): Promise<void> {
    await sql`select public.update_track_video_metadata(${trackId}::uuid, ${videoUrl}::text, ${JSON.stringify(metadata)}::jsonb)`.execute(db);
  }
}

import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';

export class PersonasRepository {
  /** The persona exists from submission on; metadata.status says whether its voice is analysed yet. */
  insert(db: Kysely<DB>, row: { userId: string; name: string; description: string | null; sourceTrackId: string; sourceMusicIndex: number; isPublic: boolean; metadata: Record<string, unknown> }) {
    return db
      .insertInto('suno_personas')
      .values({ user_id: row.userId, name: row.name, description: row.description, source_track_id: row.sourceTrackId, source_music_index: row.sourceMusicIndex, is_public: row.isPublic, metadata: JSON.stringify({ status: 'pending', ...row.metadata }) })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findById(db: Kysely<DB>, id: string) {
    return db.selectFrom('suno_personas').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async mergeMetadata(db: Kysely<DB>, id: string, patch: Record<string, unknown>): Promise<void> {
    await db.updateTable('suno_personas').set({ metadata: sql`metadata || ${JSON.stringify(patch)}::jsonb` }).where('id', '=', id).execute();
  }

  /** A generation used the persona: counted once per use, with the time. */
  async recordUse(db: Kysely<DB>, id: string): Promise<void> {
    await db.updateTable('suno_personas').set({ usage_count: sql`usage_count + 1`, last_used_at: sql`now()` }).where('id', '=', id).execute();
  }
}

import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';

export type LibraryCategory = 'sample' | 'loop' | 'vocal' | 'instrumental';

export interface LibraryItemWrite {
  file_name?: string;
  parent_folder_id?: string | null;
  category?: LibraryCategory | null;
  description?: string | null;
  tags?: string[];
  bpm?: number | null;
  key?: string | null;
  is_favorite?: boolean;
}

export interface FolderWrite {
  name?: string;
  parent_id?: string | null;
  category?: 'audio' | 'projects' | 'samples' | null;
  icon?: string | null;
  color?: string | null;
  is_favorite?: boolean;
}

const ITEM_COLUMNS = [
  'id', 'user_id', 'project_id', 'parent_folder_id', 'file_name', 'file_url', 'file_size', 'duration_seconds', 'source_type', 'category',
  'description', 'tags', 'bpm', 'key', 'is_favorite', 'usage_count', 'last_used_at', 'analysis_status', 'created_at', 'updated_at',
] as const;

const FOLDER_COLUMNS = ['id', 'user_id', 'name', 'parent_id', 'category', 'icon', 'color', 'is_favorite', 'metadata', 'created_at', 'updated_at'] as const;

const UPLOAD_COLUMNS = [
  'id', 'user_id', 'object_key', 'file_name', 'content_type', 'declared_size', 'reserved_mb', 'parent_folder_id', 'category', 'description',
  'tags', 'status', 'error', 'actual_size', 'created_at', 'expires_at', 'completed_at',
] as const;

const afterCursor = (table: string, id: string) =>
  sql<boolean>`(created_at, id) < (select c.created_at, c.id from ${sql.table(table)} c where c.id = ${id}::uuid)`;

/**
 * The audio library (audio_library), its folders (cloud_folders) and uploads (library_uploads).
 * Reads and user edits run as the caller (RLS: own rows only); settling an upload is the platform's,
 * because it moves the storage usage.
 */
export class LibraryRepository {
  listItems(db: Kysely<DB>, q: { folderId?: string | null; limit: number; afterId?: string }) {
    let query = db.selectFrom('audio_library').select([...ITEM_COLUMNS]);
    if (q.folderId !== undefined) query = q.folderId === null ? query.where('parent_folder_id', 'is', null) : query.where('parent_folder_id', '=', q.folderId);
    if (q.afterId) query = query.where(afterCursor('public.audio_library', q.afterId));
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
  }

  findItem(db: Kysely<DB>, id: string) {
    return db.selectFrom('audio_library').select([...ITEM_COLUMNS]).where('id', '=', id).executeTakeFirst();
  }

  updateItem(db: Kysely<DB>, id: string, w: LibraryItemWrite) {
    return db.updateTable('audio_library').set(w).where('id', '=', id).returning([...ITEM_COLUMNS]).executeTakeFirst();
  }

  /** Deleting the row gives its storage back (trigger of 0017). */
  deleteItem(db: Kysely<DB>, id: string) {
    return db.deleteFrom('audio_library').where('id', '=', id).returning(['id', 'file_url']).executeTakeFirst();
  }

  listFolders(db: Kysely<DB>, q: { parentId?: string | null; limit: number; afterId?: string }) {
    let query = db.selectFrom('cloud_folders').select([...FOLDER_COLUMNS]);
    if (q.parentId !== undefined) query = q.parentId === null ? query.where('parent_id', 'is', null) : query.where('parent_id', '=', q.parentId);
    if (q.afterId) query = query.where(afterCursor('public.cloud_folders', q.afterId));
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
  }

  findFolder(db: Kysely<DB>, id: string) {
    return db.selectFrom('cloud_folders').select([...FOLDER_COLUMNS]).where('id', '=', id).executeTakeFirst();
  }

  insertFolder(db: Kysely<DB>, userId: string, w: FolderWrite & { name: string }) {
    return db.insertInto('cloud_folders').values({ ...w, user_id: userId }).returning([...FOLDER_COLUMNS]).executeTakeFirstOrThrow();
  }

  updateFolder(db: Kysely<DB>, id: string, w: FolderWrite) {
    return db.updateTable('cloud_folders').set(w).where('id', '=', id).returning([...FOLDER_COLUMNS]).executeTakeFirst();
  }

  /** Sub-folders go with it; its files stay, at the root (foreign keys of 0002). */
  async deleteFolder(db: Kysely<DB>, id: string): Promise<boolean> {
    const res = await db.deleteFrom('cloud_folders').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  /** Would moving `id` under `parentId` make a cycle? (parentId is `id` or one of its descendants.) */
  async wouldCycle(db: Kysely<DB>, id: string, parentId: string): Promise<boolean> {
    const { rows } = await sql<{ hit: boolean }>`
      with recursive up(id, parent_id) as (
        select f.id, f.parent_id from public.cloud_folders f where f.id = ${parentId}::uuid
        union all
        select f.id, f.parent_id from public.cloud_folders f join up on f.id = up.parent_id
      )
      select exists (select 1 from up where id = ${id}::uuid) as hit`.execute(db);
    return rows[0]?.hit ?? false;
  }

  insertUpload(db: Kysely<DB>, u: { id: string; userId: string; objectKey: string; fileName: string; contentType: string; declaredSize: number; reservedMb: number; parentFolderId: string | null; category: LibraryCategory | null; description: string | null; tags: string[]; expiresAt: Date }) {
    return db
      .insertInto('library_uploads')
      .values({
        id: u.id, user_id: u.userId, object_key: u.objectKey, file_name: u.fileName, content_type: u.contentType, declared_size: u.declaredSize,
        reserved_mb: u.reservedMb, parent_folder_id: u.parentFolderId, category: u.category, description: u.description, tags: u.tags, expires_at: u.expiresAt,
      })
      .returning([...UPLOAD_COLUMNS])
      .executeTakeFirstOrThrow();
  }

  findUpload(db: Kysely<DB>, id: string) {
    return db.selectFrom('library_uploads').select([...UPLOAD_COLUMNS]).where('id', '=', id).executeTakeFirst();
  }

  /** Platform: takes a pending upload for settling (row lock to the commit, so it is settled once). */
  lockPendingUpload(db: Kysely<DB>, id: string) {
    return db.selectFrom('library_uploads').select([...UPLOAD_COLUMNS]).where('id', '=', id).where('status', '=', 'pending').forUpdate().executeTakeFirst();
  }

  /** Platform: the upload becomes a library file with the same id (its storage reservation carries over). */
  async completeUpload(db: Kysely<DB>, id: string, actualSize: number) {
    const up = await db
      .updateTable('library_uploads')
      .set({ status: 'completed', actual_size: actualSize, completed_at: sql`now()` })
      .where('id', '=', id)
      .returning([...UPLOAD_COLUMNS])
      .executeTakeFirstOrThrow();
    return db
      .insertInto('audio_library')
      .values({
        id: up.id, user_id: up.user_id, parent_folder_id: up.parent_folder_id, file_name: up.file_name, file_url: `audio-library/${up.object_key}`,
        file_size: actualSize, source_type: 'upload', category: up.category, description: up.description, tags: up.tags,
        source_metadata: JSON.stringify({ content_type: up.content_type, upload_id: up.id }),
      })
      .returning([...ITEM_COLUMNS])
      .executeTakeFirstOrThrow();
  }

  /** Platform: a refused, cancelled or expired upload. */
  async closeUpload(db: Kysely<DB>, id: string, status: 'rejected' | 'cancelled' | 'expired', error: string | null, actualSize: number | null = null): Promise<void> {
    await db.updateTable('library_uploads').set({ status, error, actual_size: actualSize, completed_at: sql`now()` }).where('id', '=', id).where('status', '=', 'pending').execute();
  }

  /** Platform: pending uploads of a user past their deadline, locked for closing. */
  expiredUploads(db: Kysely<DB>, userId: string) {
    return db
      .selectFrom('library_uploads')
      .select(['id', 'object_key'])
      .where('user_id', '=', userId)
      .where('status', '=', 'pending')
      .where('expires_at', '<', sql<Date>`now()`)
      .forUpdate()
      .skipLocked()
      .execute();
  }
}

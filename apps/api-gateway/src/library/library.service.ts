import { Inject, Injectable } from '@nestjs/common';
import { asUser, Bucket, LibraryRepository, type Database, type Identity, type UserTransaction } from '@muse/db';
import type { StorageService } from '@muse/storage';
import { notFound, Problem } from '../common/problem.js';
import { DATABASE, STORAGE } from '../core/tokens.js';
import { decodeIdCursor, encodeIdCursor } from '../projects/projects.service.js';
import { LibraryUploadsService } from './library-uploads.service.js';
import type { CreateFolderBody, ListFoldersQuery, ListLibraryQuery, UpdateFolderBody, UpdateLibraryItemBody } from './library.body.js';

/** How long a library file's download link works (the bucket is private). */
export const LIBRARY_LINK_SECONDS = 300;
const LOCATOR = `${Bucket.AudioLibrary}/`;
const pgCode = (e: unknown) => (e && typeof e === 'object' && 'code' in e ? (e as { code?: string }).code : undefined);

const page = <T extends { id: string }>(rows: T[], limit: number) => {
  const data = rows.slice(0, limit);
  return { data, next_cursor: rows.length > limit ? encodeIdCursor(data.at(-1)!.id) : null };
};

/** The caller's audio library and folders, as the caller (RLS: own rows only; others' are not found). */
@Injectable()
export class LibraryService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    private readonly library: LibraryRepository,
    private readonly uploads: LibraryUploadsService,
  ) {}

  async list(identity: Identity, q: ListLibraryQuery) {
    const afterId = q.cursor ? decodeIdCursor(q.cursor) : undefined;
    const folderId = q.folder_id === 'root' ? null : q.folder_id;
    return page(await asUser(this.db, identity, (trx) => this.library.listItems(trx, { folderId, limit: q.limit, afterId })), q.limit);
  }

  async get(identity: Identity, id: string) {
    const item = await asUser(this.db, identity, (trx) => this.library.findItem(trx, id));
    if (!item) throw notFound('library file');
    const url = item.file_url.startsWith(LOCATOR) ? await this.storage.presignGet(Bucket.AudioLibrary, item.file_url.slice(LOCATOR.length), LIBRARY_LINK_SECONDS) : item.file_url;
    return { ...item, download_url: url };
  }

  update(identity: Identity, id: string, body: UpdateLibraryItemBody) {
    return asUser(this.db, identity, async (trx) => {
      if (body.parent_folder_id) await this.ownFolder(trx, body.parent_folder_id, 'parent_folder_id');
      const item = await this.library.updateItem(trx, id, body);
      if (!item) throw notFound('library file');
      return item;
    });
  }

  /** The row goes first (its storage is given back in the same statement), then the object. */
  async remove(identity: Identity, id: string): Promise<void> {
    const row = await asUser(this.db, identity, (trx) => this.library.deleteItem(trx, id));
    if (!row) throw notFound('library file');
    if (row.file_url.startsWith(LOCATOR)) await this.uploads.deleteObject(row.file_url.slice(LOCATOR.length));
  }

  async listFolders(identity: Identity, q: ListFoldersQuery) {
    const afterId = q.cursor ? decodeIdCursor(q.cursor) : undefined;
    const parentId = q.parent_id === 'root' ? null : q.parent_id;
    return page(await asUser(this.db, identity, (trx) => this.library.listFolders(trx, { parentId, limit: q.limit, afterId })), q.limit);
  }

  async getFolder(identity: Identity, id: string) {
    const folder = await asUser(this.db, identity, (trx) => this.library.findFolder(trx, id));
    if (!folder) throw notFound('folder');
    return folder;
  }

  createFolder(identity: Identity, body: CreateFolderBody) {
    return asUser(this.db, identity, async (trx) => {
      if (body.parent_id) await this.ownFolder(trx, body.parent_id, 'parent_id');
      return this.library.insertFolder(trx, identity.userId, body);
    });
  }

  updateFolder(identity: Identity, id: string, body: UpdateFolderBody) {
    return asUser(this.db, identity, async (trx) => {
      if (!(await this.library.findFolder(trx, id))) throw notFound('folder');
      if (body.parent_id) {
        await this.ownFolder(trx, body.parent_id, 'parent_id');
        if (await this.library.wouldCycle(trx, id, body.parent_id)) {
          throw new Problem(422, 'validation', 'a folder cannot move into itself or one of its sub-folders', [{ path: 'parent_id', message: 'would make a cycle' }]);
        }
      }
      try {
        return (await this.library.updateFolder(trx, id, body))!;
      } catch (error) {
        if (pgCode(error) === '23514') throw new Problem(422, 'validation', 'a folder cannot be its own parent', [{ path: 'parent_id', message: 'is the folder itself' }]);
        throw error;
      }
    });
  }

  async removeFolder(identity: Identity, id: string): Promise<void> {
    if (!(await asUser(this.db, identity, (trx) => this.library.deleteFolder(trx, id)))) throw notFound('folder');
  }

  private async ownFolder(trx: UserTransaction, id: string, path: string): Promise<void> {
    if (!(await this.library.findFolder(trx, id))) throw new Problem(422, 'validation', 'no such folder of yours', [{ path, message: 'unknown folder' }]);
  }
}

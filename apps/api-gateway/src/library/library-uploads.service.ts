import { Inject, Injectable } from '@nestjs/common';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { asUser, Bucket, LibraryRepository, UsageLimitsRepository, type Database, type Identity } from '@muse/db';
import type { Logger } from '@muse/platform';
import type { StorageService } from '@muse/storage';
import { notFound, Problem } from '../common/problem.js';
import { DATABASE, LOGGER, STORAGE } from '../core/tokens.js';
import { AccountLimitsService } from '../credits/account-limits.service.js';
import { LimitProblem } from '../credits/limit-problem.js';
import { looksLikeAudio } from './audio-sniff.js';
import { AUDIO_CONTENT_TYPES, MAX_UPLOAD_BYTES, type StartUploadBody } from './library.body.js';

/** How long the presigned PUT works; the reservation is kept an hour longer for an upload still running. */
export const UPLOAD_URL_SECONDS = 900;
const CONFIRM_GRACE_SECONDS = 3600;
const MB = 1024 * 1024;
/** Megabytes as usage_tracking counts them (numeric(10,3)), rounded up: never less than the bytes. */
export const megabytes = (bytes: number) => Math.ceil((bytes / MB) * 1000) / 1000;
const ALLOWED = new Set<string>(AUDIO_CONTENT_TYPES);

/**
 * Library uploads: the declared size is reserved against the tier's storage_mb before a presigned PUT
 * is handed out; the confirm call HEADs the object and records its real size (giving back the
 * difference), or refuses it — larger than declared, not audio — deleting the object and the
 * reservation. Uploads never confirmed give their reservation back once they expire.
 */
@Injectable()
export class LibraryUploadsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly library: LibraryRepository,
    private readonly usage: UsageLimitsRepository,
    private readonly limits: AccountLimitsService,
  ) {}

  async start(identity: Identity, body: StartUploadBody) {
    if (!ALLOWED.has(body.content_type)) {
      throw new Problem(415, 'unsupported-media-type', `only audio can go into the library`, [{ path: 'content_type', message: `one of ${AUDIO_CONTENT_TYPES.join(', ')}` }]);
    }
    if (body.size_bytes > MAX_UPLOAD_BYTES) {
      throw new LimitProblem(413, 'upload-too-large', `one upload may be at most ${MAX_UPLOAD_BYTES} bytes`, { name: 'upload_size_bytes', limit: MAX_UPLOAD_BYTES, used: body.size_bytes, remaining: 0 });
    }
    await this.expireStale(identity.userId);
    const id = crypto.randomUUID();
    const key = `${identity.userId}/${id}/${body.file_name.replace(/[^A-Za-z0-9._ -]/g, '_')}`;
    const reservedMb = megabytes(body.size_bytes);
    const expiresAt = new Date(Date.now() + (UPLOAD_URL_SECONDS + CONFIRM_GRACE_SECONDS) * 1000);
    const upload = await asUser(this.db, identity, async (trx) => {
      if (body.parent_folder_id && !(await this.library.findFolder(trx, body.parent_folder_id))) {
        throw new Problem(422, 'validation', 'no such folder of yours', [{ path: 'parent_folder_id', message: 'unknown folder' }]);
      }
      const row = await this.library.insertUpload(trx, {
        id, userId: identity.userId, objectKey: key, fileName: body.file_name, contentType: body.content_type, declaredSize: body.size_bytes,
        reservedMb, parentFolderId: body.parent_folder_id ?? null, category: body.category ?? null, description: body.description ?? null,
        tags: body.tags ?? [], expiresAt,
      });
      await this.limits.useMonthly(trx, identity, 'storage_mb', id, reservedMb);
      return row;
    });
    const url = await getSignedUrl(
      this.storage.client,
      new PutObjectCommand({ Bucket: Bucket.AudioLibrary, Key: key, ContentType: body.content_type, ContentLength: body.size_bytes }),
      { expiresIn: UPLOAD_URL_SECONDS },
    );
    return {
      id: upload.id,
      status: upload.status,
      method: 'PUT',
      url,
      headers: { 'content-type': body.content_type },
      url_expires_at: new Date(Date.now() + UPLOAD_URL_SECONDS * 1000).toISOString(),
      expires_at: upload.expires_at,
      size_bytes: body.size_bytes,
      reserved_mb: reservedMb,
      complete_url: `/v1/library/uploads/${upload.id}/complete`,
    };
  }

  async get(identity: Identity, id: string) {
    const upload = await asUser(this.db, identity, (trx) => this.library.findUpload(trx, id));
    if (!upload) throw notFound('upload');
    return upload;
  }

  /** Confirms an upload: the library file (201 the first time, 200 for a repeated call), or a refusal. */
  async complete(identity: Identity, id: string): Promise<{ created: boolean; item: unknown }> {
    const upload = await this.get(identity, id);
    if (upload.status === 'completed') return { created: false, item: await this.itemOf(identity, id) };
    if (upload.status !== 'pending') throw new Problem(409, 'upload-closed', `this upload was ${upload.status}${upload.error ? `: ${upload.error}` : ''}; start a new one`);
    const head = await this.storage.client
      .send(new HeadObjectCommand({ Bucket: Bucket.AudioLibrary, Key: upload.object_key }))
      .catch((error: { $metadata?: { httpStatusCode?: number } }) => {
        if (error.$metadata?.httpStatusCode === 404) return undefined;
        throw error;
      });
    if (!head) throw new Problem(409, 'upload-missing', `nothing was uploaded yet: PUT the file to the upload URL, then call ${`/v1/library/uploads/${id}/complete`} again`);
    const size = Number(head.ContentLength ?? 0);
    if (size > upload.declared_size) {
      await this.refuse(id, upload.object_key, `the file is ${size} bytes, more than the ${upload.declared_size} declared`, size);
      throw new LimitProblem(413, 'upload-too-large', `the uploaded file is ${size} bytes but ${upload.declared_size} were declared and reserved; it was deleted — start a new upload with the real size`, {
        name: 'upload_size_bytes', limit: upload.declared_size, used: size, remaining: 0,
      });
    }
    const type = (head.ContentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (!ALLOWED.has(type) || size === 0 || !looksLikeAudio(await this.firstBytes(upload.object_key))) {
      await this.refuse(id, upload.object_key, 'the file is not audio', size);
      throw new Problem(415, 'unsupported-media-type', 'the uploaded file is not audio (by its type or its first bytes); it was deleted');
    }
    const item = await this.db.transaction().execute(async (trx) => {
      if (!(await this.library.lockPendingUpload(trx, id))) return undefined; // a concurrent confirm won
      const created = await this.library.completeUpload(trx, id, size);
      // The reservation now counts the real size: the difference is given back.
      await this.usage.settle(trx, 'storage_mb', id, megabytes(size));
      return created;
    });
    if (!item) return { created: false, item: await this.itemOf(identity, id) };
    return { created: true, item };
  }

  /** Cancels a pending upload: its reservation and any uploaded bytes go. */
  async cancel(identity: Identity, id: string): Promise<void> {
    const upload = await this.get(identity, id);
    if (upload.status !== 'pending') throw new Problem(409, 'upload-closed', `this upload was ${upload.status}`);
    await this.close(id, upload.object_key, 'cancelled', null, null);
  }

  private async itemOf(identity: Identity, id: string) {
    const item = await asUser(this.db, identity, (trx) => this.library.findItem(trx, id));
    if (!item) throw new Problem(409, 'upload-closed', 'this upload was completed and its library file has since been deleted');
    return item;
  }

  private async firstBytes(key: string): Promise<Uint8Array> {
    const out = await this.storage.client.send(new GetObjectCommand({ Bucket: Bucket.AudioLibrary, Key: key, Range: 'bytes=0-15' }));
    return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
  }

  private refuse(id: string, key: string, error: string, size: number): Promise<void> {
    return this.close(id, key, 'rejected', error, size);
  }

  /** Closes a pending upload (once: the row lock decides) and releases its reservation; then its object goes. */
  private async close(id: string, key: string, status: 'rejected' | 'cancelled' | 'expired', error: string | null, size: number | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (!(await this.library.lockPendingUpload(trx, id))) return;
      await this.library.closeUpload(trx, id, status, error, size);
      await this.usage.settle(trx, 'storage_mb', id, 0);
    });
    await this.deleteObject(key);
  }

  /** The caller's uploads past their deadline give their reservation back before a new one is made. */
  private async expireStale(userId: string): Promise<void> {
    const expired = await this.db.transaction().execute(async (trx) => {
      const rows = await this.library.expiredUploads(trx, userId);
      for (const row of rows) {
        await this.library.closeUpload(trx, row.id, 'expired', 'not confirmed in time', null);
        await this.usage.settle(trx, 'storage_mb', row.id, 0);
      }
      return rows;
    });
    for (const row of expired) await this.deleteObject(row.object_key);
  }

  /** Best effort: an object left behind costs storage, not correctness (its reservation is gone either way). */
  async deleteObject(key: string): Promise<void> {
    await this.storage.client.send(new DeleteObjectCommand({ Bucket: Bucket.AudioLibrary, Key: key })).catch((error: unknown) => {
      this.logger.warn({ key, err: error }, 'could not delete a library object');
    });
  }
}

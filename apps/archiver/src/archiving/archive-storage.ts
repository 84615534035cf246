import { CopyObjectCommand, DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { BucketName } from '@muse/db';
import type { StorageService } from '@muse/storage';

export interface ObjectInfo {
  size: number;
  etag: string;
}

/**
 * The bucket-to-bucket moves archiving needs, on the platform's S3 client: server-side copy (the
 * bytes never pass through this process), head for size and checksum, idempotent delete.
 */
export class ArchiveStorage {
  constructor(private readonly storage: StorageService) {}

  async head(bucket: BucketName, key: string): Promise<ObjectInfo | null> {
    try {
      const out = await this.storage.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { size: Number(out.ContentLength ?? -1), etag: (out.ETag ?? '').replace(/"/g, '') };
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
      throw error;
    }
  }

  async copy(from: BucketName, to: BucketName, key: string): Promise<void> {
    await this.storage.client.send(new CopyObjectCommand({ Bucket: to, Key: key, CopySource: `${from}/${key.split('/').map(encodeURIComponent).join('/')}` }));
  }

  /**
   * Copies and proves the copy: same size and same checksum (the ETag of a single-part object is
   * its MD5; a multipart ETag is compared as the store reports it). Returns what was verified.
   */
  async copyVerified(from: BucketName, to: BucketName, key: string): Promise<ObjectInfo> {
    const source = await this.head(from, key);
    if (!source) throw new MissingObjectError(from, key);
    await this.copy(from, to, key);
    const copy = await this.head(to, key);
    if (!copy || copy.size !== source.size || copy.etag !== source.etag) {
      throw new Error(`copy of ${from}/${key} to ${to} does not match (size ${copy?.size} vs ${source.size}, etag ${copy?.etag} vs ${source.etag})`);
    }
    return source;
  }

  /** Deleting a missing object succeeds, so a repeated delete after a crash is harmless. */
  async delete(bucket: BucketName, key: string): Promise<void> {
    await this.storage.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }
}

export class MissingObjectError extends Error {
  constructor(readonly bucket: string, readonly key: string) {
    super(`object ${bucket}/${key} does not exist`);
  }
}

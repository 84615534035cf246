import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ALL_BUCKETS, PUBLIC_BUCKETS, type BucketName } from '@muse/db';

export interface StorageOptions {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Base URL clients download public objects from; defaults to the endpoint. */
  publicUrl?: string;
  /** How long `put` keeps retrying a store that cannot be reached (default 60 s; 0: the SDK's own retries only). */
  putRetryWindowMs?: number;
}

/**
 * No byte for this long on a connection means it is dead (a partition, a load balancer that forgot it), not
 * that the store is slow: the SDK has no timeout by default and would wait on such a socket forever.
 */
const SOCKET_IDLE_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 5_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The store could not be reached or answered 5xx/throttled: the same request may succeed later. */
export function isTransientStorageError(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429 || status === 408;
  return (
    e.$retryable !== undefined ||
    ['TimeoutError', 'RequestTimeout', 'RequestTimeoutException'].includes(e.name ?? '') ||
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED'].includes(e.code ?? '')
  );
}

/** S3-compatible object storage (AWS S3, MinIO, or the embedded s3rver), path-style addressing. */
export class StorageService {
  readonly client: S3Client;
  private readonly publicBase: string;

  constructor(private readonly options: StorageOptions) {
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: true,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, socketTimeout: SOCKET_IDLE_TIMEOUT_MS },
    });
    this.publicBase = (options.publicUrl ?? options.endpoint).replace(/\/+$/, '');
  }

  /** Creates the design's buckets if missing; public ones get an anonymous-read policy. */
  async ensureBuckets(): Promise<void> {
    for (const bucket of ALL_BUCKETS) {
      try {
        await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch {
        await this.client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: { name?: string }) => {
          if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
        });
      }
      if (PUBLIC_BUCKETS.includes(bucket)) await this.allowPublicRead(bucket);
    }
  }

  private async allowPublicRead(bucket: BucketName): Promise<void> {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/*`] }],
    };
    // The embedded s3rver serves every object anonymously and has no policy API; real stores need it.
    await this.client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) })).catch(() => undefined);
  }

  /**
   * Stores an object. What is put is a finished result (a render, a provider's download): failing the job
   * over a store that is away for seconds would redo that work, or fail it once its attempts run out. So a
   * store that cannot be reached is retried for up to putRetryWindowMs (the SDK's own three quick attempts
   * are over in under a second); a PUT of the same key and body is idempotent, and S3 stores a PUT whole or
   * not at all, so a retry after a request cut mid-body leaves the complete object.
   */
  async put(bucket: BucketName, key: string, body: Uint8Array, contentType: string): Promise<{ url: string; size: number }> {
    const deadline = Date.now() + (this.options.putRetryWindowMs ?? 60_000);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
        return { url: this.publicUrl(bucket, key), size: body.byteLength };
      } catch (error) {
        if (!isTransientStorageError(error) || Date.now() >= deadline) throw error;
        await sleep(Math.min(500 * 2 ** attempt, 5_000) * (0.5 + Math.random() / 2));
      }
    }
  }

  async get(bucket: BucketName, key: string): Promise<Buffer> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  }

  async exists(bucket: BucketName, key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw error;
    }
  }

  /** Keys under a prefix (every page). */
  async listKeys(bucket: BucketName, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  /**
   * Deletes every object under a prefix; idempotent (nothing there is success). Throws if any key
   * could not be deleted, so a queue retry finishes the rest. Returns how many were deleted.
   */
  async deletePrefix(bucket: BucketName, prefix: string): Promise<number> {
    if (!prefix) throw new Error('refusing to delete a whole bucket');
    const keys = await this.listKeys(bucket, prefix);
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const out = await this.client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
      const failed = (out.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length) throw new Error(`could not delete ${failed.length} object(s) in ${bucket}: ${failed[0]?.Code ?? ''} ${failed[0]?.Message ?? ''}`);
    }
    return keys.length;
  }

  publicUrl(bucket: BucketName, key: string): string {
    return `${this.publicBase}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }

  presignGet(bucket: BucketName, key: string, expiresInSeconds = 300): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: expiresInSeconds });
  }

  /** For readiness: the store answers and the tracks bucket exists. */
  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: 'tracks' }));
  }

  destroy(): void {
    this.client.destroy();
  }
}

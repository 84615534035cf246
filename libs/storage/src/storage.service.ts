import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
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

  async put(bucket: BucketName, key: string, body: Uint8Array, contentType: string): Promise<{ url: string; size: number }> {
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    return { url: this.publicUrl(bucket, key), size: body.byteLength };
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

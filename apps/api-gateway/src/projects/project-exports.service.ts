import { Inject, Injectable } from '@nestjs/common';
import { ALL_BUCKETS, asUser, ProjectsRepository, type BucketName, type Database, type Identity } from '@muse/db';
import type { StorageService } from '@muse/storage';
import { notFound, Problem } from '../common/problem.js';
import { DATABASE, STORAGE } from '../core/tokens.js';
import { AccountLimitsService } from '../credits/account-limits.service.js';

/** How long an export link works. */
export const EXPORT_LINK_SECONDS = 300;

/** Where a stored audio path points: "bucket/key" or a public URL of one of our buckets. Undefined: not ours. */
export function storedObjectOf(storage: StorageService, path: string): { bucket: BucketName; key: string } | undefined {
  for (const bucket of ALL_BUCKETS) {
    const prefix = storage.publicUrl(bucket, '');
    if (path.startsWith(prefix)) return { bucket, key: path.slice(prefix.length).split('/').map(decodeURIComponent).join('/') };
    if (path.startsWith(`${bucket}/`) && path.length > bucket.length + 1) return { bucket, key: path.slice(bucket.length + 1) };
  }
  return undefined;
}

/**
 * POST /v1/projects/{id}/exports: a short-lived presigned download of the project's audio (the
 * processed audio if there is any, else the original), counted against the tier's monthly 'exports'
 * in the same transaction that checks it — a refused export counts nothing.
 */
@Injectable()
export class ProjectExportsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    private readonly projects: ProjectsRepository,
    private readonly limits: AccountLimitsService,
  ) {}

  async create(identity: Identity, projectId: string) {
    const { source, object, usage } = await asUser(this.db, identity, async (trx) => {
      const project = await this.projects.find(trx, projectId);
      if (!project) throw notFound('project');
      const path = project.processed_audio_path ?? project.original_audio_path;
      if (!path) throw new Problem(409, 'project-has-no-audio', 'the project has no audio to export yet');
      const object = storedObjectOf(this.storage, path);
      if (!object) throw new Problem(409, 'not-exportable', 'the project audio is not stored on this platform');
      const usage = await this.limits.useMonthly(trx, identity, 'exports', projectId);
      return { source: project.processed_audio_path ? 'processed' : 'original', object, usage };
    });
    const expiresAt = new Date(Date.now() + EXPORT_LINK_SECONDS * 1000);
    return {
      project_id: projectId,
      source,
      url: await this.storage.presignGet(object.bucket, object.key, EXPORT_LINK_SECONDS),
      expires_at: expiresAt.toISOString(),
      usage: { name: 'exports', limit: usage.limit, used: usage.used + 1, remaining: usage.remaining, resets_at: usage.resetsAt },
    };
  }
}

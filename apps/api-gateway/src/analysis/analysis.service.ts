import { Inject, Injectable } from '@nestjs/common';
import type { CreateClassificationBody, CreateDescriptionBody, CreateRecognitionBody } from '@muse/contracts';
import { AnalysisRepository, Bucket, FingerprintsRepository, TracksRepository, type BucketName, type Identity } from '@muse/db';
import { configuredProviders } from '@muse/providers';
import type { StorageService } from '@muse/storage';
import type { GatewayConfig } from '../config.js';
import { Problem } from '../common/problem.js';
import { CONFIG, STORAGE } from '../core/tokens.js';
import { JobSubmissionService, type SubmissionResult } from '../jobs/job-submission.service.js';
import { ownedTrackVersion as ownedVersion } from '../wav/owned-track.js';

/** Buckets whose objects a caller may have described: their own tracks and uploads (keys start with their id). */
const DESCRIBABLE: readonly BucketName[] = [Bucket.Tracks, Bucket.AudioLibrary];

@Injectable()
export class AnalysisService {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(STORAGE) private readonly storage: StorageService,
    private readonly submissions: JobSubmissionService,
    private readonly tracks: TracksRepository,
    private readonly analysis: AnalysisRepository,
    private readonly fingerprints: FingerprintsRepository,
  ) {}

  recognize(identity: Identity, body: CreateRecognitionBody, idempotencyKey: string | undefined): Promise<SubmissionResult> {
    // Mureka transcribes the lyrics it hears; the title/artist answer stays our fingerprint match (stems-worker provider-recognition.ts).
    const provider = this.provider(body.provider, 'mureka');
    const object = body.audio_file_url ? this.ownObject(identity, body.audio_file_url) : undefined;
    return this.submissions.submit(identity, {
      kind: 'recognition',
      method: 'POST',
      path: '/v1/recognitions',
      body,
      idempotencyKey,
      provider,
      payload: {},
      createResource: async (trx) => {
        let source = object;
        let url = body.audio_file_url;
        if (body.audio_library_id) {
          // Read as the caller: RLS shows only their own library items; anything else is 404.
          const item = await this.fingerprints.audioLibraryItem(trx, body.audio_library_id);
          if (!item || item.user_id !== identity.userId) throw new Problem(404, 'not-found', 'audio library item not found');
          source = this.libraryObject(identity, item.file_url);
          url = item.file_url;
        }
        const row = await this.fingerprints.createRecognition(trx, { userId: identity.userId, audioFileUrl: url!, source: source! });
        return { type: 'song_recognition', id: row.id };
      },
    });
  }

  classify(identity: Identity, trackId: string, body: CreateClassificationBody, idempotencyKey: string | undefined): Promise<SubmissionResult> {
    const provider = this.provider(body.provider, 'replicate');
    return this.submissions.submit(identity, {
      kind: 'classification',
      method: 'POST',
      path: `/v1/tracks/${trackId}/classifications`,
      body,
      idempotencyKey,
      provider,
      payload: { classifier_type: body.classifier_type },
      createResource: async (trx) => {
        const { track, version } = await ownedVersion(trx, this.tracks, identity, trackId, body.version_id);
        const row = await this.analysis.createClassification(trx, { trackId: track.id, classifierType: body.classifier_type, inputAudioUrl: version.audio_url!, versionId: version.id });
        return { type: 'music_classification', id: row.id };
      },
    });
  }

  describe(identity: Identity, body: CreateDescriptionBody, idempotencyKey: string | undefined): Promise<SubmissionResult> {
    const provider = this.provider(body.provider, 'fal');
    // Only files this platform stores for the caller: the worker never fetches arbitrary URLs.
    const object = body.audio_file_url ? this.ownObject(identity, body.audio_file_url) : undefined;
    return this.submissions.submit(identity, {
      kind: 'description',
      method: 'POST',
      path: '/v1/descriptions',
      body,
      idempotencyKey,
      provider,
      payload: {},
      createResource: async (trx) => {
        let source: Record<string, unknown>;
        let url: string;
        if (body.track_id) {
          const { track, version } = await ownedVersion(trx, this.tracks, identity, body.track_id);
          source = { trackId: track.id, versionId: version.id };
          url = version.audio_url!;
        } else {
          source = object!;
          url = body.audio_file_url!;
        }
        const row = await this.analysis.createDescription(trx, { userId: identity.userId, audioFileUrl: url, source });
        return { type: 'song_description', id: row.id };
      },
    });
  }

  /** 'local', or the kind's provider when this deployment can call it (credentials present); otherwise 422. */
  private provider(requested: string | undefined, external: string | null): string {
    const available = ['local', ...(external && configuredProviders(this.config).has(external) ? [external] : [])];
    const chosen = requested ?? 'local';
    if (!available.includes(chosen)) {
      throw new Problem(422, 'provider-unavailable', `provider '${chosen}' is not available: provider not configured`, [{ path: 'provider', message: `available: ${available.join(', ')}` }]);
    }
    return chosen;
  }

  /**
   * A library item's file: an upload stores the locator "audio-library/<key>" (the gateway presigns reads
   * of it), an imported item may hold one of our public URLs; either must be under the caller's prefix.
   */
  private libraryObject(identity: Identity, fileUrl: string): { bucket: BucketName; key: string } {
    const locator = `${Bucket.AudioLibrary}/`;
    if (!fileUrl.startsWith(locator)) return this.ownObject(identity, fileUrl);
    const key = fileUrl.slice(locator.length);
    const parts = key.split('/');
    if (parts[0] !== identity.userId || parts.some((s) => s === '..' || s === '')) throw new Problem(404, 'not-found', 'audio library item not found');
    return { bucket: Bucket.AudioLibrary, key };
  }

  private ownObject(identity: Identity, url: string): { bucket: BucketName; key: string } {
    for (const bucket of DESCRIBABLE) {
      const prefix = this.storage.publicUrl(bucket, '');
      if (!url.startsWith(prefix)) continue;
      const key = url.slice(prefix.length).split('/').map((s) => decodeURIComponent(s)).join('/');
      if (key.split('/')[0] === identity.userId && !key.split('/').some((s) => s === '..' || s === '')) return { bucket, key };
    }
    throw new Problem(422, 'unsupported-audio-url', 'audio_file_url must be the URL of one of your own tracks or uploads on this platform', [{ path: 'audio_file_url', message: 'not a file of yours on this platform' }]);
  }
}

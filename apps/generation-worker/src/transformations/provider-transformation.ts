import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { encodeMp3 } from '@muse/audio-engine';
import { Bucket, transformationObjectKey, TransformationsRepository, type BucketName, type Database, type DB, type Job } from '@muse/db';
import { DATABASE, PermanentTaskError, ProviderResultFiles, STORAGE, type ProviderTaskSpec } from '@muse/platform';
import type { AudioResult, TransformationInput } from '@muse/providers';
import type { StorageService } from '@muse/storage';
import { decodeAudio, presignStored } from '../jobs/audio-source.js';
import { STUDIO_KIND_PROVIDERS, type StudioKindProviders } from '../jobs/studio-providers.js';

interface StoredTransformation {
  url: string;
  prompt: string;
  durationSeconds: number;
  seconds: number;
}

interface TransformationParams {
  duration_seconds?: number;
  prompt?: string;
  seed?: number;
  preset_parameters?: { style?: string; instruments?: string[]; synthesizers?: boolean };
}

/**
 * Studio Nexus transformation at Replicate (MusicGen melody, conditioned on the project's audio):
 * the prompt is built from the preset like the local engine's, the provider's file is fetched
 * SSRF-safely and stored as the project's processed audio under the local path's key, and the
 * project gets its new version in the same completion as the job.
 */
@Injectable()
export class ProviderTransformation {
  readonly spec: ProviderTaskSpec<TransformationInput, AudioResult, StoredTransformation>;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    @Inject(STUDIO_KIND_PROVIDERS) providers: StudioKindProviders,
    private readonly files: ProviderResultFiles,
    private readonly transformations: TransformationsRepository,
  ) {
    this.spec = {
      resourceType: 'ai_transformation',
      label: 'Transformation',
      kind: 'transformation',
      updateJobName: 'transformation.provider-update',
      providers: providers.transformation,
      started: (job) => this.transformations.start(this.db, job.resource_id!),
      input: (job) => this.input(job),
      store: (job, provider, value) => this.store(job, provider, value),
      land: (trx, job, stored, provider) => this.land(trx, job, stored, provider),
      failed: (trx, job, message, final) => this.transformations.fail(trx, job.resource_id!, message, final),
    };
  }

  private async source(job: Job) {
    const row = await this.transformations.findById(this.db, job.resource_id!);
    if (!row) throw new PermanentTaskError('transformation-deleted', 'the transformation was deleted with its project');
    const project = await this.transformations.findProject(this.db, row.project_id);
    if (!project) throw new PermanentTaskError('project-deleted', 'the project is gone');
    if (row.transformation_type === 'effects') throw new PermanentTaskError('provider-unavailable', 'effects chains run on this platform only');
    const params = row.parameters as TransformationParams;
    const preset = params.preset_parameters ?? {};
    const prompt = [row.transformation_type, preset.style?.replace(/_/g, ' '), ...(preset.instruments ?? []), preset.synthesizers ? 'synthesizers' : undefined, params.prompt].filter(Boolean).join(', ');
    return { row, project, params, prompt };
  }

  private async input(job: Job): Promise<TransformationInput> {
    const { row, params, prompt } = await this.source(job);
    return {
      audioUrl: await this.presign(row.input_audio_path),
      prompt,
      ...(params.duration_seconds !== undefined ? { durationSeconds: params.duration_seconds } : {}),
      ...(params.seed !== undefined ? { seed: params.seed } : {}),
    };
  }

  /** Project audio paths are our public URLs or "bucket/key". */
  private presign(path: string): Promise<string> {
    if (/^https?:\/\//.test(path)) return presignStored(this.storage, path);
    const [bucket, ...key] = path.split('/');
    if (!Object.values(Bucket).includes(bucket as BucketName) || key.length === 0) throw new PermanentTaskError('audio-missing', 'the project audio path is not on this platform');
    return this.storage.presignGet(bucket as BucketName, key.join('/'), 3600);
  }

  private async store(job: Job, provider: string, value: AudioResult): Promise<StoredTransformation> {
    const started = performance.now();
    const { row, project, prompt } = await this.source(job);
    const file = await this.files.audio(provider, value.audioUrl);
    const decoded = await decodeAudio(file.body).catch(() => {
      throw new PermanentTaskError('provider-result-refused', 'the transformed file is not decodable audio');
    });
    // The project's processed audio is MP3 under the local path's key, whatever format the provider answered in.
    const body = file.contentType === 'audio/mpeg' ? file.body : encodeMp3(decoded, decoded.sampleRate);
    const stored = await this.storage.put(Bucket.Tracks, transformationObjectKey(project.user_id, project.id, row.id), body, 'audio/mpeg');
    return { url: stored.url, prompt, durationSeconds: decoded.left.length / decoded.sampleRate, seconds: (performance.now() - started) / 1000 };
  }

  private async land(trx: Kysely<DB>, job: Job, out: StoredTransformation, provider: string) {
    const row = await this.transformations.findById(trx, job.resource_id!);
    if (!row) throw new PermanentTaskError('transformation-deleted', 'the transformation was deleted with its project');
    const presetId = (row.parameters as { preset_id?: string }).preset_id ?? null;
    const { transformation, version } = await this.transformations.complete(trx, {
      id: row.id,
      projectId: row.project_id,
      presetId,
      outputUrl: out.url,
      processingSeconds: out.seconds,
      parameters: { provider, provider_task_id: job.provider_task_id, provider_prompt: out.prompt },
      versionTitle: `${row.transformation_type} transformation`,
      versionDescription: `Transformed at ${provider} from the prompt "${out.prompt.slice(0, 200)}".`,
    });
    return {
      result: { transformation_id: transformation.id, project_id: row.project_id, output_audio_path: out.url, project_version: { id: version.id, version_number: version.version_number }, duration_seconds: out.durationSeconds },
      notice: { title: 'Your transformation is ready', message: `${row.transformation_type}: version ${version.version_number} of the project.`, link: `/projects/${row.project_id}` },
    };
  }
}

import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Job as QueueJob } from 'bullmq';
import { analyseMusic, applyEffectsChain, encodeMp3Parallel, renderSongToMp3Parallel, resampleStereo, SAMPLE_RATE, type EffectSpec, type MusicAnalysis } from '@muse/audio-engine';
import type { JobMessage } from '@muse/contracts';
import { Bucket, transformationObjectKey, TransformationsRepository, type BucketName, type Database } from '@muse/db';
import { DATABASE, STORAGE } from '@muse/platform';
import type { StorageService } from '@muse/storage';
import { decodeAudio, loadStoredAudio } from '../jobs/audio-source.js';
import { JobRunner, PermanentJobError, type JobSpec } from '../jobs/job-runner.js';

/** The shortest project audio a transformation analyses (tempo needs 64 hops of 512 samples). */
const MIN_INPUT_SECONDS = 1;
/** The engine's genre for each preset style (the open list of types falls back to the type's own word). */
const ENGINE_GENRE: Record<string, string> = { orchestral: 'classical', electronic: 'electronic', jazz: 'jazz' };

interface TransformationOutcome {
  url: string;
  analysis: Omit<MusicAnalysis, 'chroma'>;
  prompt: string;
  durationSeconds: number;
  seconds: number;
  ownerId: string;
}

/**
 * Studio Nexus style transfer on the local engine: the project's audio is analysed for tempo and key,
 * and re-rendered at that tempo and in that key with the preset's style and instruments.
 */
@Injectable()
export class TransformationService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    private readonly runner: JobRunner,
    private readonly transformations: TransformationsRepository,
  ) {}

  run(message: JobMessage, queueJob?: QueueJob) {
    return this.runner.run(message, this.spec, queueJob);
  }

  /** Project audio paths are either our public URLs or "bucket/key". */
  private async load(path: string): Promise<Buffer> {
    if (/^https?:\/\//.test(path)) return loadStoredAudio(this.storage, path);
    const [bucket, ...key] = path.split('/');
    if (!Object.values(Bucket).includes(bucket as BucketName) || key.length === 0) throw new PermanentJobError('the project audio path is not on this platform');
    return this.storage.get(bucket as BucketName, key.join('/'));
  }

  private readonly spec: JobSpec<TransformationOutcome> = {
    resourceType: 'ai_transformation',
    label: 'Transformation',
    execute: async (job, progress) => {
      const started = performance.now();
      const row = await this.transformations.findById(this.db, job.resource_id!);
      if (!row) throw new PermanentJobError('the transformation was deleted with its project');
      const project = await this.transformations.findProject(this.db, row.project_id);
      if (!project) throw new PermanentJobError('the project is gone');
      await this.transformations.start(this.db, row.id);
      const decoded = await decodeAudio(await this.load(row.input_audio_path));
      const audio = decoded.sampleRate === SAMPLE_RATE ? decoded : resampleStereo(decoded, decoded.sampleRate, SAMPLE_RATE);
      // Tempo needs a second of audio; a shorter file will be as short on every retry.
      if (audio.left.length < MIN_INPUT_SECONDS * SAMPLE_RATE) throw new PermanentJobError(`the project audio is ${(audio.left.length / SAMPLE_RATE).toFixed(2)} s long; at least ${MIN_INPUT_SECONDS} s is needed`);
      await progress(20);
      const { chroma: _chroma, ...analysis } = analyseMusic(audio, SAMPLE_RATE);
      await progress(35);
      const params = row.parameters as { duration_seconds?: number; prompt?: string; seed?: number; effects_chain?: EffectSpec[]; preset_parameters?: { style?: string; instruments?: string[]; synthesizers?: boolean } };
      if (row.transformation_type === 'effects') {
        // The same audio through the chain (validated at submission): real DSP, the length unchanged.
        const processed = applyEffectsChain(audio, SAMPLE_RATE, params.effects_chain ?? []);
        await progress(80);
        // Two halves in two worker threads (the encoder is the largest part of the job; issue 15).
        const stored = await this.storage.put(Bucket.Tracks, transformationObjectKey(project.user_id, project.id, row.id), await encodeMp3Parallel(processed, SAMPLE_RATE), 'audio/mpeg');
        return { url: stored.url, analysis, prompt: 'effects chain', durationSeconds: processed.left.length / SAMPLE_RATE, seconds: (performance.now() - started) / 1000, ownerId: project.user_id };
      }
      const preset = params.preset_parameters ?? {};
      const bpm = Math.round(analysis.tempoBpm);
      // The engine reads "<n> bpm" and "key of X major/minor" from the prompt: that is how tempo and harmony carry over.
      const prompt = [
        row.transformation_type,
        preset.style?.replace(/_/g, ' '),
        ...(preset.instruments ?? []),
        preset.synthesizers ? 'synth' : undefined,
        params.prompt,
        `${bpm} bpm`,
        `key of ${analysis.key} ${analysis.mode}`,
      ].filter(Boolean).join(', ');
      const durationSeconds = params.duration_seconds ?? Math.min(240, Math.max(5, Math.round(audio.left.length / SAMPLE_RATE)));
      // The stems are rendered in two worker threads, and the MP3 encoded as two halves in two while the mix is
      // mastered here (issue 15: the encoder alone costs about as much as the render); the audio is renderSong's.
      const { song, mp3 } = await renderSongToMp3Parallel(
        { prompt, genre: ENGINE_GENRE[row.transformation_type] ?? row.transformation_type, instrumental: true, durationSeconds, seed: params.seed ?? createHash('sha256').update(row.id).digest().readUInt32BE(0) & 0x7fffffff },
        0,
      );
      await progress(80);
      const stored = await this.storage.put(Bucket.Tracks, transformationObjectKey(project.user_id, project.id, row.id), mp3, 'audio/mpeg');
      return { url: stored.url, analysis, prompt, durationSeconds: song.durationSeconds, seconds: (performance.now() - started) / 1000, ownerId: project.user_id };
    },
    land: async (trx, job, out) => {
      const row = await this.transformations.findById(trx, job.resource_id!);
      if (!row) throw new PermanentJobError('the transformation was deleted with its project');
      const stored = row.parameters as { preset_id?: string; effects_preset_id?: string; effects_preset_name?: string; effects_chain?: unknown };
      const presetId = stored.preset_id ?? null;
      const isEffects = row.transformation_type === 'effects';
      const { transformation, version } = await this.transformations.complete(trx, {
        id: row.id,
        projectId: row.project_id,
        presetId,
        effectsPresetId: stored.effects_preset_id ?? null,
        effectsSettings: isEffects ? { effects_chain: stored.effects_chain, effects_preset_id: stored.effects_preset_id ?? null } : {},
        outputUrl: out.url,
        processingSeconds: out.seconds,
        parameters: { analysis: { tempo_bpm: Math.round(out.analysis.tempoBpm * 10) / 10, key: out.analysis.key, mode: out.analysis.mode, key_confidence: Math.round(out.analysis.keyConfidence * 100) / 100 }, engine_prompt: out.prompt },
        versionTitle: isEffects ? `effects: ${stored.effects_preset_name ?? 'custom chain'}` : `${row.transformation_type} transformation`,
        versionDescription: isEffects ? 'The project audio through an effects chain.' : `Re-rendered by the local engine at ${Math.round(out.analysis.tempoBpm)} BPM in ${out.analysis.key} ${out.analysis.mode}.`,
      });
      return {
        result: { transformation_id: transformation.id, project_id: row.project_id, output_audio_path: out.url, project_version: { id: version.id, version_number: version.version_number }, analysis: { tempo_bpm: out.analysis.tempoBpm, key: out.analysis.key, mode: out.analysis.mode }, duration_seconds: out.durationSeconds },
        notice: { title: 'Your transformation is ready', message: `${row.transformation_type}: version ${version.version_number} of the project.`, link: `/projects/${row.project_id}` },
      };
    },
    failed: async (trx, job, message, final) => {
      await this.transformations.fail(trx, job.resource_id!, message, final);
    },
  };
}

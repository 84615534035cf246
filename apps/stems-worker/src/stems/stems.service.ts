import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { ENGINE_NAME, type SongParams, type SongRequest } from '@muse/audio-engine';
import { AudioInputError, runStemsTask, STEM_TYPES, type StemsTask } from '@muse/audio-analysis';
import type { JobMessage } from '@muse/contracts';
import { Bucket, JobsRepository, StemsRepository, type NewStem, stemObjectKey, trackObjectKey, TracksRepository, type Database, type Job, type Track, type TrackVersion } from '@muse/db';
import { DATABASE, JobEventsPublisher, LOGGER, STORAGE, type Logger } from '@muse/platform';
import type { StorageService } from '@muse/storage';

class JobFinished extends Error {}

/** A failure that another attempt cannot fix (bad audio, missing track, unsupported mode). */
export class PermanentJobError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Longest audio the local separator accepts: bounds CPU and memory per job. */
export const MAX_STEM_SECONDS = 12 * 60;

interface StemsPayload {
  mode?: string;
  version_id?: string | null;
}

/**
 * One stems job: claim → read the version's audio → (in a worker thread) exact engine layers (when the track was made
 * by the local engine and re-renders identically) or DSP separation → upload under fixed keys
 * (stems/{track}/{job}/{type}.mp3, so a retry overwrites) → one transaction writes the stem rows,
 * has_stems and the job's completion, and lands only while the job is still running.
 */
@Injectable()
export class StemsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly events: JobEventsPublisher,
    private readonly jobs: JobsRepository,
    private readonly tracks: TracksRepository,
    private readonly stems: StemsRepository,
  ) {}

  async run(message: JobMessage): Promise<Record<string, unknown> | undefined> {
    const job = await this.jobs.claim(this.db, message.jobId);
    if (!job) return this.settleUnclaimable(message.jobId);
    if (job.user_id !== message.userId || job.resource_type !== 'track' || !job.resource_id) {
      throw new UnrecoverableError(`job ${job.id} does not match its queue message`);
    }
    await this.events.publish(job);
    try {
      return await this.separate(job, job.resource_id);
    } catch (error) {
      if (error instanceof JobFinished) return undefined;
      const permanent = error instanceof PermanentJobError || error instanceof AudioInputError;
      const final = permanent || job.attempts >= job.max_attempts;
      const code = error instanceof PermanentJobError || error instanceof AudioInputError ? error.code : 'stems-failed';
      await this.finishFailed(job, code, (error as Error).message, final);
      if (final) throw new UnrecoverableError((error as Error).message);
      throw error;
    }
  }

  private async separate(job: Job, trackId: string): Promise<Record<string, unknown> | undefined> {
    const payload = job.payload as StemsPayload;
    const mode = payload.mode ?? 'local';
    if (mode !== 'local') throw new PermanentJobError('provider-unavailable', `stem mode '${mode}' is not available in this worker`);
    const track = await this.tracks.findById(this.db, trackId);
    if (!track) throw new PermanentJobError('track-deleted', 'the track was deleted before its stems were made');
    const version = await this.stems.findVersion(this.db, track.id, payload.version_id);
    if (!version) throw new PermanentJobError('version-missing', 'the track has no audio version to separate');

    const bytes = await this.readAudio(track, version);
    await this.progress(job, 10);
    const started = performance.now();
    const files = await runStemsTask({ audio: bytes, maxSeconds: MAX_STEM_SECONDS, engine: this.engineRequest(track, version) });
    const seconds = (performance.now() - started) / 1000;
    await this.progress(job, 80);

    const uploaded: NewStem[] = [];
    for (const type of STEM_TYPES) {
      const put = await this.storage.put(Bucket.Stems, stemObjectKey(track.id, job.id, type), files.files[type], 'audio/mpeg');
      uploaded.push({ stemType: type, audioUrl: put.url, metadata: { method: files.method, bytes: put.size, duration_seconds: Number(files.durationSeconds.toFixed(3)), stem_set: job.id } });
    }
    const completed = await this.db.transaction().execute(async (trx) => {
      const rows = await this.stems.replaceSet(trx, track.id, version.id, 'local', uploaded);
      const result = {
        track_id: track.id,
        version_id: version.id,
        mode,
        method: files.method,
        processing_seconds: Number(seconds.toFixed(2)),
        stems: rows.map((r) => ({ id: r.id, stem_type: r.stem_type, audio_url: r.audio_url })),
      };
      const done = await this.jobs.complete(trx, job.id, result);
      if (!done) throw new JobFinished(); // cancelled, or landed by another delivery: roll the rows back
      return done;
    });
    await this.events.publish(completed);
    this.logger.info({ job_id: job.id, track_id: track.id, method: files.method, seconds }, 'stems separated');
    return completed.result ?? undefined;
  }

  private async readAudio(track: Track, version: TrackVersion): Promise<Buffer> {
    const key = trackObjectKey(track.user_id, track.id, 'audio.mp3', version.variant_index);
    if (!(await this.storage.exists(Bucket.Tracks, key))) throw new PermanentJobError('audio-missing', 'the version has no stored audio (archived or never generated)');
    return this.storage.get(Bucket.Tracks, key);
  }

  /** The request that made this version, when the local engine made it: the worker then re-renders its exact layers. */
  private engineRequest(track: Track, version: TrackVersion): StemsTask['engine'] {
    const meta = version.metadata as { engine?: string; params?: SongParams; reference_tempo_bpm?: unknown; reference_key?: unknown; reference_mode?: unknown };
    if (meta.engine !== ENGINE_NAME || !meta.params) return undefined;
    const trackMeta = track.metadata as { instrumental?: boolean };
    const request: SongRequest = {
      prompt: track.prompt,
      title: track.title ?? undefined,
      lyrics: track.lyrics ?? undefined,
      styleTags: track.style_tags,
      genre: track.genre ?? undefined,
      mood: track.mood ?? undefined,
      instrumental: trackMeta.instrumental === true,
      durationSeconds: meta.params.durationSeconds,
      seed: meta.params.seed,
      // A song rendered to a reference's tempo and key (generation-worker's local provider records them).
      ...(typeof meta.reference_tempo_bpm === 'number' && typeof meta.reference_key === 'string'
        ? { reference: { tempoBpm: meta.reference_tempo_bpm, key: meta.reference_key, ...(meta.reference_mode === 'major' || meta.reference_mode === 'minor' ? { mode: meta.reference_mode } : {}) } }
        : {}),
    };
    return { request, variantIndex: version.variant_index };
  }

  private async progress(job: Job, percent: number): Promise<void> {
    const value = await this.jobs.setProgress(this.db, job.id, percent);
    if (value !== undefined) await this.events.publish({ ...job, status: 'processing', progress: value });
  }

  private async finishFailed(job: Job, code: string, message: string, final: boolean): Promise<void> {
    const updated = await this.jobs.fail(this.db, job.id, { code, message }, final);
    this.logger.warn({ job_id: job.id, attempt: job.attempts, final, code, err: message }, 'stems attempt failed');
    if (updated) await this.events.publish(updated);
  }

  private async settleUnclaimable(jobId: string): Promise<undefined> {
    const job = await this.jobs.findById(this.db, jobId);
    if (!job || job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled') return undefined;
    await this.finishFailed(job, 'attempts-exhausted', 'the job ran out of attempts (its worker stopped unexpectedly)', true);
    return undefined;
  }
}

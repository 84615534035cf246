import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError, type Job as QueueJob } from 'bullmq';
import { DEFAULT_DURATION_SECONDS, type JobMessage } from '@muse/contracts';
import {
  Bucket,
  JobsRepository,
  NotificationsRepository,
  trackObjectKey,
  TracksRepository,
  type Database,
  type GeneratedVariant,
  type Job,
  type Track,
} from '@muse/db';
import { DATABASE, JobEventsPublisher, LOGGER, STORAGE, type Logger } from '@muse/platform';
import type { StorageService } from '@muse/storage';
import { MUSIC_PROVIDERS, PermanentProviderError, type MusicGenerationProvider, type MusicRequest } from '../providers/music-provider.js';

class JobCancelled extends Error {}

/**
 * Runs one generation job. Every step can be repeated: object keys are fixed per track and
 * variant, versions are upserted, and the final write only lands while the job is still running.
 */
@Injectable()
export class GenerationService implements OnApplicationShutdown {
  private readonly providers: Map<string, MusicGenerationProvider>;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(MUSIC_PROVIDERS) providers: MusicGenerationProvider[],
    private readonly events: JobEventsPublisher,
    private readonly jobs: JobsRepository,
    private readonly tracks: TracksRepository,
    private readonly notifications: NotificationsRepository,
  ) {
    this.providers = new Map(providers.map((p) => [p.name, p]));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.providers.values()].map((p) => p.close?.()));
  }

  async run(message: JobMessage, queueJob?: QueueJob): Promise<Record<string, unknown> | undefined> {
    const job = await this.jobs.claim(this.db, message.jobId);
    if (!job) return this.settleUnclaimable(message.jobId);
    if (job.user_id !== message.userId || job.resource_type !== 'track' || !job.resource_id) {
      throw new UnrecoverableError(`job ${job.id} does not match its queue message`);
    }
    await this.events.publish(job);
    const track = await this.tracks.findById(this.db, job.resource_id);
    if (!track) return this.finishFailed(job, null, 'track-deleted', 'the track was deleted before it was generated', true);
    await this.tracks.setStatus(this.db, track.id, 'processing', { progress: 5 });

    try {
      const provider = this.providers.get(job.provider ?? 'local');
      if (!provider) throw new PermanentProviderError(`provider '${job.provider}' is not available in this worker`);
      const song = await provider.generate(this.requestOf(track, job), (p) => this.progress(job, track.id, p, queueJob));

      const stored: GeneratedVariant[] = [];
      for (const v of song.variants) {
        const audio = await this.storage.put(Bucket.Tracks, trackObjectKey(track.user_id, track.id, 'audio.mp3', v.variantIndex), v.audio, v.audioContentType);
        const cover = await this.storage.put(Bucket.Tracks, trackObjectKey(track.user_id, track.id, 'cover.jpg', v.variantIndex), v.cover, v.coverContentType);
        stored.push({ variantIndex: v.variantIndex, audioUrl: audio.url, coverUrl: cover.url, durationSeconds: v.durationSeconds, lyrics: track.lyrics, metadata: { ...v.metadata, audio_bytes: audio.size } });
      }
      await this.progress(job, track.id, 90, queueJob);

      const completed = await this.db.transaction().execute(async (trx) => {
        const versions = await this.tracks.saveGeneration(trx, track.id, stored, { hasVocals: song.hasVocals, modelName: song.model, title: song.title });
        const result = {
          track_id: track.id,
          versions: versions.map((v) => ({ id: v.id, variant_index: v.variant_index, audio_url: v.audio_url, cover_url: v.cover_url, duration: v.duration, is_primary_variant: v.is_primary_variant })),
        };
        const done = await this.jobs.complete(trx, job.id, result);
        if (!done) throw new JobCancelled();
        await this.notifications.create(trx, { userId: track.user_id, type: 'success', title: 'Your song is ready', message: `"${track.title ?? song.title}" has ${versions.length} new variants.`, link: `/tracks/${track.id}` });
        return done;
      });
      await this.events.publish(completed);
      return completed.result ?? undefined;
    } catch (error) {
      if (error instanceof JobCancelled) {
        this.logger.info({ job_id: job.id }, 'job was cancelled while running; result discarded');
        return undefined;
      }
      const permanent = error instanceof PermanentProviderError;
      const final = permanent || job.attempts >= job.max_attempts;
      await this.finishFailed(job, track, permanent ? 'provider-rejected' : 'generation-failed', (error as Error).message, final);
      if (final) throw new UnrecoverableError((error as Error).message);
      throw error;
    }
  }

  private requestOf(track: Track, job: Job): MusicRequest {
    const payload = job.payload as { duration_seconds?: number | null; seed?: number | null; model?: string | null };
    const metadata = track.metadata as { instrumental?: boolean };
    return {
      prompt: track.prompt,
      title: track.title,
      lyrics: track.lyrics,
      styleTags: track.style_tags,
      genre: track.genre,
      mood: track.mood,
      instrumental: metadata.instrumental === true,
      durationSeconds: payload.duration_seconds ?? DEFAULT_DURATION_SECONDS,
      seed: payload.seed ?? null,
      model: payload.model ?? null,
    };
  }

  private async progress(job: Job, trackId: string, percent: number, queueJob?: QueueJob): Promise<void> {
    const value = await this.jobs.setProgress(this.db, job.id, percent);
    if (value === undefined) return;
    await this.tracks.setStatus(this.db, trackId, 'processing', { progress: value });
    await queueJob?.updateProgress(value);
    await this.events.publish({ ...job, status: 'processing', progress: value });
  }

  private async finishFailed(job: Job, track: Track | null, code: string, message: string, final: boolean): Promise<undefined> {
    const updated = await this.db.transaction().execute(async (trx) => {
      if (track) {
        await this.tracks.recordAttempt(trx, track.id, job.id, Math.min(job.attempts, 3), message);
        await this.tracks.setStatus(trx, track.id, final ? 'failed' : 'processing', { error: message });
        if (final) await this.notifications.create(trx, { userId: job.user_id, type: 'error', title: 'Generation failed', message, link: `/tracks/${track.id}` });
      }
      return this.jobs.fail(trx, job.id, { code, message }, final);
    });
    this.logger.warn({ job_id: job.id, attempt: job.attempts, final, err: message }, 'generation attempt failed');
    if (updated) await this.events.publish(updated);
    return undefined;
  }

  /** A message for a job that cannot run: already finished (a duplicate), or out of attempts after crashes. */
  private async settleUnclaimable(jobId: string): Promise<undefined> {
    const job = await this.jobs.findById(this.db, jobId);
    if (!job || job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled') return undefined;
    const track = job.resource_id ? ((await this.tracks.findById(this.db, job.resource_id)) ?? null) : null;
    return this.finishFailed(job, track, 'attempts-exhausted', 'the job ran out of attempts (its worker stopped unexpectedly)', true);
  }
}

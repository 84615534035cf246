import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError, type Job as QueueJob } from 'bullmq';
import { DEFAULT_DURATION_SECONDS, type JobMessage, type ProviderUpdateMessage } from '@muse/contracts';
import {
  Bucket,
  CallbackLogsRepository,
  JobsRepository,
  NotificationsRepository,
  PersonasRepository,
  ProviderTasksRepository,
  TrackMediaRepository,
  trackObjectKey,
  TracksRepository,
  type Database,
  type GeneratedVariant,
  type Job,
  type Track,
} from '@muse/db';
import { AnalyticsEmitter, ContinuationScheduler, DATABASE, JobEventsPublisher, LOGGER, STORAGE, WaitForBreaker, type Logger } from '@muse/platform';
import { callbackUrl, CircuitOpenError, ProviderError, type CircuitBreaker, type ProviderEnv } from '@muse/providers';
import type { StorageService } from '@muse/storage';
import { isSubmitted, PermanentProviderError, type GeneratedMusic, type MusicGenerationProvider, type MusicRequest, type SubmittedTask } from '../providers/music-provider.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import { ReferenceAudioError, ReferenceAudioFetcher } from '../providers/reference-audio.js';
import type { LocalMusicRequest } from '../providers/local-music.provider.js';
import { personaVoiceOf } from './persona-voice.js';

class JobCancelled extends Error {}

/** The master variant's video (providers that render one put video_url in its metadata). */
const masterVideo = (song: GeneratedMusic): { variantIndex: number; url: string; video: Record<string, unknown> } | undefined => {
  const master = song.variants.find((v) => v.variantIndex === 0) ?? song.variants[0];
  const meta = (master?.metadata ?? {}) as { video_url?: unknown; video?: unknown };
  if (!master || typeof meta.video_url !== 'string' || !/^https?:\/\//.test(meta.video_url)) return undefined;
  return { variantIndex: master.variantIndex, url: meta.video_url, video: meta.video && typeof meta.video === 'object' ? (meta.video as Record<string, unknown>) : {} };
};

/** Whether the completion has more to write than complete_generation does (landExtras). */
const hasExtras = (track: Track, song: GeneratedMusic): boolean => Boolean(track.persona_id) || masterVideo(song) !== undefined;

export const PROVIDER_ENV = Symbol('PROVIDER_ENV');

const isPermanent = (error: unknown) => error instanceof PermanentProviderError || (error instanceof ProviderError && error.permanent);

/**
 * Runs one generation job. Every step can be repeated: object keys are fixed per track and
 * variant, versions are upserted, and the final write only lands while the job is still running.
 * Asynchronous providers (Suno, Mureka) return a task id; the job then stays `processing` and is
 * finished by `update()` — from a poll tick or a verified callback, whichever sees the result
 * first; the completion transaction lets exactly one of them land.
 */
@Injectable()
export class GenerationService implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROVIDER_ENV) private readonly env: ProviderEnv,
    private readonly providers: ProviderRegistry,
    private readonly polls: ContinuationScheduler,
    private readonly events: JobEventsPublisher,
    private readonly analytics: AnalyticsEmitter,
    private readonly jobs: JobsRepository,
    private readonly tracks: TracksRepository,
    private readonly notifications: NotificationsRepository,
    private readonly providerTasks: ProviderTasksRepository,
    private readonly personas: PersonasRepository,
    private readonly media: TrackMediaRepository,
    private readonly callbacks: CallbackLogsRepository,
    private readonly references: ReferenceAudioFetcher,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.providers.all().map((p) => p.close?.()));
  }

  async run(message: JobMessage, queueJob?: QueueJob): Promise<Record<string, unknown> | undefined> {
    // The claim, the track read and the track marked processing (5 %) in one statement.
    const claimed = await this.jobs.claimTrackJob(this.db, message.jobId, message.userId, 5);
    if (!claimed) return this.settleUnclaimable(message.jobId);
    const { job, track } = claimed;
    if (job.user_id !== message.userId || job.resource_type !== 'track' || !job.resource_id) {
      throw new UnrecoverableError(`job ${job.id} does not match its queue message`);
    }
    await this.events.publish(job);
    // Started by this claim (started_at set now), not taken again after waiting for a breaker (its attempt given back).
    if (job.attempts === 1 && job.started_at?.getTime() === job.updated_at.getTime()) this.report(job, 'generation_started');
    if (!track) return this.finishFailed(job, null, 'track-deleted', 'the track was deleted before it was generated', true);

    try {
      // Already submitted (a redelivered message after a crash or a sweep): never submit twice, poll.
      if (job.provider_task_id && job.provider) {
        await this.polls.schedule(job, 'generation.provider-update', 0);
        return { provider: job.provider, provider_task_id: job.provider_task_id };
      }
      const request = await this.withReference(await this.withPersona(this.requestOf(track, job), track), track);
      const { provider, outcome } = await this.submit(job, request, (p) => this.progress(job, track.id, p, queueJob));
      if (isSubmitted(outcome)) {
        const recorded = await this.providerTasks.recordSubmission(this.db, job.id, track.id, provider.name, outcome.submitted);
        if (!recorded) return undefined; // cancelled meanwhile
        await this.polls.schedule(recorded, 'generation.provider-update', 0, { slower: provider.sendsCallbacks === true });
        // A provider may call back before its submit answer reaches us: update() could not apply that callback
        // (no task id yet) and no other may follow, so it is run again now that the task id is recorded.
        const early = provider.sendsCallbacks === true ? await this.callbacks.latestAccepted(this.db, job.id) : undefined;
        if (early) await this.polls.callbackNow(recorded, 'generation.provider-update', early.id);
        this.logger.info({ job_id: job.id, provider: provider.name, provider_task_id: outcome.submitted }, 'submitted to provider');
        return { provider: provider.name, provider_task_id: outcome.submitted };
      }
      if (provider.name !== job.provider) await this.providerTasks.recordSubmission(this.db, job.id, track.id, provider.name, null);
      return await this.complete(job, track, outcome, queueJob);
    } catch (error) {
      return this.onFailure(job, track, error);
    }
  }

  /** A poll tick or a callback for a submitted job: read the provider, then progress, finish or fail. */
  async update(message: ProviderUpdateMessage, queueJob?: QueueJob): Promise<Record<string, unknown> | undefined> {
    const job = await this.jobs.findById(this.db, message.jobId);
    // Finished (duplicate or late callback), not submitted, or not the message's owner: nothing to do.
    if (!job || job.status !== 'processing' || job.user_id !== message.userId || !job.provider || !job.provider_task_id || !job.resource_id) {
      // The submission is recorded after this callback: run() sees the logged callback and polls at once.
      if (job?.status === 'processing' && !job.provider_task_id && message.source === 'callback') this.logger.info({ job_id: job.id }, 'callback before the provider task id was recorded; run again once it is');
      return undefined;
    }
    const track = await this.tracks.findById(this.db, job.resource_id);
    if (!track) return this.finishFailed(job, null, 'track-deleted', 'the track was deleted before it was generated', true);
    const provider = this.providers.get(job.provider);
    if (!provider?.poll) return this.finishFailed(job, track, 'provider-unavailable', `provider '${job.provider}' cannot be polled by this worker`, true);
    const pollCount = message.pollCount ?? 0;
    const continuePolling = async (notBeforeMs?: number) => {
      if (message.source !== 'poll') return undefined; // callbacks never fork the poll chain
      const startedAt = job.started_at ? new Date(job.started_at).getTime() : Date.now();
      if (Date.now() - startedAt > this.env.PROVIDER_TASK_TIMEOUT_MS) {
        return this.finishFailed(job, track, 'provider-timeout', `the provider did not finish within ${Math.round(this.env.PROVIDER_TASK_TIMEOUT_MS / 1000)} s`, true);
      }
      await this.jobs.touch(this.db, [job.id]); // a waiting job is alive: keep the stale sweep away
      await this.polls.schedule(job, 'generation.provider-update', pollCount + 1, { notBeforeMs });
      return undefined;
    };

    let outcome;
    try {
      outcome = await this.providers.breaker(provider.name).exec(() => provider.poll!(job.provider_task_id!, this.requestOf(track, job)));
    } catch (error) {
      if (isPermanent(error)) return this.finishFailed(job, track, 'provider-result-refused', (error as Error).message, true);
      this.logger.warn({ job_id: job.id, provider: provider.name, err: (error as Error).message, source: message.source }, 'provider poll failed; will poll again');
      // A 429's Retry-After is honoured: the next poll comes no earlier than the provider asked.
      return continuePolling(error instanceof ProviderError ? error.details.retryAfterMs : undefined);
    }
    switch (outcome.state) {
      case 'pending':
        await this.progress(job, track.id, outcome.progress, queueJob);
        return continuePolling();
      case 'failed':
        return this.finishFailed(job, track, outcome.userFault ? 'provider-rejected' : 'provider-failed', outcome.message, true);
      case 'done':
        try {
          return await this.complete(job, track, outcome.music, queueJob);
        } catch (error) {
          if (error instanceof JobCancelled) return undefined;
          this.logger.warn({ job_id: job.id, err: (error as Error).message }, 'storing the provider result failed; will poll again');
          return continuePolling();
        }
    }
  }

  /** Tries the requested provider, then the fallbacks, skipping any whose breaker is open. */
  private async submit(job: Job, request: MusicRequest, progress: (p: number) => Promise<void>): Promise<{ provider: MusicGenerationProvider; outcome: GeneratedMusic | SubmittedTask }> {
    const requested = job.provider ?? 'local';
    const candidates = this.providers.candidates(requested);
    if (candidates.length === 0) throw new PermanentProviderError(`provider '${requested}' is not available in this worker`);
    let last: unknown;
    const open: CircuitBreaker[] = [];
    for (const provider of candidates) {
      const breaker = this.providers.breaker(provider.name);
      if (!breaker.isAvailable()) {
        last = new CircuitOpenError(provider.name);
        open.push(breaker);
        continue;
      }
      const context = { jobId: job.id, callbackUrl: this.callbackUrlFor(provider, job) };
      try {
        return { provider, outcome: await breaker.exec(() => provider.generate(request, progress, context)) };
      } catch (error) {
        if (isPermanent(error)) throw error; // the request is at fault: another provider would refuse it too
        last = error;
        if (error instanceof CircuitOpenError) {
          // Another job took the half-open breaker's one trial since isAvailable(): this provider was not called.
          open.push(breaker);
          continue;
        }
        this.logger.warn({ job_id: job.id, provider: provider.name, err: (error as Error).message }, 'provider failed; trying the next one');
      }
    }
    // No provider was called: the job waits for a breaker rather than spending an attempt on nothing.
    if (open.length === candidates.length) throw WaitForBreaker.for(open);
    throw last;
  }

  private callbackUrlFor(provider: MusicGenerationProvider, job: Job): string | undefined {
    if (!provider.sendsCallbacks || !this.env.PROVIDER_CALLBACK_BASE_URL || !this.env.PROVIDER_CALLBACK_SECRET) return undefined;
    return callbackUrl(this.env.PROVIDER_CALLBACK_BASE_URL, this.env.PROVIDER_CALLBACK_SECRET, provider.name, job.id);
  }

  /** Stores the files in our S3 under fixed keys and lands the result in one transaction (at most once). */
  private async complete(job: Job, track: Track, song: GeneratedMusic, queueJob?: QueueJob): Promise<Record<string, unknown> | undefined> {
    const stored: GeneratedVariant[] = [];
    for (const v of song.variants) {
      const audio = await this.storage.put(Bucket.Tracks, trackObjectKey(track.user_id, track.id, 'audio.mp3', v.variantIndex), v.audio, v.audioContentType);
      const cover = await this.storage.put(Bucket.Tracks, trackObjectKey(track.user_id, track.id, 'cover.jpg', v.variantIndex), v.cover, v.coverContentType);
      stored.push({ variantIndex: v.variantIndex, audioUrl: audio.url, coverUrl: cover.url, durationSeconds: v.durationSeconds, lyrics: track.lyrics, metadata: { ...v.metadata, audio_bytes: audio.size } });
    }
    await this.progress(job, track.id, 90, queueJob);

    try {
      // Versions, track, job and notification in one statement (complete_generation); a persona's usage
      // or a provider's video join it in one transaction when there are any.
      const land = async (db: Database) => {
        const done = await this.tracks.completeGeneration(db, {
          jobId: job.id,
          trackId: track.id,
          variants: stored,
          trackFields: { hasVocals: song.hasVocals, modelName: song.model, title: song.title },
          notification: { userId: track.user_id, type: 'success', title: 'Your song is ready', message: `"${track.title ?? song.title}" has ${stored.length} new variants.`, link: `/tracks/${track.id}` },
        });
        if (!done) throw new JobCancelled();
        return done;
      };
      const completed = hasExtras(track, song)
        ? await this.db.transaction().execute(async (trx) => {
            const done = await land(trx);
            await this.landExtras(trx, track, song);
            return done;
          })
        : await land(this.db);
      await this.events.publish(completed);
      this.report(completed, 'generation_completed');
      return completed.result ?? undefined;
    } catch (error) {
      if (error instanceof JobCancelled) {
        this.logger.info({ job_id: job.id }, 'job already finished (cancelled, or completed by a concurrent update); result discarded');
        return undefined;
      }
      throw error;
    }
  }

  /** The track's persona (its engine voice) on the request; the gateway already checked the caller may use it. */
  private async withPersona(request: MusicRequest, track: Track): Promise<LocalMusicRequest> {
    if (!track.persona_id) return request;
    const persona = await this.personas.findById(this.db, track.persona_id);
    const voice = persona ? personaVoiceOf(persona) : undefined;
    return voice ? { ...request, persona: { id: persona!.id, voice } } : request;
  }

  /** The track's reference recording, fetched and checked once per attempt, whichever provider takes the job. */
  private async withReference<R extends MusicRequest>(request: R, track: Track): Promise<R> {
    return track.reference_audio_url ? { ...request, reference: await this.references.fetch(track.reference_audio_url) } : request;
  }

  /**
   * In the completion transaction (so at most once per generation): the persona's usage, and a provider's
   * video through update_track_video_metadata.
   */
  private async landExtras(trx: Parameters<TracksRepository['saveGeneration']>[0], track: Track, song: GeneratedMusic): Promise<void> {
    if (track.persona_id) await this.personas.recordUse(trx, track.persona_id);
    // The master's lyric timing (variant metadata.timestamped_lyrics) reaches the track by the trigger of
    // migration 0016 (mirror_master_lyric_timing), which also follows later master changes.
    // Providers that render a video (Suno's clips carry video_url) put it in the variant's metadata.
    const video = masterVideo(song);
    if (video) await this.media.updateVideoMetadata(trx, track.id, video.url, { ...video.video, source: 'provider', variant_index: video.variantIndex });
  }

  private async onFailure(job: Job, track: Track, error: unknown): Promise<undefined> {
    if (error instanceof WaitForBreaker && this.mayWait(job, error)) return this.waitForBreaker(job, error);
    // Waited long enough: an open breaker is then an unanswered attempt, as it was before waiting existed.
    const failure = error instanceof WaitForBreaker ? new CircuitOpenError(error.providers.join(', ')) : error;
    const permanent = isPermanent(failure);
    const final = permanent || job.attempts >= job.max_attempts;
    const code = failure instanceof ReferenceAudioError ? failure.code : permanent ? 'provider-rejected' : 'generation-failed';
    await this.finishFailed(job, track, code, (failure as Error).message, final);
    if (final) throw new UnrecoverableError((failure as Error).message);
    throw failure;
  }

  /**
   * Waiting is bounded by the task timeout, counted from the job's first start (the same clock update()
   * gives up by): a job whose providers stay down that long fails as any unanswered attempt does.
   */
  private mayWait(job: Job, wait: WaitForBreaker): boolean {
    const startedAt = job.started_at ? new Date(job.started_at).getTime() : Date.now();
    return wait.dueAt - startedAt <= this.env.PROVIDER_TASK_TIMEOUT_MS;
  }

  /**
   * Gives the claim's attempt back and lets the transport delay the job until a breaker half-opens (it logs
   * and counts it). The track stays processing: from the user's side the song is on its way.
   */
  private async waitForBreaker(job: Job, wait: WaitForBreaker): Promise<undefined> {
    const waiting = await this.jobs.unclaim(this.db, job.id);
    if (!waiting) return undefined; // cancelled meanwhile: nothing to wait for
    await this.events.publish(waiting);
    throw wait;
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
    const value = await this.jobs.setTrackJobProgress(this.db, job.id, trackId, percent);
    if (value === undefined) return;
    await queueJob?.updateProgress(value);
    await this.events.publish({ ...job, status: 'processing', progress: value });
  }

  private async finishFailed(job: Job, track: Track | null, code: string, message: string, final: boolean): Promise<undefined> {
    const updated = await this.db.transaction().execute(async (trx) => {
      // The job's transition first: when another path (a callback, a poll, a retry) already ended it, this
      // one changes nothing — no second track update, no second "Generation failed" notification.
      // (Releasing the task touches only an unfinished job: it is a no-op exactly when the fail below is.)
      if (final) await this.providerTasks.releaseTask(trx, job.id);
      const failed = await this.jobs.fail(trx, job.id, { code, message }, final);
      if (!failed) return undefined;
      if (track) {
        await this.tracks.recordAttempt(trx, track.id, job.id, Math.min(job.attempts, 3), message);
        await this.tracks.setStatus(trx, track.id, final ? 'failed' : 'processing', { error: message });
        if (final) await this.notifications.create(trx, { userId: job.user_id, type: 'error', title: 'Generation failed', message, link: `/tracks/${track.id}` });
      }
      return failed;
    });
    this.logger.warn({ job_id: job.id, attempt: job.attempts, final, code, err: message }, 'generation attempt failed');
    if (updated) await this.events.publish(updated);
    if (updated && final) this.report(updated, 'generation_failed', code);
    return undefined;
  }

  /** Platform analytics (issue 9's path into analytics_events); never allowed to fail the job. */
  private report(job: Job, type: 'generation_started' | 'generation_completed' | 'generation_failed', errorCode?: string): void {
    if (job.resource_type !== 'track' || !job.resource_id) return;
    const base = { track_id: job.resource_id, job_id: job.id };
    const event =
      type === 'generation_completed'
        ? { event_type: type, ...base, duration_ms: Math.max(0, Math.min(86_400_000, Date.now() - job.created_at.getTime())) }
        : type === 'generation_failed'
          ? { event_type: type, ...base, error_code: errorCode }
          : { event_type: type, ...base };
    this.analytics.emit(job.user_id, [event]).catch((error) => this.logger.warn({ err: error, job_id: job.id }, 'analytics event not queued'));
  }

  /** A message for a job that cannot run: already finished (a duplicate), or out of attempts after crashes. */
  private async settleUnclaimable(jobId: string): Promise<undefined> {
    const job = await this.jobs.findById(this.db, jobId);
    if (!job || job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled') return undefined;
    const track = job.resource_id ? ((await this.tracks.findById(this.db, job.resource_id)) ?? null) : null;
    return this.finishFailed(job, track, 'attempts-exhausted', 'the job ran out of attempts (its worker stopped unexpectedly)', true);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Job as QueueJob } from 'bullmq';
import { applyEffectsChain, encodeMp3Parallel, SAMPLE_RATE, type EffectSpec } from '@muse/audio-engine';
import { EffectsChain, type JobMessage } from '@muse/contracts';
import { Bucket, TrackEffectsRepository, TracksRepository, type Database } from '@muse/db';
import { DATABASE, STORAGE } from '@muse/platform';
import type { StorageService } from '@muse/storage';
import { versionAudio } from '../jobs/audio-source.js';
import { JobRunner, PermanentJobError, type JobSpec } from '../jobs/job-runner.js';

/** What the gateway put on the job row: the chain (validated there, from a preset or inline) and where it came from. */
interface EffectsPayload {
  track_id: string;
  effects_chain: unknown;
  effects_preset_id?: string | null;
  effects_preset_name?: string | null;
}

interface EffectsOutcome {
  url: string;
  trackId: string;
  sourceVersionId: string;
  coverUrl: string | null;
  lyrics: string | null;
  seconds: number;
  frames: number;
  processingSeconds: number;
  chain: EffectSpec[];
  /** The source's lyric timing: effects do not move time, so the new version is sung when the source was. */
  timedLyrics: unknown;
}

/** tracks/{user_id}/{track_id}/effects/{job_id}.mp3: fixed per job, so a retry overwrites instead of leaving orphans. */
export const effectsObjectKey = (userId: string, trackId: string, jobId: string) => `${userId}/${trackId}/effects/${jobId}.mp3`;

/**
 * An effects chain (EQ, compressor, reverb, delay) over a track version with real DSP; the result is a
 * NEW non-primary version of the track, and the source version is left exactly as it was.
 */
@Injectable()
export class EffectsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    private readonly runner: JobRunner,
    private readonly effects: TrackEffectsRepository,
    private readonly tracks: TracksRepository,
  ) {}

  run(message: JobMessage, queueJob?: QueueJob) {
    return this.runner.run(message, this.spec, queueJob);
  }

  private readonly spec: JobSpec<EffectsOutcome> = {
    resourceType: 'track_version',
    label: 'Effects',
    execute: async (job, progress) => {
      const started = performance.now();
      const payload = job.payload as unknown as EffectsPayload;
      // Checked again here: the row is the platform's, but a chain that cannot run must fail once, not three times.
      const chain = EffectsChain.safeParse(payload.effects_chain);
      if (!chain.success) throw new PermanentJobError('the effects chain is not one this platform can apply');
      const version = await this.effects.findVersion(this.db, job.resource_id!);
      if (!version?.audio_url) throw new PermanentJobError('the version to process no longer exists');
      const track = await this.tracks.findById(this.db, version.parent_track_id);
      if (!track || track.user_id !== job.user_id) throw new PermanentJobError('the track is gone');
      const audio = await versionAudio(this.storage, { ...version, audio_url: version.audio_url }, SAMPLE_RATE);
      await progress(30);
      const processed = applyEffectsChain(audio, SAMPLE_RATE, chain.data as EffectSpec[]);
      await progress(70);
      // Two halves in two worker threads (the encoder is the largest part of the job; issue 15).
      const stored = await this.storage.put(Bucket.Tracks, effectsObjectKey(track.user_id, track.id, job.id), await encodeMp3Parallel(processed, SAMPLE_RATE), 'audio/mpeg');
      await progress(90);
      return {
        url: stored.url,
        trackId: track.id,
        sourceVersionId: version.id,
        coverUrl: version.cover_url,
        lyrics: version.lyrics,
        frames: processed.left.length,
        seconds: processed.left.length / SAMPLE_RATE,
        processingSeconds: (performance.now() - started) / 1000,
        chain: chain.data as EffectSpec[],
        timedLyrics: (version.metadata as { timestamped_lyrics?: unknown } | null)?.timestamped_lyrics,
      };
    },
    land: async (trx, job, out) => {
      const payload = job.payload as unknown as EffectsPayload;
      const version = await this.effects.insertVersion(trx, {
        trackId: out.trackId,
        jobId: job.id,
        audioUrl: out.url,
        coverUrl: out.coverUrl,
        durationSeconds: out.seconds,
        lyrics: out.lyrics,
        metadata: {
          // The exact length lets later jobs strip the MP3 padding (audio-source exactDurationOf).
          exact_duration_seconds: out.seconds,
          ...(Array.isArray(out.timedLyrics) ? { timestamped_lyrics: out.timedLyrics } : {}),
          effects: {
            job_id: job.id,
            source_version_id: out.sourceVersionId,
            effects_chain: out.chain,
            effects_preset_id: payload.effects_preset_id ?? null,
            effects_preset_name: payload.effects_preset_name ?? null,
            processing_seconds: Math.round(out.processingSeconds * 1000) / 1000,
          },
        },
      });
      if (payload.effects_preset_id) await this.effects.countPresetUse(trx, payload.effects_preset_id);
      return {
        result: {
          track_id: out.trackId,
          source_version_id: out.sourceVersionId,
          version: { id: version.id, variant_index: version.variant_index, audio_url: version.audio_url, duration: version.duration, is_primary_variant: version.is_primary_variant },
          effects_preset_id: payload.effects_preset_id ?? null,
          duration_seconds: out.seconds,
        },
        notice: { title: 'Your effects are applied', message: `${payload.effects_preset_name ?? 'Custom chain'}: a new version of the track.`, link: `/tracks/${out.trackId}` },
      };
    },
    // No domain row of its own: the job row carries the failure; the source version is untouched.
    failed: async () => undefined,
  };
}

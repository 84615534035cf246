import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Job as QueueJob } from 'bullmq';
import { encodeMp3Parallel, renderSong, SAMPLE_RATE, spliceSection, toFrame } from '@muse/audio-engine';
import type { JobMessage } from '@muse/contracts';
import { Bucket, SectionReplacementsRepository, trackObjectKey, TracksRepository, type Database } from '@muse/db';
import { DATABASE, STORAGE } from '@muse/platform';
import type { StorageService } from '@muse/storage';
import { versionAudio } from '../jobs/audio-source.js';
import { JobRunner, PermanentJobError, type JobSpec } from '../jobs/job-runner.js';
import { beginWork, workVersion } from '../jobs/work-source.js';

/** A stable seed per replacement: a retry renders the same audio. */
const seedOf = (id: string) => createHash('sha256').update(id).digest().readUInt32BE(0) & 0x7fffffff;

interface SectionOutcome {
  trackId: string;
  sourceVersionId: string;
  variantIndex: number;
  audioUrl: string;
  coverUrl: string | null;
  lyrics: string | null;
  frames: number;
  range: { start: number; end: number; fade: number };
}

/**
 * Regenerates a range of a version with the local engine from the new prompt and splices it in with
 * equal-power crossfades inside the range; the result is a NEW version of the track (the next
 * variant index), the source version and the master stay as they were.
 */
@Injectable()
export class SectionReplacementService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    private readonly runner: JobRunner,
    private readonly sections: SectionReplacementsRepository,
    private readonly tracks: TracksRepository,
  ) {}

  run(message: JobMessage, queueJob?: QueueJob) {
    return this.runner.run(message, this.spec, queueJob);
  }

  private readonly spec: JobSpec<SectionOutcome> = {
    resourceType: 'track_section_replacement',
    label: 'Section replacement',
    execute: async (job, progress) => {
      const row = await beginWork(await this.sections.findById(this.db, job.resource_id!), 'the section replacement was deleted with its track', (r) => this.sections.setStatus(this.db, r.id, 'processing'));
      const { track, version: source } = await workVersion(this.db, this.tracks, row.parent_track_id, (v) => v.id === row.version_id, 'the track version to edit no longer exists');

      const original = await versionAudio(this.storage, source, SAMPLE_RATE);
      const start = toFrame(Number(row.replaced_start_s), SAMPLE_RATE);
      const end = toFrame(Number(row.replaced_end_s), SAMPLE_RATE);
      if (end > original.left.length) throw new PermanentJobError(`the section ends after the track (${(original.left.length / SAMPLE_RATE).toFixed(2)} s)`);
      await progress(20);

      // The engine renders whole songs of at least 5 s: render one long enough and take its opening.
      const seconds = Math.min(240, Math.max(5, Math.ceil((end - start) / SAMPLE_RATE) + 1));
      const metadata = track.metadata as { instrumental?: boolean };
      const song = renderSong(
        {
          prompt: [row.prompt, row.tags].filter(Boolean).join(', '),
          genre: track.genre ?? undefined,
          mood: track.mood ?? undefined,
          instrumental: metadata.instrumental === true,
          durationSeconds: seconds,
          seed: seedOf(row.id),
        },
        0,
      );
      await progress(60);
      const replacement = { left: song.mix.left.subarray(0, end - start), right: song.mix.right.subarray(0, end - start) };
      const fade = toFrame(((job.payload as { crossfade_ms?: number }).crossfade_ms ?? 60) / 1000, SAMPLE_RATE);
      const spliced = spliceSection(original, replacement, { start, end, fade });
      const variantIndex = await this.sections.reserveVariantIndex(this.db, row.id, track.id);
      // The whole new version is encoded, as two halves in two worker threads (issue 15).
      const stored = await this.storage.put(Bucket.Tracks, trackObjectKey(track.user_id, track.id, 'audio.mp3', variantIndex), await encodeMp3Parallel(spliced, SAMPLE_RATE), 'audio/mpeg');
      await progress(90);
      return { trackId: track.id, sourceVersionId: source.id, variantIndex, audioUrl: stored.url, coverUrl: source.cover_url, lyrics: source.lyrics, frames: spliced.left.length, range: { start, end, fade } };
    },
    land: async (trx, job, out) => {
      const version = await this.sections.complete(trx, job.resource_id!, {
        trackId: out.trackId,
        variantIndex: out.variantIndex,
        audioUrl: out.audioUrl,
        coverUrl: out.coverUrl,
        durationSeconds: out.frames / SAMPLE_RATE,
        lyrics: out.lyrics,
        metadata: { exact_duration_seconds: out.frames / SAMPLE_RATE, section_replacement_id: job.resource_id, source_version_id: out.sourceVersionId, replaced_frames: [out.range.start, out.range.end], crossfade_frames: out.range.fade, engine: 'muse-local-engine' },
      });
      return {
        result: { section_replacement_id: job.resource_id, track_id: out.trackId, source_version_id: out.sourceVersionId, version: { id: version.id, variant_index: version.variant_index, audio_url: version.audio_url, duration: version.duration, is_primary_variant: version.is_primary_variant } },
        notice: { title: 'Your section is replaced', message: `A new version (#${version.variant_index}) of the track is ready; the original is unchanged.`, link: `/tracks/${out.trackId}` },
      };
    },
    failed: async (trx, job, message, final) => {
      await this.sections.setStatus(trx, job.resource_id!, final ? 'failed' : 'processing', message);
    },
  };
}

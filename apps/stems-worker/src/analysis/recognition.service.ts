import { Inject, Injectable } from '@nestjs/common';
import { bestMatch, decodeAudio, fingerprint } from '@muse/audio-analysis';
import type { JobMessage } from '@muse/contracts';
import { FingerprintsRepository, StemsRepository, TracksRepository, type Database, type Job } from '@muse/db';
import { DATABASE, STORAGE } from '@muse/platform';
import type { StorageService } from '@muse/storage';
import { MAX_STEM_SECONDS, PermanentJobError } from '../stems/stems.service.js';
import { readAudioSource, type AudioSource } from './audio-source.js';
import { JobRunner } from './job-runner.js';

/**
 * recognition.run: landmarks of the query → index rows of the tracks the requester may see
 * (public, or their own: another user's private track is never a candidate, so never revealed)
 * → the track most hashes agree on at one offset, with title, artist (owner's name) and confidence.
 */
@Injectable()
export class RecognitionService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    private readonly runner: JobRunner,
    private readonly fingerprints: FingerprintsRepository,
    private readonly tracks: TracksRepository,
    private readonly stems: StemsRepository,
  ) {}

  run(message: JobMessage) {
    return this.runner.run(message, 'song_recognition', {
      compute: (job) => this.compute(job),
      markFailed: (trx, job, error) => this.fingerprints.failRecognition(trx, job.resource_id!, error),
    });
  }

  /**
   * Matches the job's audio against the index and returns the completion to land. `heard` is what a
   * provider transcribed from the same audio (Mureka names no recording, it transcribes lyrics):
   * kept beside our own match in the row's metadata and the job's result.
   */
  async compute(job: Job, heard?: { provider: string; lyrics?: unknown; durationSeconds?: number }) {
    const row = await this.fingerprints.findRecognition(this.db, job.resource_id!);
    if (!row) throw new PermanentJobError('recognition-deleted', 'the recognition was deleted');
    const source = (row.metadata as { source?: AudioSource }).source;
    if (!source) throw new PermanentJobError('audio-missing', 'the recognition names no audio');
    const { bytes } = await readAudioSource(this.db, this.storage, this.tracks, this.stems, source);
    const started = performance.now();
    const query = fingerprint(await decodeAudio(bytes, { maxSeconds: MAX_STEM_SECONDS, minSeconds: 3 }));
    const { hits, skipped } = await this.fingerprints.lookup(this.db, [...new Set(query.map((q) => q.hash))], row.user_id);
    // Over-common hashes were not searched: the share of agreeing hashes is of those that were.
    const searched = skipped.length ? query.filter((q) => !skipped.includes(q.hash)) : query;
    const match = bestMatch(searched, hits.map((h) => ({ trackId: h.track_id, t: h.t, hash: h.hash })));
    const candidate = match ? await this.fingerprints.candidate(this.db, match.trackId) : undefined;
    // Checked again on the row itself: visibility may have changed since the lookup.
    const visible = candidate && (candidate.isPublic || candidate.userId === row.user_id) ? candidate : undefined;
    const seconds = (performance.now() - started) / 1000;
    return async (trx: Parameters<Parameters<JobRunner['run']>[2]['markFailed']>[0]) => {
      const done = await this.fingerprints.completeRecognition(trx, row.id, {
        title: visible ? (visible.title ?? 'Untitled') : null,
        artist: visible?.artist ?? null,
        confidence: visible ? match!.confidence : 0,
        externalIds: visible ? { muse_track_id: visible.trackId } : {},
        metadata: {
          method: 'landmark-fingerprint', query_hashes: query.length, aligned: visible ? match!.aligned : 0, offset_seconds: visible ? match!.offsetSeconds : null,
          ...(heard ? { provider: heard.provider, transcribed_by: heard.provider, lyrics: heard.lyrics ?? null, duration_seconds: heard.durationSeconds ?? null } : {}),
        },
      });
      return {
        recognition_id: done.id,
        recognized: visible !== undefined,
        recognized_title: done.recognized_title,
        recognized_artist: done.recognized_artist,
        confidence_score: Number(done.confidence_score ?? 0),
        track_id: visible?.trackId ?? null,
        offset_seconds: visible ? Number(match!.offsetSeconds.toFixed(2)) : null,
        processing_seconds: Number(seconds.toFixed(2)),
        ...(heard ? { transcribed_by: heard.provider, lyrics: heard.lyrics ?? null } : {}),
      };
    };
  }
}

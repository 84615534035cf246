import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { encodeMp3 } from '@muse/audio-engine';
import { Bucket, SectionReplacementsRepository, trackObjectKey, TracksRepository, type Database, type DB, type Job } from '@muse/db';
import { DATABASE, PermanentTaskError, ProviderResultFiles, STORAGE, type ProviderTaskSpec } from '@muse/platform';
import type { SectionReplacementInput, SectionReplacementResult } from '@muse/providers';
import type { StorageService } from '@muse/storage';
import { decodeAudio } from '../jobs/audio-source.js';
import { STUDIO_KIND_PROVIDERS, type StudioKindProviders } from '../jobs/studio-providers.js';
import { workVersion } from '../jobs/work-source.js';

interface StoredSection {
  trackId: string;
  sourceVersionId: string;
  variantIndex: number;
  audioUrl: string;
  coverUrl: string | null;
  lyrics: string | null;
  durationSeconds: number;
  providerClipId: string | null;
}

/**
 * Section replacement at Suno (replace-section on a song it generated): Suno answers with the whole
 * song, the section regenerated. It becomes a new version of the track — stored under the version's
 * own key in our S3, the original untouched — carrying Suno's new ids for later follow-up work.
 */
@Injectable()
export class ProviderSection {
  readonly spec: ProviderTaskSpec<SectionReplacementInput, SectionReplacementResult, StoredSection>;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    @Inject(STUDIO_KIND_PROVIDERS) providers: StudioKindProviders,
    private readonly files: ProviderResultFiles,
    private readonly sections: SectionReplacementsRepository,
    private readonly tracks: TracksRepository,
  ) {
    this.spec = {
      resourceType: 'track_section_replacement',
      label: 'Section replacement',
      kind: 'section_replacement',
      updateJobName: 'section_replacement.provider-update',
      providers: providers.sectionReplacement,
      started: (job) => this.sections.setStatus(this.db, job.resource_id!, 'processing'),
      input: (job) => this.input(job),
      store: (job, provider, value) => this.store(job, provider, value),
      land: (trx, job, out, provider) => this.land(trx, job, out, provider),
      failed: (trx, job, message, final) => this.sections.setStatus(trx, job.resource_id!, final ? 'failed' : 'processing', message),
    };
  }

  private async source(job: Job) {
    const row = await this.sections.findById(this.db, job.resource_id!);
    if (!row) throw new PermanentTaskError('section-deleted', 'the section replacement was deleted with its track');
    const { track, version } = await workVersion(this.db, this.tracks, row.parent_track_id, (v) => v.id === row.version_id, 'the track version to edit no longer exists').catch((e: Error) => {
      throw new PermanentTaskError('version-missing', e.message);
    });
    return { row, track, version };
  }

  private async input(job: Job): Promise<SectionReplacementInput> {
    const { row, track, version } = await this.source(job);
    const meta = version.metadata as { provider_task_id?: string; provider_clip_id?: string };
    const taskId = meta.provider_task_id ?? track.suno_id;
    if (!taskId || !meta.provider_clip_id) throw new PermanentTaskError('provider-unavailable', 'Suno replaces sections only of songs it generated');
    return {
      providerRef: { taskId, audioId: meta.provider_clip_id },
      startSeconds: Number(row.replaced_start_s),
      endSeconds: Number(row.replaced_end_s),
      prompt: row.prompt ?? track.prompt,
      // Suno requires style tags: the request's, else the track's own style, genre and mood, else the prompt.
      tags: (row.tags || [...track.style_tags, track.genre, track.mood].filter(Boolean).join(', ') || (row.prompt ?? track.prompt)).slice(0, 200),
      ...(row.negative_tags ? { negativeTags: row.negative_tags } : {}),
      ...(track.title ? { title: track.title } : {}),
    };
  }

  private async store(job: Job, provider: string, value: SectionReplacementResult): Promise<StoredSection> {
    const { row, track, version } = await this.source(job);
    const file = await this.files.audio(provider, value.audioUrl);
    const decoded = await decodeAudio(file.body).catch(() => {
      throw new PermanentTaskError('provider-result-refused', 'the new song is not decodable audio');
    });
    // Versions are MP3 under audio.mp3 of their variant: a WAV answer is encoded once here.
    const body = file.contentType === 'audio/mpeg' ? file.body : encodeMp3(decoded, decoded.sampleRate);
    const variantIndex = await this.sections.reserveVariantIndex(this.db, row.id, track.id);
    const stored = await this.storage.put(Bucket.Tracks, trackObjectKey(track.user_id, track.id, 'audio.mp3', variantIndex), body, 'audio/mpeg');
    const clip = value.songs.find((s) => s.audioUrl === value.audioUrl) ?? value.songs[0];
    return { trackId: track.id, sourceVersionId: version.id, variantIndex, audioUrl: stored.url, coverUrl: version.cover_url, lyrics: clip?.lyrics ?? version.lyrics, durationSeconds: decoded.left.length / decoded.sampleRate, providerClipId: clip?.id ?? null };
  }

  private async land(trx: Kysely<DB>, job: Job, out: StoredSection, provider: string) {
    const version = await this.sections.complete(trx, job.resource_id!, {
      trackId: out.trackId,
      variantIndex: out.variantIndex,
      audioUrl: out.audioUrl,
      coverUrl: out.coverUrl,
      durationSeconds: out.durationSeconds,
      lyrics: out.lyrics,
      metadata: { section_replacement_id: job.resource_id, source_version_id: out.sourceVersionId, provider, provider_task_id: job.provider_task_id, provider_clip_id: out.providerClipId },
    });
    return {
      result: { section_replacement_id: job.resource_id, track_id: out.trackId, source_version_id: out.sourceVersionId, version: { id: version.id, variant_index: version.variant_index, audio_url: version.audio_url, duration: version.duration, is_primary_variant: version.is_primary_variant } },
      notice: { title: 'Your section is replaced', message: `A new version (#${version.variant_index}) made at ${provider}; the original is unchanged.`, link: `/tracks/${out.trackId}` },
    };
  }
}

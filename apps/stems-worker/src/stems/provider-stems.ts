import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { Bucket, StemsRepository, stemObjectKey, trackObjectKey, TracksRepository, type Database, type DB, type Job, type NewStem } from '@muse/db';
import { DATABASE, PermanentTaskError, ProviderResultFiles, STORAGE, type ProviderTaskSpec } from '@muse/platform';
import type { StemSeparationInput, StemUrls } from '@muse/providers';
import type { StorageService } from '@muse/storage';
import { AUDIO_KIND_PROVIDERS } from '../providers/providers.module.js';
import type { AudioKindProviders } from '../providers/providers.module.js';
import { checkedStem, mixStems, type StemFile } from './stem-mix.js';

type OurStem = 'vocals' | 'drums' | 'bass' | 'other' | 'instrumental';
const MODE_OF: Record<string, 'replicate_demucs' | 'suno_stems'> = { replicate: 'replicate_demucs', suno: 'suno_stems' };
/** Provider stem names that are ours as they are. */
const DIRECT: Record<string, OurStem> = { vocals: 'vocals', drums: 'drums', bass: 'bass', other: 'other', instrumental: 'instrumental', no_vocals: 'instrumental', accompaniment: 'instrumental' };
const VOCAL_EXTRAS = new Set(['backing_vocals']);

interface StoredStems {
  trackId: string;
  versionId: string;
  taskId: string | null;
  stems: NewStem[];
}

interface StemsPayload {
  mode?: string;
  version_id?: string | null;
}

/**
 * Stems made at a provider (Replicate Demucs, Suno vocal removal): the provider's files are fetched
 * SSRF-safely and stored under the same keys as local stems (stems/{track}/{job}/{type}.{mp3|wav}, in the
 * format the provider sent), the
 * design's five stem types filled from what the provider returns — a missing instrumental or other
 * is mixed from the provider's own stems — and the set lands like a local one.
 */
@Injectable()
export class ProviderStems {
  readonly spec: ProviderTaskSpec<StemSeparationInput, StemUrls, StoredStems>;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    @Inject(AUDIO_KIND_PROVIDERS) providers: AudioKindProviders,
    private readonly files: ProviderResultFiles,
    private readonly tracks: TracksRepository,
    private readonly stems: StemsRepository,
  ) {
    this.spec = {
      resourceType: 'track',
      label: 'Stem separation',
      kind: 'stems',
      updateJobName: 'stems.provider-update',
      providers: providers.stems,
      input: (job, provider) => this.input(job, provider),
      store: (job, provider, urls) => this.store(job, provider, urls),
      land: (trx, job, stored, provider) => this.land(trx, job, stored, provider),
      failed: async () => undefined, // stems rows exist only for a finished set: nothing to mark
    };
  }

  private async source(job: Job) {
    const track = await this.tracks.findById(this.db, job.resource_id!);
    if (!track) throw new PermanentTaskError('track-deleted', 'the track was deleted before its stems were made');
    const version = await this.stems.findVersion(this.db, track.id, (job.payload as StemsPayload).version_id);
    if (!version) throw new PermanentTaskError('version-missing', 'the track has no audio version to separate');
    return { track, version };
  }

  private async input(job: Job, provider: string): Promise<StemSeparationInput> {
    const { track, version } = await this.source(job);
    const key = trackObjectKey(track.user_id, track.id, 'audio.mp3', version.variant_index);
    if (!(await this.storage.exists(Bucket.Tracks, key))) throw new PermanentTaskError('audio-missing', 'the version has no stored audio (archived or never generated)');
    // The provider reads our file through a short-lived signed URL; buckets need not be public.
    const audioUrl = await this.storage.presignGet(Bucket.Tracks, key, 3600);
    if (provider !== 'suno') return { audioUrl, mode: 'stems' };
    const meta = version.metadata as { provider_task_id?: string; provider_clip_id?: string };
    const taskId = meta.provider_task_id ?? track.suno_id;
    if (!taskId || !meta.provider_clip_id) throw new PermanentTaskError('provider-unavailable', 'Suno separates only songs it generated; this version has no Suno ids');
    return { audioUrl, mode: 'stems', providerRef: { taskId, audioId: meta.provider_clip_id } };
  }

  private async store(job: Job, provider: string, urls: StemUrls): Promise<StoredStems> {
    const { track, version } = await this.source(job);
    // Every file first, back to back, then the decoding checks: an idle pooled connection would be closed under us.
    const downloads: Array<[string, Buffer]> = [];
    for (const [name, url] of Object.entries(urls)) downloads.push([name, (await this.files.audio(provider, url)).body]);
    const fetched = new Map<string, StemFile>();
    for (const [name, body] of downloads) fetched.set(name, await checkedStem(provider, body));
    const ours = new Map<OurStem, StemFile>();
    for (const [name, file] of fetched) if (DIRECT[name] && !ours.has(DIRECT[name])) ours.set(DIRECT[name], file);
    const bodies = (files: StemFile[]) => files.map((f) => f.body);
    const extraVocals = [...fetched].filter(([n]) => VOCAL_EXTRAS.has(n)).map(([, f]) => f);
    if (ours.has('vocals') && extraVocals.length > 0) ours.set('vocals', await mixStems(provider, bodies([ours.get('vocals')!, ...extraVocals])));
    const instruments = [...fetched].filter(([n]) => !DIRECT[n] && !VOCAL_EXTRAS.has(n)).map(([, f]) => f);
    if (!ours.has('other') && instruments.length > 0) ours.set('other', await mixStems(provider, bodies(instruments)));
    if (!ours.has('instrumental')) {
      const parts = (['drums', 'bass', 'other'] as const).filter((t) => ours.has(t)).map((t) => ours.get(t)!);
      if (parts.length > 0) ours.set('instrumental', await mixStems(provider, bodies(parts)));
    }
    if (!ours.has('vocals') && !ours.has('instrumental')) throw new PermanentTaskError('provider-result-refused', `the provider returned no usable stems (${[...fetched.keys()].join(', ')})`);
    const stems: NewStem[] = [];
    for (const [type, file] of ours) {
      const put = await this.storage.put(Bucket.Stems, stemObjectKey(track.id, job.id, type, file.extension), file.body, file.contentType);
      stems.push({ stemType: type, audioUrl: put.url, metadata: { method: `${provider}:${MODE_OF[provider] ?? provider}`, provider, provider_task_id: job.provider_task_id, provider_stems: [...fetched.keys()], format: file.extension, bytes: put.size, stem_set: job.id } });
    }
    return { trackId: track.id, versionId: version.id, taskId: job.provider_task_id, stems };
  }

  private async land(trx: Kysely<DB>, job: Job, stored: StoredStems, provider: string) {
    const mode = MODE_OF[provider];
    if (!mode) throw new PermanentTaskError('provider-unavailable', `no stem mode for provider '${provider}'`);
    const rows = await this.stems.replaceSet(trx, stored.trackId, stored.versionId, mode, stored.stems);
    // The design keeps Suno's task id on each stem row.
    if (provider === 'suno' && stored.taskId) await trx.updateTable('track_stems').set({ suno_task_id: stored.taskId }).where('id', 'in', rows.map((r) => r.id)).execute();
    return {
      result: {
        track_id: stored.trackId,
        version_id: stored.versionId,
        mode,
        method: `${provider} separation`,
        stems: rows.map((r) => ({ id: r.id, stem_type: r.stem_type, audio_url: r.audio_url })),
      },
    };
  }
}

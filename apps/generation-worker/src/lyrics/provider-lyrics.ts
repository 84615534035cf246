import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { LyricsJobsRepository, type Database, type DB, type Job } from '@muse/db';
import { DATABASE, PermanentTaskError, type ProviderTaskSpec } from '@muse/platform';
import type { LyricsInput, LyricsResult } from '@muse/providers';
import { STUDIO_KIND_PROVIDERS, type StudioKindProviders } from '../jobs/studio-providers.js';

interface WrittenVariants {
  prompt: string;
  variants: Array<{ title: string; content: string }>;
}

/** Sections the design expects a lyric to be split in ([Verse], [Chorus], …): counted for the metadata. */
const SECTION = /^\s*\[([^\]\n]{1,40})\]\s*$/gm;

/**
 * Lyrics written at a provider (Suno: a task with a callback; Mureka: answered at once). The
 * provider's variants become the job's lyrics_variants, as many as the request asked for at most,
 * and the metadata says which provider wrote them.
 */
@Injectable()
export class ProviderLyrics {
  readonly spec: ProviderTaskSpec<LyricsInput, LyricsResult, WrittenVariants>;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STUDIO_KIND_PROVIDERS) providers: StudioKindProviders,
    private readonly lyrics: LyricsJobsRepository,
  ) {
    this.spec = {
      resourceType: 'lyrics_job',
      label: 'Lyrics',
      kind: 'lyrics',
      updateJobName: 'lyrics.provider-update',
      providers: providers.lyrics,
      started: (job) => this.lyrics.setStatus(this.db, job.resource_id!, 'processing'),
      input: (job) => this.input(job),
      store: (job, _provider, value) => this.written(job, value),
      land: (trx, job, out, provider) => this.land(trx, job, out, provider),
      failed: (trx, job, message, final) => this.lyrics.setStatus(trx, job.resource_id!, final ? 'failed' : 'processing', message),
    };
  }

  private async row(job: Job) {
    const row = await this.lyrics.findById(this.db, job.resource_id!);
    if (!row) throw new PermanentTaskError('lyrics-deleted', 'the lyrics job row is gone');
    return row;
  }

  private async input(job: Job): Promise<LyricsInput> {
    const row = await this.row(job);
    return row.is_extension && row.base_lyrics ? { prompt: row.prompt, mode: 'extend', lyrics: row.base_lyrics } : { prompt: row.prompt, mode: 'generate' };
  }

  private async written(job: Job, value: LyricsResult): Promise<WrittenVariants> {
    const row = await this.row(job);
    const wanted = (job.payload as { variants?: number }).variants ?? value.variants.length;
    const variants = value.variants
      .map((v, i) => ({ title: (v.title?.trim() || `${row.prompt.slice(0, 60)} (${i + 1})`).slice(0, 200), content: v.text.trim().slice(0, 20_000) }))
      .filter((v) => v.content !== '')
      .slice(0, Math.max(1, wanted));
    if (variants.length === 0) throw new PermanentTaskError('provider-result-refused', 'the provider returned no lyrics');
    return { prompt: row.prompt, variants };
  }

  private async land(trx: Kysely<DB>, job: Job, out: WrittenVariants, provider: string) {
    const sections = out.variants.map((v) => [...v.content.matchAll(SECTION)].map((m) => m[1]!));
    // The row names who wrote them: after a fallback that is not the provider the request asked for.
    await trx.updateTable('lyrics_jobs').set({ provider: provider as 'suno' | 'mureka' }).where('id', '=', job.resource_id!).execute();
    const rows = await this.lyrics.complete(
      trx,
      { id: job.resource_id!, userId: job.user_id, prompt: out.prompt },
      out.variants.map((v, i) => ({ variantIndex: i, title: v.title, content: v.content })),
      { writer: provider, provider, provider_task_id: job.provider_task_id, sections },
    );
    return {
      result: { lyrics_job_id: job.resource_id, writer: provider, variants: rows.map((r) => ({ id: r.id, variant_index: r.variant_index, title: r.title, content: r.content })) },
      notice: { title: 'Your lyrics are ready', message: `${rows.length} variants written by ${provider}.`, link: `/lyrics/${job.resource_id}` },
    };
  }
}

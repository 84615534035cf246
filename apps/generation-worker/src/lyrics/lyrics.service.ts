import { Inject, Injectable } from '@nestjs/common';
import type { Job as QueueJob } from 'bullmq';
import { writeLyrics, type WrittenLyrics } from '@muse/audio-engine';
import { DEFAULT_LYRICS_VARIANTS, type JobMessage } from '@muse/contracts';
import { LyricsJobsRepository, type Database } from '@muse/db';
import { DATABASE } from '@muse/platform';
import { JobRunner, PermanentJobError, type JobSpec } from '../jobs/job-runner.js';

interface LyricsOutcome {
  prompt: string;
  variants: WrittenLyrics[];
}

/** Lyrics jobs on the local writer: N variants from the prompt (or continuing base_lyrics), each with its own seed. */
@Injectable()
export class LyricsWriterService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly runner: JobRunner,
    private readonly lyrics: LyricsJobsRepository,
  ) {}

  run(message: JobMessage, queueJob?: QueueJob) {
    return this.runner.run(message, this.spec, queueJob);
  }

  private readonly spec: JobSpec<LyricsOutcome> = {
    resourceType: 'lyrics_job',
    label: 'Lyrics',
    execute: async (job, progress) => {
      const row = await this.lyrics.findById(this.db, job.resource_id!);
      if (!row) throw new PermanentJobError('the lyrics job row is gone');
      await this.lyrics.setStatus(this.db, row.id, 'processing');
      const payload = job.payload as { variants?: number; seed?: number | null };
      const count = payload.variants ?? DEFAULT_LYRICS_VARIANTS;
      const variants: WrittenLyrics[] = [];
      for (let i = 0; i < count; i++) {
        // Variant i's seed is the request's seed plus i: reproducible, and each variant differs.
        variants.push(writeLyrics({ prompt: row.prompt, baseLyrics: row.is_extension ? row.base_lyrics : null, seed: (payload.seed ?? 0) + i }));
        await progress(10 + (80 * (i + 1)) / count);
      }
      return { prompt: row.prompt, variants };
    },
    land: async (trx, job, out) => {
      const first = out.variants[0]!;
      const rows = await this.lyrics.complete(
        trx,
        { id: job.resource_id!, userId: job.user_id, prompt: out.prompt },
        out.variants.map((v, i) => ({ variantIndex: i, title: v.title, content: v.content })),
        { writer: first.metadata.writer, writer_version: first.metadata.version, extension: first.metadata.extension, theme_words: first.themeWords, sections: first.sections.map((s) => ({ name: s.name, metre: s.metre, scheme: s.scheme })) },
      );
      return {
        result: { lyrics_job_id: job.resource_id, writer: first.metadata.writer, variants: rows.map((r) => ({ id: r.id, variant_index: r.variant_index, title: r.title, content: r.content })) },
        notice: { title: 'Your lyrics are ready', message: `${rows.length} variants of "${first.title}".`, link: `/lyrics/${job.resource_id}` },
      };
    },
    failed: async (trx, job, message, final) => {
      await this.lyrics.setStatus(trx, job.resource_id!, final ? 'failed' : 'processing', message);
      if (final) {
        const row = await this.lyrics.findById(trx, job.resource_id!);
        if (row) await this.lyrics.logFailure(trx, { id: row.id, userId: row.user_id, prompt: row.prompt }, message);
      }
    },
  };
}

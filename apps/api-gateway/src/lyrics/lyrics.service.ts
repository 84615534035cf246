import { Injectable } from '@nestjs/common';
import { DEFAULT_LYRICS_VARIANTS, type CreateLyricsBody } from '@muse/contracts';
import { LyricsJobsRepository, type Identity } from '@muse/db';
import { Problem } from '../common/problem.js';
import { JobSubmissionService, type SubmissionResult } from '../jobs/job-submission.service.js';

/** Lyrics run on the local writer here; provider adapters for Suno/OpenAI/Mureka lyrics are not wired into this service. */
export const LOCAL_ONLY = new Set(['local']);

export function assertLocalProvider(provider: string | undefined): 'local' {
  const chosen = provider ?? 'local';
  if (!LOCAL_ONLY.has(chosen)) {
    throw new Problem(422, 'provider-unavailable', `provider '${chosen}' is not configured on this platform`, [{ path: 'provider', message: 'available: local' }]);
  }
  return 'local';
}

@Injectable()
export class LyricsService {
  constructor(
    private readonly submissions: JobSubmissionService,
    private readonly lyrics: LyricsJobsRepository,
  ) {}

  create(identity: Identity, body: CreateLyricsBody, idempotencyKey: string | undefined): Promise<SubmissionResult> {
    const provider = assertLocalProvider(body.provider);
    const variants = body.variants ?? DEFAULT_LYRICS_VARIANTS;
    return this.submissions.submit(identity, {
      kind: 'lyrics',
      method: 'POST',
      path: '/v1/lyrics',
      body,
      idempotencyKey,
      provider,
      callbackUrl: body.callback_url,
      payload: { variants, seed: body.seed ?? null },
      createResource: async (trx) => {
        const row = await this.lyrics.insert(trx, {
          userId: identity.userId,
          prompt: body.prompt,
          baseLyrics: body.base_lyrics ?? null,
          isExtension: body.is_extension ?? false,
          provider,
          callbackUrl: body.callback_url ?? null,
          metadata: { variants_requested: variants },
        });
        return { type: 'lyrics_job', id: row.id };
      },
    });
  }
}

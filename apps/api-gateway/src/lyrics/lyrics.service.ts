import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_LYRICS_VARIANTS, type CreateLyricsBody } from '@muse/contracts';
import { LyricsJobsRepository, type Identity } from '@muse/db';
import { configuredProviders } from '@muse/providers';
import type { GatewayConfig } from '../config.js';
import { Problem } from '../common/problem.js';
import { CONFIG } from '../core/tokens.js';
import { JobSubmissionService, type SubmissionResult } from '../jobs/job-submission.service.js';

/** Kinds still local-only (sections, personas) use this; lyrics accept the providers below when configured. */
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
    @Inject(CONFIG) private readonly config: GatewayConfig,
    private readonly submissions: JobSubmissionService,
    private readonly lyrics: LyricsJobsRepository,
  ) {}

  /** Lyrics providers with adapters in the worker (Suno, Mureka), where this deployment has their credentials. */
  private providerOf(requested: string | undefined): 'local' | 'suno' | 'mureka' {
    const configured = configuredProviders(this.config);
    const available = (['local', 'suno', 'mureka'] as const).filter((p) => p === 'local' || configured.has(p));
    const chosen = requested ?? 'local';
    const match = available.find((p) => p === chosen);
    if (!match) throw new Problem(422, 'provider-unavailable', `provider '${chosen}' is not configured on this platform`, [{ path: 'provider', message: `available: ${available.join(', ')}` }]);
    return match;
  }

  create(identity: Identity, body: CreateLyricsBody, idempotencyKey: string | undefined): Promise<SubmissionResult> {
    const provider = this.providerOf(body.provider);
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

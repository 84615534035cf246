import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_CROSSFADE_MS, type CreateSectionBody } from '@muse/contracts';
import { SectionReplacementsRepository, TracksRepository, type Identity } from '@muse/db';
import { configuredProviders, SUNO_REPLACE_MAX_SECONDS, SUNO_REPLACE_MIN_SECONDS } from '@muse/providers';
import type { GatewayConfig } from '../config.js';
import { Problem } from '../common/problem.js';
import { CONFIG } from '../core/tokens.js';
import { JobSubmissionService, type SubmissionResult } from '../jobs/job-submission.service.js';
import { assertLocalProvider } from '../lyrics/lyrics.service.js';
import { ownedTrackVersion } from '../wav/owned-track.js';

@Injectable()
export class SectionsService {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    private readonly submissions: JobSubmissionService,
    private readonly tracks: TracksRepository,
    private readonly sections: SectionReplacementsRepository,
  ) {}

  create(identity: Identity, trackId: string, body: CreateSectionBody, idempotencyKey: string | undefined): Promise<SubmissionResult> {
    // Suno replaces sections of songs it generated (6–60 s, as published), where this deployment can call it.
    const provider = body.provider === 'suno' && configuredProviders(this.config).has('suno') ? 'suno' : assertLocalProvider(body.provider);
    const length = body.replaced_end_s - body.replaced_start_s;
    if (provider === 'suno' && (length < SUNO_REPLACE_MIN_SECONDS || length > SUNO_REPLACE_MAX_SECONDS)) {
      throw new Problem(422, 'section-length', `Suno replaces sections of ${SUNO_REPLACE_MIN_SECONDS}–${SUNO_REPLACE_MAX_SECONDS} s`, [{ path: 'replaced_end_s', message: `the section is ${length} s long` }]);
    }
    const crossfadeMs = body.crossfade_ms ?? DEFAULT_CROSSFADE_MS;
    return this.submissions.submit(identity, {
      kind: 'section_replacement',
      method: 'POST',
      path: `/v1/tracks/${trackId}/sections`,
      body,
      idempotencyKey,
      provider,
      callbackUrl: body.callback_url,
      payload: { crossfade_ms: crossfadeMs },
      createResource: async (trx) => {
        const { track, version } = await ownedTrackVersion(trx, this.tracks, identity, trackId, body.version_id);
        const duration = version.duration ?? track.duration;
        if (duration === null || body.replaced_end_s > duration) {
          throw new Problem(422, 'section-outside-track', `the section must lie within the track (0–${duration ?? 0} s)`, [{ path: 'replaced_end_s', message: `at most ${duration ?? 0}` }]);
        }
        const made = version.metadata as { provider?: string; provider_clip_id?: string };
        if (provider === 'suno' && (made.provider !== 'suno' || !made.provider_clip_id)) {
          throw new Problem(422, 'provider-unavailable', 'Suno replaces sections only of songs it generated', [{ path: 'provider', message: 'this version was not made at Suno' }]);
        }
        const row = await this.sections.insert(trx, {
          trackId: track.id,
          versionId: version.id,
          startS: body.replaced_start_s,
          endS: body.replaced_end_s,
          prompt: body.prompt,
          tags: body.tags ?? null,
          negativeTags: body.negative_tags ?? null,
          metadata: { crossfade_ms: crossfadeMs, source_variant_index: version.variant_index },
        });
        return { type: 'track_section_replacement', id: row.id };
      },
    });
  }
}

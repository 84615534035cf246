import { Injectable } from '@nestjs/common';
import { DEFAULT_CROSSFADE_MS, type CreateSectionBody } from '@muse/contracts';
import { SectionReplacementsRepository, TracksRepository, type Identity } from '@muse/db';
import { Problem } from '../common/problem.js';
import { JobSubmissionService, type SubmissionResult } from '../jobs/job-submission.service.js';
import { assertLocalProvider } from '../lyrics/lyrics.service.js';
import { ownedTrackVersion } from '../wav/owned-track.js';

@Injectable()
export class SectionsService {
  constructor(
    private readonly submissions: JobSubmissionService,
    private readonly tracks: TracksRepository,
    private readonly sections: SectionReplacementsRepository,
  ) {}

  create(identity: Identity, trackId: string, body: CreateSectionBody, idempotencyKey: string | undefined): Promise<SubmissionResult> {
    const provider = assertLocalProvider(body.provider);
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

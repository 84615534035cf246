import { Injectable } from '@nestjs/common';
import type { CreatePersonaBody } from '@muse/contracts';
import { PersonasRepository, TracksRepository, type Identity } from '@muse/db';
import { Problem } from '../common/problem.js';
import { JobSubmissionService, type SubmissionResult } from '../jobs/job-submission.service.js';
import { assertLocalProvider } from '../lyrics/lyrics.service.js';

@Injectable()
export class PersonasService {
  constructor(
    private readonly submissions: JobSubmissionService,
    private readonly tracks: TracksRepository,
    private readonly personas: PersonasRepository,
  ) {}

  create(identity: Identity, body: CreatePersonaBody, idempotencyKey: string | undefined): Promise<SubmissionResult> {
    const provider = assertLocalProvider(body.provider);
    return this.submissions.submit(identity, {
      kind: 'persona',
      method: 'POST',
      path: '/v1/personas',
      body,
      idempotencyKey,
      provider,
      callbackUrl: body.callback_url,
      payload: {},
      createResource: async (trx) => {
        // Read as the caller: their own tracks and public ones are visible, another user's private track is 404.
        const track = await this.tracks.findById(trx, body.source_track_id);
        if (!track) throw new Problem(404, 'not-found', 'track not found');
        const versions = await this.tracks.listVersions(trx, track.id);
        const version = body.source_music_index === undefined ? (versions.find((v) => v.is_primary_variant) ?? versions[0]) : versions.find((v) => v.variant_index === body.source_music_index);
        if (body.source_music_index !== undefined && !version) {
          throw new Problem(422, 'unknown-version', `the track has no version ${body.source_music_index}`, [{ path: 'source_music_index', message: `one of ${versions.map((v) => v.variant_index).join(', ') || 'none'}` }]);
        }
        if (!version?.audio_url) throw new Problem(409, 'track-not-ready', 'the track has no audio yet; wait for its generation to complete');
        const row = await this.personas.insert(trx, {
          userId: identity.userId,
          name: body.name,
          description: body.description ?? null,
          sourceTrackId: track.id,
          sourceMusicIndex: version.variant_index,
          isPublic: body.is_public ?? false,
          metadata: { provider, source_version_id: version.id },
        });
        return { type: 'persona', id: row.id };
      },
    });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { CreateGenerationBody } from '@muse/contracts';
import { PersonasRepository, TracksRepository, type Identity, type UserTransaction } from '@muse/db';
import { configuredMusicProviders } from '@muse/providers';
import type { GatewayConfig } from '../config.js';
import { Problem } from '../common/problem.js';
import { CONFIG } from '../core/tokens.js';
import { JobSubmissionService, type SubmissionResult } from '../jobs/job-submission.service.js';


@Injectable()
export class GenerationsService {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    private readonly submissions: JobSubmissionService,
    private readonly tracks: TracksRepository,
    private readonly personas: PersonasRepository,
  ) {}

  /** Providers this deployment can actually call (credentials configured); others are refused up front rather than failing later. */
  private get available(): Set<string> {
    return configuredMusicProviders(this.config);
  }

  create(identity: Identity, body: CreateGenerationBody, idempotencyKey: string | undefined): Promise<SubmissionResult> {
    const provider = body.provider ?? this.config.DEFAULT_MUSIC_PROVIDER;
    if (!this.available.has(provider)) {
      throw new Problem(422, 'provider-unavailable', `provider '${provider}' is not configured on this platform`, [
        { path: 'provider', message: `available: ${[...this.available].join(', ')}` },
      ]);
    }
    const personaId = body.persona_id ?? undefined;
    const trackRow = {
      user_id: identity.userId,
      title: body.title ?? null,
      prompt: body.prompt,
      lyrics: body.lyrics ?? null,
      genre: body.genre ?? null,
      mood: body.mood ?? null,
      style_tags: body.style_tags ?? [],
      provider,
      model_name: body.model ?? null,
      project_id: body.project_id ?? null,
      persona_id: body.persona_id ?? null,
      reference_audio_url: body.reference_audio_url ?? null,
      idempotency_key: idempotencyKey ?? null,
      has_vocals: body.instrumental === undefined ? null : !body.instrumental,
      metadata: { instrumental: body.instrumental ?? false, requested_duration_seconds: body.duration_seconds ?? null },
    };
    return this.submissions.submit(identity, {
      kind: 'generation',
      method: 'POST',
      path: '/v1/generations',
      body,
      idempotencyKey,
      provider,
      callbackUrl: body.callback_url,
      payload: { duration_seconds: body.duration_seconds ?? null, seed: body.seed ?? null, model: body.model ?? null },
      // Without a persona the track is a plain insert: the whole submission is then one statement.
      ...(personaId === undefined
        ? { row: { table: 'tracks', type: 'track', values: trackRow } }
        : {
            createResource: async (trx: UserTransaction) => {
              // Read as the caller (RLS): their own personas and public ones; another user's private persona
              // reads as missing, so the answer does not say whether it exists.
              const persona = await this.personas.findById(trx, personaId);
              if (!persona) throw new Problem(422, 'unknown-persona', 'no persona with this id that you may use', [{ path: 'persona_id', message: 'unknown persona' }]);
              const status = (persona.metadata as { status?: string }).status;
              if (status === 'failed') throw new Problem(422, 'persona-failed', 'this persona could not be made; choose another', [{ path: 'persona_id', message: 'persona failed' }]);
              if (status !== 'ready') throw new Problem(409, 'persona-not-ready', 'the persona is still being made; try again when its job has completed');
              const track = await this.tracks.insert(trx, { ...trackRow, metadata: JSON.stringify(trackRow.metadata) });
              return { type: 'track', id: track.id };
            },
          }),
    });
  }
}

import { Injectable } from '@nestjs/common';
import { EffectsChain } from '@muse/contracts';
import { TrackEffectsRepository, TracksRepository, type Identity, type UserTransaction } from '@muse/db';
import { Problem, type FieldError } from '../common/problem.js';
import { JobSubmissionService, type SubmissionResult } from '../jobs/job-submission.service.js';
import { ownedTrackVersion } from '../wav/owned-track.js';
import type { CreateEffectsBody } from './effects.schemas.js';

const chainErrors = (issues: readonly { path: PropertyKey[]; message: string }[], root: string): FieldError[] =>
  issues.map((i) => ({ path: [root, ...i.path.map(String)].join('.'), message: i.message }));

@Injectable()
export class EffectsService {
  constructor(
    private readonly submissions: JobSubmissionService,
    private readonly tracks: TracksRepository,
    private readonly effects: TrackEffectsRepository,
  ) {}

  /** The chain runs on the platform's own DSP: the job row (its payload carries the chain) is the only row until it lands a version. */
  create(identity: Identity, trackId: string, body: CreateEffectsBody, idempotencyKey: string | undefined): Promise<SubmissionResult> {
    // Ranges before anything is written: an out-of-range setting is the caller's to fix (422, nothing created).
    const inline = body.chain ? EffectsChain.safeParse(body.chain) : undefined;
    if (inline && !inline.success) throw new Problem(422, 'invalid-effects-chain', 'the effects chain has unsupported effects or settings out of range', chainErrors(inline.error.issues, 'chain'));
    // Filled by createResource (which runs before the job row is written): the chain as validated, with its origin.
    const payload: Record<string, unknown> = {};
    return this.submissions.submit(identity, {
      kind: 'effects',
      method: 'POST',
      path: `/v1/tracks/${trackId}/effects`,
      body,
      idempotencyKey,
      provider: 'local',
      callbackUrl: body.callback_url,
      payload,
      createResource: async (trx) => {
        const { track, version } = await ownedTrackVersion(trx, this.tracks, identity, trackId, body.version_id);
        const chain = inline?.success ? { effects_chain: inline.data, effects_preset_id: null, effects_preset_name: null } : await this.presetChain(trx, body.preset_id!);
        Object.assign(payload, { track_id: track.id, version_id: version.id, ...chain });
        return { type: 'track_version', id: version.id };
      },
    });
  }

  /** A preset the caller may see (system, public or own: RLS decides) whose chain this platform can run. */
  private async presetChain(trx: UserTransaction, presetId: string) {
    const preset = await this.effects.findPreset(trx, presetId);
    if (!preset) throw new Problem(422, 'unknown-preset', 'no effects preset with this id that you may use', [{ path: 'preset_id', message: 'unknown preset' }]);
    const chain = EffectsChain.safeParse(preset.effects_chain);
    if (!chain.success) throw new Problem(422, 'unsupported-preset', `preset '${preset.name}' uses effects or settings this platform cannot apply`, [{ path: 'preset_id', message: 'supported: equalizer, compressor, reverb, delay within their ranges' }]);
    return { effects_chain: chain.data, effects_preset_id: preset.id, effects_preset_name: preset.name };
  }
}

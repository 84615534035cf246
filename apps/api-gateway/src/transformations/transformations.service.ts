import { Inject, Injectable } from '@nestjs/common';
import { EFFECTS_TRANSFORMATION, EffectsChain, type CreateTransformationBody, type RateTransformationBody } from '@muse/contracts';
import { asUser, TransformationsRepository, type Database, type Identity } from '@muse/db';
import { Problem } from '../common/problem.js';
import { CONFIG, DATABASE } from '../core/tokens.js';
import type { GatewayConfig } from '../config.js';
import { configuredProviders } from '@muse/providers';
import { AccountLimitsService } from '../credits/account-limits.service.js';
import { JobSubmissionService, type SubmissionResult } from '../jobs/job-submission.service.js';

export const LOCAL_TRANSFORMATION_MODEL = 'muse-local-engine';
/** What runs a Replicate transformation (libs/providers ReplicateMusicTransformer). */
export const REPLICATE_TRANSFORMATION_MODEL = 'meta/musicgen:stereo-melody-large';

@Injectable()
export class TransformationsService {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(DATABASE) private readonly db: Database,
    private readonly submissions: JobSubmissionService,
    private readonly transformations: TransformationsRepository,
    private readonly limits: AccountLimitsService,
  ) {}

  create(identity: Identity, projectId: string, body: CreateTransformationBody, idempotencyKey: string | undefined): Promise<SubmissionResult> {
    // Replicate (MusicGen) where this deployment can call it; effects chains are this platform's own DSP only.
    const provider = body.provider ?? 'local';
    const available = ['local', ...(configuredProviders(this.config).has('replicate') && body.transformation_type !== EFFECTS_TRANSFORMATION ? ['replicate'] : [])];
    if (!available.includes(provider)) {
      throw new Problem(422, 'provider-unavailable', `provider '${provider}' is not configured on this platform`, [{ path: 'provider', message: `available: ${available.join(', ')}` }]);
    }
    return this.submissions.submit(identity, {
      kind: 'transformation',
      method: 'POST',
      path: `/v1/projects/${projectId}/transformations`,
      body,
      idempotencyKey,
      provider,
      callbackUrl: body.callback_url,
      payload: {},
      createResource: async (trx) => {
        const project = await this.transformations.findProject(trx, projectId);
        // Viewers and strangers alike get 404: transforming is editing, and nobody learns what exists.
        if (!project || !(await this.transformations.canEdit(trx, projectId))) throw new Problem(404, 'not-found', 'project not found');
        const input = project.processed_audio_path ?? project.original_audio_path;
        if (body.transformation_type === EFFECTS_TRANSFORMATION) {
          const effects = await this.effectsOf(trx, body);
          if (!input) throw new Problem(409, 'project-has-no-audio', 'the project has no audio to process yet');
          const row = await this.transformations.insert(trx, { projectId, userId: identity.userId, type: EFFECTS_TRANSFORMATION, inputAudioPath: input, parameters: { ...(body.parameters ?? {}), ...effects }, modelVersion: 'muse-local-effects' });
          await this.limits.useMonthly(trx, identity, 'ai_transformations', row.id);
          return { type: 'ai_transformation', id: row.id };
        }
        const preset = body.preset_id ? await this.transformations.findPreset(trx, body.preset_id) : await this.transformations.presetForType(trx, body.transformation_type);
        if (body.preset_id && !preset) throw new Problem(422, 'unknown-preset', 'no active preset with this id', [{ path: 'preset_id', message: 'unknown or inactive preset' }]);
        if (!preset) {
          const types = await this.transformations.activeTypes(trx);
          throw new Problem(422, 'unknown-transformation-type', `unknown transformation type '${body.transformation_type}'`, [{ path: 'transformation_type', message: `one of ${types.join(', ')}` }]);
        }
        if (preset.transformation_type !== body.transformation_type) {
          throw new Problem(422, 'preset-mismatch', `preset '${preset.name}' is a ${preset.transformation_type} preset`, [{ path: 'preset_id', message: `does not match transformation_type ${body.transformation_type}` }]);
        }
        if (!input) throw new Problem(409, 'project-has-no-audio', 'the project has no audio to transform yet');
        const row = await this.transformations.insert(trx, {
          projectId,
          userId: identity.userId,
          type: body.transformation_type,
          inputAudioPath: input,
          parameters: { ...(body.parameters ?? {}), preset_id: preset.id, preset_name: preset.name, preset_parameters: preset.parameters },
          modelVersion: provider === 'local' ? LOCAL_TRANSFORMATION_MODEL : REPLICATE_TRANSFORMATION_MODEL,
        });
        await this.limits.useMonthly(trx, identity, 'ai_transformations', row.id);
        return { type: 'ai_transformation', id: row.id };
      },
    });
  }

  /** The chain to apply: given inline, or an effects preset the caller may see whose chain this platform can run. */
  private async effectsOf(trx: Parameters<TransformationsRepository['findEffectsPreset']>[0], body: CreateTransformationBody): Promise<Record<string, unknown>> {
    if (body.parameters?.effects_chain) return { effects_chain: body.parameters.effects_chain };
    const preset = await this.transformations.findEffectsPreset(trx, body.parameters!.effects_preset_id!);
    if (!preset) throw new Problem(422, 'unknown-preset', 'no effects preset with this id that you may use', [{ path: 'parameters.effects_preset_id', message: 'unknown preset' }]);
    const chain = EffectsChain.safeParse(preset.effects_chain);
    if (!chain.success) throw new Problem(422, 'unsupported-preset', `preset '${preset.name}' uses effects this platform cannot apply`, [{ path: 'parameters.effects_preset_id', message: 'supported: equalizer, compressor, reverb, delay' }]);
    return { effects_chain: chain.data, effects_preset_id: preset.id, effects_preset_name: preset.name };
  }

  rate(identity: Identity, projectId: string, id: string, body: RateTransformationBody) {
    return asUser(this.db, identity, async (trx) => {
      const rated = await this.transformations.rate(trx, projectId, id, body.user_rating, body.user_feedback ?? null);
      if (rated) return rated;
      const row = await this.transformations.findById(trx, id);
      if (row && row.project_id === projectId && row.user_id === identity.userId) throw new Problem(409, 'not-finished', `only a completed transformation can be rated (this one is ${row.status})`);
      throw new Problem(404, 'not-found', 'transformation not found');
    });
  }
}

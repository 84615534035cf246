import { z } from 'zod';
import { CallbackUrl } from '../webhooks.js';

const unit = z.number().min(0).max(1);
const bandGain = z.number().min(1 / 16).max(16);
/** One effect of a chain, as effects_presets store them: {type, settings}. */
export const EffectSpec = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('equalizer'), settings: z.strictObject({ low: bandGain.optional(), mid: bandGain.optional(), high: bandGain.optional() }) }),
  z.strictObject({
    type: z.literal('compressor'),
    settings: z.strictObject({ threshold_db: z.number().min(-60).max(0).optional(), ratio: z.number().min(1).max(20).optional(), attack_ms: z.number().min(0.1).max(200).optional(), release_ms: z.number().min(5).max(2000).optional(), makeup_db: z.number().min(0).max(24).optional() }),
  }),
  z.strictObject({ type: z.literal('reverb'), settings: z.strictObject({ room_size: unit.optional(), damping: unit.optional(), mix: unit.optional() }) }),
  z.strictObject({ type: z.literal('delay'), settings: z.strictObject({ time: z.number().min(0.01).max(2).optional(), feedback: z.number().min(0).max(0.95).optional(), mix: unit.optional() }) }),
]);
export const EffectsChain = z.array(EffectSpec).min(1).max(16);
export type EffectsChain = z.infer<typeof EffectsChain>;

/** transformation_type of an effects chain (an effects_presets row, or a chain given inline) applied to the project's audio. */
export const EFFECTS_TRANSFORMATION = 'effects';

/** POST /v1/projects/{id}/transformations — a project's audio in another style (Studio Nexus), or through an effects chain. */
export const CreateTransformationBody = z.strictObject({
  transformation_type: z.string().trim().toLowerCase().regex(/^[a-z][a-z_-]{1,49}$/, 'a style name such as orchestral, electronic, jazz'),
  preset_id: z.uuid().optional(),
  parameters: z
    .strictObject({
      /** Length of the result; default: the project's audio, at most 240 s. */
      duration_seconds: z.number().int().min(5).max(240).optional(),
      /** Extra words for the arrangement (mood, instruments). */
      prompt: z.string().trim().min(1).max(300).optional(),
      seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
      /** For transformation_type 'effects': a preset you may see (system, public or yours)… */
      effects_preset_id: z.uuid().optional(),
      /** …or a chain of your own. */
      effects_chain: EffectsChain.optional(),
    })
    .optional(),
  provider: z.enum(['replicate', 'local']).optional(),
  callback_url: CallbackUrl.optional(),
})
  .refine((b) => b.transformation_type !== EFFECTS_TRANSFORMATION || (b.parameters?.effects_preset_id === undefined) !== (b.parameters?.effects_chain === undefined), {
    path: ['parameters'],
    message: 'effects need exactly one of parameters.effects_preset_id or parameters.effects_chain',
  })
  .refine((b) => b.transformation_type === EFFECTS_TRANSFORMATION || (b.parameters?.effects_preset_id === undefined && b.parameters?.effects_chain === undefined), {
    path: ['parameters'],
    message: "effects settings belong to transformation_type 'effects'",
  })
  .refine((b) => b.transformation_type !== EFFECTS_TRANSFORMATION || b.preset_id === undefined, { path: ['preset_id'], message: 'effects use parameters.effects_preset_id' });
export type CreateTransformationBody = z.infer<typeof CreateTransformationBody>;

/** PATCH /v1/projects/{id}/transformations/{transformation_id} — rating and feedback on a finished one. */
export const RateTransformationBody = z.strictObject({
  user_rating: z.number().int().min(1).max(5),
  user_feedback: z.string().trim().min(1).max(2000).optional(),
});
export type RateTransformationBody = z.infer<typeof RateTransformationBody>;

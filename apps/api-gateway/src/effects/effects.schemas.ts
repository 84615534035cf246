import { z } from 'zod';
import { CallbackUrl, EffectsChain } from '@muse/contracts';

/**
 * POST /v1/tracks/{id}/effects. The shape is checked first (400: unknown fields, wrong types); the chain's
 * effect types and parameter ranges second (422, each bad setting named), so a well-formed request with an
 * out-of-range value is told exactly which one.
 */
export const CreateEffectsBody = z
  .strictObject({
    /** Default: the track's master version. */
    version_id: z.uuid().optional(),
    /** A system, public or own effects preset… */
    preset_id: z.uuid().optional(),
    /** …or a chain of [{type, settings}] (equalizer, compressor, reverb, delay), at most 16 effects. */
    chain: z.array(z.strictObject({ type: z.string().max(50), settings: z.record(z.string(), z.unknown()) })).min(1).max(16).optional(),
    callback_url: CallbackUrl.optional(),
  })
  .refine((b) => (b.preset_id === undefined) !== (b.chain === undefined), { path: ['preset_id'], message: 'give exactly one of preset_id or chain' });
export type CreateEffectsBody = z.infer<typeof CreateEffectsBody>;

/** The validated chain (types and ranges), for the 422 check and the OpenAPI document. */
export { EffectsChain };

import { z } from 'zod';
import { CallbackUrl } from '../webhooks.js';

/** Provider models (Replicate) and the platform's own band-limited resampler. */
export const UPSCALE_MODELS = ['stable-audio-open', 'audioldm2', 'local-resample-48k'] as const;
export const UpscaleModel = z.enum(UPSCALE_MODELS);
export type UpscaleModel = z.infer<typeof UpscaleModel>;
export const LOCAL_UPSCALE_MODEL = 'local-resample-48k';
export const UPSCALE_SAMPLE_RATE = 48_000;
export const UPSCALE_BIT_DEPTH = 24;

/** POST /v1/upscales — exactly one of track_id (optionally with version_id) or input_audio_url. */
export const CreateUpscaleBody = z
  .strictObject({
    track_id: z.uuid().optional(),
    version_id: z.uuid().optional(),
    input_audio_url: z.url({ protocol: /^https?$/ }).max(2048).optional(),
    model_version: UpscaleModel.optional(),
    guidance_scale: z.number().min(0).max(20).optional(),
    ddim_steps: z.number().int().min(1).max(500).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    callback_url: CallbackUrl.optional(),
  })
  .refine((b) => (b.track_id === undefined) !== (b.input_audio_url === undefined), { path: ['track_id'], message: 'give exactly one of track_id or input_audio_url' })
  .refine((b) => b.version_id === undefined || b.track_id !== undefined, { path: ['version_id'], message: 'version_id needs track_id' });
export type CreateUpscaleBody = z.infer<typeof CreateUpscaleBody>;

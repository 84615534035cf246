import { z } from 'zod';
import { CallbackUrl } from '../webhooks.js';

/** POST /v1/personas — a voice taken from a track the caller may see (their own, or a public one). */
export const CreatePersonaBody = z.strictObject({
  source_track_id: z.uuid(),
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(2000).optional(),
  source_music_index: z.number().int().min(0).max(1000).optional(),
  is_public: z.boolean().optional(),
  provider: z.enum(['suno', 'local']).optional(),
  callback_url: CallbackUrl.optional(),
});
export type CreatePersonaBody = z.infer<typeof CreatePersonaBody>;

import { z } from 'zod';
import { CallbackUrl } from '../webhooks.js';

export const MUSIC_PROVIDERS = ['suno', 'mureka', 'local'] as const;
export const MusicProvider = z.enum(MUSIC_PROVIDERS);
export type MusicProvider = z.infer<typeof MusicProvider>;

export const DEFAULT_DURATION_SECONDS = 30;
export const MAX_DURATION_SECONDS = 240;

const tag = z.string().trim().min(1).max(50);

export const CreateGenerationBody = z.strictObject({
  prompt: z.string().trim().min(1).max(3000),
  title: z.string().trim().min(1).max(200).optional(),
  lyrics: z.string().max(5000).optional(),
  style_tags: z.array(tag).max(20).optional(),
  genre: z.string().trim().min(1).max(50).optional(),
  mood: z.string().trim().min(1).max(50).optional(),
  instrumental: z.boolean().optional(),
  model: z.string().trim().min(1).max(100).optional(),
  provider: MusicProvider.optional(),
  project_id: z.uuid().optional(),
  persona_id: z.uuid().optional(),
  reference_audio_url: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  duration_seconds: z.number().int().min(5).max(MAX_DURATION_SECONDS).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  callback_url: CallbackUrl.optional(),
});
export type CreateGenerationBody = z.infer<typeof CreateGenerationBody>;

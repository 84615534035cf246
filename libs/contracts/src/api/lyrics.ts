import { z } from 'zod';
import { CallbackUrl } from '../webhooks.js';

export const LYRICS_PROVIDERS = ['suno', 'openai', 'mureka', 'local'] as const;
export const LyricsProvider = z.enum(LYRICS_PROVIDERS);
export type LyricsProvider = z.infer<typeof LyricsProvider>;

/** POST /v1/lyrics — new lyrics, or (is_extension) a continuation of base_lyrics; several variants per job. */
export const CreateLyricsBody = z
  .strictObject({
    prompt: z.string().trim().min(1).max(3000),
    base_lyrics: z.string().trim().min(1).max(5000).optional(),
    is_extension: z.boolean().optional(),
    provider: LyricsProvider.optional(),
    variants: z.number().int().min(1).max(4).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    callback_url: CallbackUrl.optional(),
  })
  .refine((b) => !b.is_extension || b.base_lyrics !== undefined, { path: ['base_lyrics'], message: 'an extension needs base_lyrics' });
export type CreateLyricsBody = z.infer<typeof CreateLyricsBody>;

export const DEFAULT_LYRICS_VARIANTS = 2;

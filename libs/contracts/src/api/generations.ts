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
  reference_audio_url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional()
    .describe(
      'A public http(s) URL of a recording to follow: MP3 or WAV, 5 s to 8 min. The platform downloads and checks it before any provider is asked. '
        + 'suno: a cover over its melody in the requested style (upload-cover); mureka: uploaded as the style reference of the song (instead of the prompt, which still writes the lyrics); '
        + 'local: the song takes its measured tempo and key unless the prompt names its own (the versions record reference_tempo_bpm, reference_key, reference_mode, reference_applied). '
        + 'A reference that cannot be fetched or used fails the job with error.code reference-audio-unavailable or reference-audio-invalid, and its credits are refunded.',
    ),
  duration_seconds: z.number().int().min(5).max(MAX_DURATION_SECONDS).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  callback_url: CallbackUrl.optional(),
});
export type CreateGenerationBody = z.infer<typeof CreateGenerationBody>;

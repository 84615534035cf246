import { z } from 'zod';
import { CallbackUrl } from '../webhooks.js';

/** Shortest range worth regenerating, and the longest one replaced in one job. */
export const MIN_SECTION_SECONDS = 1;
export const MAX_SECTION_SECONDS = 120;
export const DEFAULT_CROSSFADE_MS = 60;

/** POST /v1/tracks/{id}/sections — regenerate [replaced_start_s, replaced_end_s) of a version into a new version. */
export const CreateSectionBody = z
  .strictObject({
    replaced_start_s: z.number().min(0).max(10_000),
    replaced_end_s: z.number().min(0).max(10_000),
    prompt: z.string().trim().min(1).max(3000),
    tags: z.string().trim().min(1).max(500).optional(),
    negative_tags: z.string().trim().min(1).max(500).optional(),
    version_id: z.uuid().optional(),
    crossfade_ms: z.number().int().min(0).max(2000).optional(),
    provider: z.enum(['suno', 'local']).optional(),
    callback_url: CallbackUrl.optional(),
  })
  .refine((b) => b.replaced_end_s - b.replaced_start_s >= MIN_SECTION_SECONDS, { path: ['replaced_end_s'], message: `must be at least ${MIN_SECTION_SECONDS} s after replaced_start_s` })
  .refine((b) => b.replaced_end_s - b.replaced_start_s <= MAX_SECTION_SECONDS, { path: ['replaced_end_s'], message: `a section is at most ${MAX_SECTION_SECONDS} s long` });
export type CreateSectionBody = z.infer<typeof CreateSectionBody>;

import { z } from 'zod';
import { Pagination } from '@muse/contracts';

const text = (max: number) => z.string().trim().min(1).max(max);
const fields = {
  genre: text(100).nullable().optional(),
  mood: text(100).nullable().optional(),
  /** A language tag such as en, pt-BR. */
  language: z.string().trim().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/, 'a language tag such as en or pt-BR').nullable().optional(),
  theme: text(200).nullable().optional(),
  folder: text(100).nullable().optional(),
  tags: z.array(text(50)).max(30).optional(),
  is_favorite: z.boolean().optional(),
  /** Free-form, at most 8 KB as JSON. */
  metadata: z.record(z.string(), z.unknown()).refine((m) => JSON.stringify(m).length <= 8192, 'at most 8 KB').optional(),
};

/**
 * POST /v1/saved-lyrics: either your own text (title + content), or a variant of one of your finished
 * lyrics jobs (lyrics_variant_id; its title and content are copied, title can be overridden).
 */
export const CreateSavedLyricsBody = z
  .strictObject({
    title: text(200).optional(),
    content: text(20_000).optional(),
    lyrics_variant_id: z.uuid().optional(),
    ...fields,
  })
  .refine((b) => (b.lyrics_variant_id === undefined ? b.title !== undefined && b.content !== undefined : b.content === undefined), {
    path: ['content'],
    message: 'give title and content, or lyrics_variant_id (whose content is copied)',
  });
export type CreateSavedLyricsBody = z.infer<typeof CreateSavedLyricsBody>;

/** PATCH /v1/saved-lyrics/{id}: any of the fields; metadata is merged. */
export const UpdateSavedLyricsBody = z
  .strictObject({ title: text(200).optional(), content: text(20_000).optional(), ...fields })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });
export type UpdateSavedLyricsBody = z.infer<typeof UpdateSavedLyricsBody>;

export const ListSavedLyricsQuery = Pagination.extend({
  folder: text(100).optional(),
  favorite: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
export type ListSavedLyricsQuery = z.infer<typeof ListSavedLyricsQuery>;

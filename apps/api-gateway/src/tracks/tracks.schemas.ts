import { z } from 'zod';
import { Pagination } from '@muse/contracts';

const text = (max: number) => z.string().trim().min(1).max(max);

/** GET /v1/tracks: own tracks (or everyone's public ones with public=true), newest first. */
export const ListTracksQuery = Pagination.extend({
  public: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  status: z.enum(['pending', 'processing', 'completed', 'failed']).optional(),
  genre: text(100).optional(),
  project_id: z.uuid().optional(),
  /** Words in the title or prompt (case-insensitive substring). */
  q: text(200).optional(),
});
export type ListTracksQuery = z.infer<typeof ListTracksQuery>;

/** PATCH /v1/tracks/{id}: the descriptive fields of API.md; anything else is refused. */
export const UpdateTrackBody = z
  .strictObject({
    title: text(200).nullable().optional(),
    is_public: z.boolean().optional(),
    genre: text(100).nullable().optional(),
    mood: text(100).nullable().optional(),
    style_tags: z.array(text(50)).max(30).optional(),
    lyrics: z.string().max(5000).nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });
export type UpdateTrackBody = z.infer<typeof UpdateTrackBody>;

/** Bodies of the action endpoints (like, play, download, master): nothing, or an empty object. */
export const EmptyBody = z.strictObject({}).optional();

/** GET /v1/personas: own personas; include_public adds everyone's public ones. */
export const ListPersonasQuery = Pagination.extend({
  include_public: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
export type ListPersonasQuery = z.infer<typeof ListPersonasQuery>;

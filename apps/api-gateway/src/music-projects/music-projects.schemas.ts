import { z } from 'zod';
import { Pagination } from '@muse/contracts';

const text = (max: number) => z.string().trim().min(1).max(max);
const fields = {
  description: z.string().trim().max(2000).nullable().optional(),
  genre: text(100).nullable().optional(),
  mood: text(100).nullable().optional(),
  target_tracks_count: z.number().int().min(1).max(500).nullable().optional(),
  status: z.enum(['planning', 'in_progress', 'completed']).optional(),
  is_public: z.boolean().optional(),
  concept_description: z.string().trim().max(5000).nullable().optional(),
  /** Free-form, at most 8 KB as JSON; merged on PATCH. */
  metadata: z.record(z.string(), z.unknown()).refine((m) => JSON.stringify(m).length <= 8192, 'at most 8 KB').optional(),
};

export const CreateMusicProjectBody = z.strictObject({ name: text(200), ...fields });
export type CreateMusicProjectBody = z.infer<typeof CreateMusicProjectBody>;

export const UpdateMusicProjectBody = z.strictObject({ name: text(200).optional(), ...fields }).refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });
export type UpdateMusicProjectBody = z.infer<typeof UpdateMusicProjectBody>;

export const ListMusicProjectsQuery = Pagination.extend({
  public: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
export type ListMusicProjectsQuery = z.infer<typeof ListMusicProjectsQuery>;

/** POST /v1/music-projects/{id}/tracks: add a track (own or public) at a position (default: the end). */
export const AddProjectTrackBody = z.strictObject({ track_id: z.uuid(), position: z.number().int().min(0).max(10_000).optional() });
export type AddProjectTrackBody = z.infer<typeof AddProjectTrackBody>;

/** PATCH /v1/music-projects/{id}/tracks/{track_id}: move one track to a position (0-based; past the end = last). */
export const MoveProjectTrackBody = z.strictObject({ position: z.number().int().min(0).max(10_000) });
export type MoveProjectTrackBody = z.infer<typeof MoveProjectTrackBody>;

/** PUT /v1/music-projects/{id}/tracks: the whole new order, exactly the album's tracks, each once. */
export const ReorderProjectTracksBody = z.strictObject({
  track_ids: z.array(z.uuid()).max(1000).refine((ids) => new Set(ids).size === ids.length, 'each track once'),
});
export type ReorderProjectTracksBody = z.infer<typeof ReorderProjectTracksBody>;

import { z } from 'zod';
import { Pagination } from '@muse/contracts';

const Text = (max: number) => z.string().trim().max(max);
const Tags = z.array(z.string().trim().min(1).max(50)).max(30);
const JsonObject = z.record(z.string(), z.unknown()).refine((v) => JSON.stringify(v).length <= 20_000, 'at most 20 000 characters of JSON');

const ProjectFields = {
  description: Text(5000).nullable().optional(),
  genre: Text(100).nullable().optional(),
  tags: Tags.optional(),
  is_public: z.boolean().optional(),
  metronome_bpm: z.number().int().min(60).max(200).optional(),
  effects_settings: JsonObject.optional(),
  project_settings: JsonObject.optional(),
  /** The project's audio: one of the caller's library files … */
  audio_library_id: z.uuid().optional(),
  /** … or a track the caller can see. */
  track_id: z.uuid().optional(),
};

const oneAudioSource = (v: { audio_library_id?: string; track_id?: string }) => !(v.audio_library_id && v.track_id);

/** POST /v1/projects (Studio Nexus projects). */
export const CreateProjectBody = z
  .strictObject({ title: z.string().trim().min(1).max(200), ...ProjectFields })
  .refine(oneAudioSource, { message: 'give audio_library_id or track_id, not both', path: ['track_id'] });
export type CreateProjectBody = z.infer<typeof CreateProjectBody>;

/** PATCH /v1/projects/{id}: editors and above. */
export const UpdateProjectBody = z
  .strictObject({
    title: z.string().trim().min(1).max(200).optional(),
    status: z.enum(['draft', 'processing', 'completed', 'archived']).optional(),
    ...ProjectFields,
  })
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change')
  .refine(oneAudioSource, { message: 'give audio_library_id or track_id, not both', path: ['track_id'] });
export type UpdateProjectBody = z.infer<typeof UpdateProjectBody>;

export const ListProjectsQuery = Pagination.extend({
  /** true: everyone's public projects; otherwise the caller's own and those they collaborate on. */
  public: z.enum(['true', 'false']).optional(),
});
export type ListProjectsQuery = z.infer<typeof ListProjectsQuery>;

/**
 * PUT /v1/projects/{id}/collaborators/{user_id}: the owner or a team admin sets `role` (an invitation
 * starts pending); the invitee answers their own invitation with `status`.
 */
export const PutCollaboratorBody = z.union([
  z.strictObject({ role: z.enum(['viewer', 'editor', 'admin']), permissions: JsonObject.optional() }),
  z.strictObject({ status: z.enum(['accepted', 'declined']) }),
]);
export type PutCollaboratorBody = z.infer<typeof PutCollaboratorBody>;

import { z } from 'zod';
import { Pagination } from '@muse/contracts';

/** Audio a library upload may be (checked again against the stored object's type and first bytes). */
export const AUDIO_CONTENT_TYPES = [
  'audio/mpeg', 'audio/mp3', 'audio/wav', 'audio/x-wav', 'audio/wave', 'audio/flac', 'audio/x-flac', 'audio/ogg', 'audio/aac',
  'audio/mp4', 'audio/x-m4a', 'audio/webm',
] as const;
/** One upload at most (the tier's storage_mb limit applies on top). */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

const Category = z.enum(['sample', 'loop', 'vocal', 'instrumental']);
const Tags = z.array(z.string().trim().min(1).max(50)).max(30);
const FileName = z.string().trim().min(1).max(255).refine((v) => !/[\u0000-\u001f/\\]/.test(v), 'no slashes or control characters');

/** POST /v1/library/uploads: what will be uploaded; the size is reserved against storage_mb. */
export const StartUploadBody = z.strictObject({
  file_name: FileName,
  content_type: z.string().trim().toLowerCase().max(100),
  size_bytes: z.number().int().min(1),
  parent_folder_id: z.uuid().nullable().optional(),
  category: Category.nullable().optional(),
  description: z.string().trim().max(2000).nullable().optional(),
  tags: Tags.optional(),
});
export type StartUploadBody = z.infer<typeof StartUploadBody>;

export const UpdateLibraryItemBody = z
  .strictObject({
    file_name: FileName.optional(),
    parent_folder_id: z.uuid().nullable().optional(),
    category: Category.nullable().optional(),
    description: z.string().trim().max(2000).nullable().optional(),
    tags: Tags.optional(),
    bpm: z.number().int().min(1).max(999).nullable().optional(),
    key: z.string().trim().min(1).max(20).nullable().optional(),
    is_favorite: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
export type UpdateLibraryItemBody = z.infer<typeof UpdateLibraryItemBody>;

export const ListLibraryQuery = Pagination.extend({ folder_id: z.union([z.uuid(), z.literal('root')]).optional() });
export type ListLibraryQuery = z.infer<typeof ListLibraryQuery>;

const FolderFields = {
  parent_id: z.uuid().nullable().optional(),
  category: z.enum(['audio', 'projects', 'samples']).nullable().optional(),
  icon: z.string().trim().max(50).nullable().optional(),
  color: z.string().trim().max(30).nullable().optional(),
  is_favorite: z.boolean().optional(),
};
export const CreateFolderBody = z.strictObject({ name: z.string().trim().min(1).max(200), ...FolderFields });
export type CreateFolderBody = z.infer<typeof CreateFolderBody>;
export const UpdateFolderBody = z
  .strictObject({ name: z.string().trim().min(1).max(200).optional(), ...FolderFields })
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
export type UpdateFolderBody = z.infer<typeof UpdateFolderBody>;
export const ListFoldersQuery = Pagination.extend({ parent_id: z.union([z.uuid(), z.literal('root')]).optional() });
export type ListFoldersQuery = z.infer<typeof ListFoldersQuery>;

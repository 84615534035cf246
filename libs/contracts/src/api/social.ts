import { z } from 'zod';
import { EffectsChain } from './transformations.js';
import { Pagination } from './jobs.js';

// Contracts of issue #14 part B: prompts, prompt history, notifications, follows and profiles, DAW
// projects, effects and AI model presets. Bodies are strict (unknown fields are refused).

const text = (max: number) => z.string().trim().min(1).max(max);
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
/** Free-form JSON object, at most `kb` KB serialised. */
const jsonObject = (kb: number) => z.record(z.string(), z.unknown()).refine((m) => JSON.stringify(m).length <= kb * 1024, `at most ${kb} KB`);
const tags = z.array(text(50)).max(30);
const httpsUrl = z.url({ protocol: /^https?$/ }).max(2048);
const nonEmpty = <T extends Record<string, unknown>>(b: T) => Object.keys(b).length > 0;
const NOTHING = { message: 'nothing to change' };

// ---- saved prompts (/v1/prompts → project_prompts)
export const PromptCategory = z.enum(['melody', 'lyrics', 'style']);
const promptFields = {
  project_id: z.uuid().nullable().optional(),
  category: PromptCategory.nullable().optional(),
  tags: tags.optional(),
  is_favorite: z.boolean().optional(),
  metadata: jsonObject(8).optional(),
};
export const CreatePromptBody = z.strictObject({ title: text(200), content: text(3000), ...promptFields });
export type CreatePromptBody = z.infer<typeof CreatePromptBody>;
export const UpdatePromptBody = z.strictObject({ title: text(200).optional(), content: text(3000).optional(), ...promptFields }).refine(nonEmpty, NOTHING);
export type UpdatePromptBody = z.infer<typeof UpdatePromptBody>;
export const ListPromptsQuery = Pagination.extend({
  category: PromptCategory.optional(),
  favorite: bool.optional(),
  project_id: z.uuid().optional(),
  q: text(200).optional(),
});
export type ListPromptsQuery = z.infer<typeof ListPromptsQuery>;

// ---- prompt history (/v1/prompt-history)
export const ListPromptHistoryQuery = Pagination.extend({
  status: z.enum(['success', 'failed', 'pending']).optional(),
  template: bool.optional(),
  q: text(200).optional(),
});
export type ListPromptHistoryQuery = z.infer<typeof ListPromptHistoryQuery>;
/** GET /v1/prompt-history/statistics: aggregates have no id, so its cursor is an opaque offset. */
export const PromptStatisticsQuery = Pagination;
export type PromptStatisticsQuery = z.infer<typeof PromptStatisticsQuery>;
export const UpdatePromptHistoryBody = z.strictObject({ is_template: z.boolean() });
export type UpdatePromptHistoryBody = z.infer<typeof UpdatePromptHistoryBody>;

// ---- notifications
export const ListNotificationsQuery = Pagination.extend({ unread: bool.optional() });
export type ListNotificationsQuery = z.infer<typeof ListNotificationsQuery>;
export const UpdateNotificationBody = z.strictObject({ read: z.boolean() });
export type UpdateNotificationBody = z.infer<typeof UpdateNotificationBody>;

// ---- follows and profiles
export const ListPageQuery = Pagination;
export type ListPageQuery = z.infer<typeof ListPageQuery>;

// ---- DAW projects (/v1/daw-projects)
const dawFields = {
  description: z.string().trim().max(2000).nullable().optional(),
  bpm: z.number().int().min(1).max(999).optional(),
  duration_seconds: z.number().int().min(0).max(86_400).nullable().optional(),
  /** The session: tracks, clips, timeline (free-form, at most 512 KB). */
  data: jsonObject(512).optional(),
  thumbnail_url: httpsUrl.nullable().optional(),
  is_public: z.boolean().optional(),
  metadata: jsonObject(8).optional(),
};
export const CreateDawProjectBody = z.strictObject({ name: text(200), ...dawFields });
export type CreateDawProjectBody = z.infer<typeof CreateDawProjectBody>;
export const UpdateDawProjectBody = z.strictObject({ name: text(200).optional(), ...dawFields }).refine(nonEmpty, NOTHING);
export type UpdateDawProjectBody = z.infer<typeof UpdateDawProjectBody>;
export const ListDawProjectsQuery = Pagination.extend({ public: bool.optional() });
export type ListDawProjectsQuery = z.infer<typeof ListDawProjectsQuery>;

// ---- presets
export const PresetScope = z.enum(['all', 'system', 'own', 'public']);
const effectsPresetFields = {
  description: z.string().trim().max(1000).nullable().optional(),
  category: text(50).nullable().optional(),
  preview_audio_url: httpsUrl.nullable().optional(),
  is_public: z.boolean().optional(),
};
/** An effects preset of one's own: its chain must be one this platform can apply (POST /v1/tracks/{id}/effects). */
export const CreateEffectsPresetBody = z.strictObject({ name: text(100), effects_chain: EffectsChain, ...effectsPresetFields });
export type CreateEffectsPresetBody = z.infer<typeof CreateEffectsPresetBody>;
export const UpdateEffectsPresetBody = z.strictObject({ name: text(100).optional(), effects_chain: EffectsChain.optional(), ...effectsPresetFields }).refine(nonEmpty, NOTHING);
export type UpdateEffectsPresetBody = z.infer<typeof UpdateEffectsPresetBody>;
export const ListEffectsPresetsQuery = Pagination.extend({ scope: PresetScope.default('all'), category: text(50).optional() });
export type ListEffectsPresetsQuery = z.infer<typeof ListEffectsPresetsQuery>;

const aiPresetFields = {
  description: z.string().trim().max(1000).nullable().optional(),
  /** Passed to the transformation as preset_parameters; at most 8 KB. */
  parameters: jsonObject(8).optional(),
  preview_audio_url: httpsUrl.nullable().optional(),
  thumbnail_url: httpsUrl.nullable().optional(),
  is_active: z.boolean().optional(),
  is_public: z.boolean().optional(),
};
/** An AI model preset of one's own, for one of the transformation types the platform offers (its system presets' types). */
export const CreateAiModelPresetBody = z.strictObject({
  name: text(100),
  transformation_type: z.string().trim().toLowerCase().regex(/^[a-z][a-z_-]{1,49}$/, 'a style name such as orchestral, electronic, jazz'),
  ...aiPresetFields,
  parameters: jsonObject(8),
});
export type CreateAiModelPresetBody = z.infer<typeof CreateAiModelPresetBody>;
export const UpdateAiModelPresetBody = z.strictObject({ name: text(100).optional(), ...aiPresetFields }).refine(nonEmpty, NOTHING);
export type UpdateAiModelPresetBody = z.infer<typeof UpdateAiModelPresetBody>;
export const ListAiModelPresetsQuery = Pagination.extend({ scope: PresetScope.default('all'), transformation_type: text(50).optional() });
export type ListAiModelPresetsQuery = z.infer<typeof ListAiModelPresetsQuery>;

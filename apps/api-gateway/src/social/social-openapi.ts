import { z } from 'zod';
import {
  CreateAiModelPresetBody, CreateDawProjectBody, CreateEffectsPresetBody, CreatePromptBody, ListAiModelPresetsQuery, ListDawProjectsQuery,
  ListEffectsPresetsQuery, ListNotificationsQuery, ListPageQuery, ListPromptHistoryQuery, ListPromptsQuery, PromptStatisticsQuery, UpdateAiModelPresetBody,
  UpdateDawProjectBody, UpdateEffectsPresetBody, UpdateNotificationBody, UpdatePromptBody, UpdatePromptHistoryBody,
} from '@muse/contracts';
import { ClearHistoryQuery } from './prompts.controller.js';

/** OpenAPI paths of prompts, prompt history, notifications, users/follows, DAW projects and presets (merged in docs/openapi.ts). */
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const body = (s: z.ZodType) => ({ required: true, content: { 'application/json': { schema: z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) } } });
const query = (s: z.ZodType) =>
  Object.entries((z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, unknown> }).properties).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));
const id = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const security = [{ bearer: [] }];
const auth = { '401': problem('missing, invalid or expired token'), '429': problem('rate limit') };
const ok = (description: string) => ({ description });
const page = (what: string) => ok(`{data: [${what}], next_cursor} — newest first; pass next_cursor as ?cursor for the next page`);
const gone = (what: string) => problem(`no such ${what} of yours (another user's is 404 too)`);

/** CRUD of one resource: list + create on the collection, get/patch/delete on an item. */
function crud(o: { what: string; row: string; listQuery: z.ZodType; create: z.ZodType; update: z.ZodType; listSummary: string; createSummary: string; extra?: Record<string, unknown>; forbidden?: string }) {
  const forbidden = o.forbidden ? { '403': problem(o.forbidden) } : {};
  return {
    collection: {
      get: { summary: o.listSummary, security, parameters: query(o.listQuery), responses: { '200': page(o.row), '400': problem('invalid query or cursor'), ...auth } },
      post: { summary: o.createSummary, security, requestBody: body(o.create), responses: { '201': ok(`the new ${o.row}`), '400': problem('invalid body; nothing written'), ...auth, ...(o.extra ?? {}) } },
    },
    item: {
      get: { summary: `One ${o.what}`, security, parameters: [id], responses: { '200': ok(o.row), ...auth, '404': gone(o.what) } },
      patch: { summary: `Change fields of your ${o.what}`, security, parameters: [id], requestBody: body(o.update), responses: { '200': ok(`the changed ${o.row}`), '400': problem('invalid body; nothing changed'), ...auth, ...forbidden, '404': gone(o.what), ...(o.extra ?? {}) } },
      delete: { summary: `Delete your ${o.what}`, security, parameters: [id], responses: { '204': ok('deleted'), ...auth, ...forbidden, '404': gone(o.what) } },
    },
  };
}

const prompts = crud({
  what: 'saved prompt', row: 'project_prompts row', listQuery: ListPromptsQuery, create: CreatePromptBody, update: UpdatePromptBody,
  listSummary: 'Your saved prompts (project_prompts): ?category, ?favorite, ?project_id (album), ?q on title/content',
  createSummary: 'Save a prompt template (melody, lyrics or style), optionally in one of your albums (project_id of a music project)',
  extra: { '422': problem('project_id is not an album of yours') },
});
const daw = crud({
  what: 'DAW project', row: 'daw_projects row', listQuery: ListDawProjectsQuery, create: CreateDawProjectBody, update: UpdateDawProjectBody,
  listSummary: 'Your DAW sessions (daw_projects); ?public=true lists everyone\'s public ones',
  createSummary: 'Create a DAW session (name, bpm, data: tracks/clips/timeline up to 512 KB)',
  forbidden: 'a public project of someone else: readable, not changeable',
});
const effects = crud({
  what: 'effects preset', row: 'effects_presets row', listQuery: ListEffectsPresetsQuery, create: CreateEffectsPresetBody, update: UpdateEffectsPresetBody,
  listSummary: 'Effects presets you may use: system presets, shared ones and your own (?scope=all|system|own|public, ?category)',
  createSummary: 'Create your own effects preset; its chain (equalizer, compressor, reverb, delay) must be one the platform can apply',
  forbidden: 'a system preset or someone else\'s shared preset: usable, not changeable',
});
const ai = crud({
  what: 'AI model preset', row: 'ai_model_presets row', listQuery: ListAiModelPresetsQuery, create: CreateAiModelPresetBody, update: UpdateAiModelPresetBody,
  listSummary: 'AI model presets (transformation styles): active system presets, shared ones and your own (?scope, ?transformation_type)',
  createSummary: 'Create your own AI model preset for one of the platform\'s transformation types (use it as preset_id of a transformation)',
  forbidden: 'a system preset or someone else\'s shared preset: usable, not changeable',
  extra: { '422': problem('transformation_type is not one the platform offers') },
});
const user404 = problem('no such user, or their profile is private');
const publicProfile = ok('{id, username, full_name, avatar_url, bio, website_url, created_at, followers_count, following_count, public_tracks_count, is_followed_by_you, follows_you} — public fields only');

export const socialOpenApiPaths = {
  '/v1/prompts': prompts.collection,
  '/v1/prompts/{id}': prompts.item,
  '/v1/prompts/{id}/use': { post: { summary: 'Count a use of a saved prompt (usage_count + 1, last_used_at)', security, parameters: [id], responses: { '200': ok('the project_prompts row'), ...auth, '404': gone('saved prompt') } } },
  '/v1/prompt-history': {
    get: {
      summary: 'Prompts of your generations, newest first: one row per generation, written with the track; generation_status success/failed and generation_time_ms when it ends (?status=success|failed|pending, ?template, ?q)',
      security, parameters: query(ListPromptHistoryQuery), responses: { '200': page('prompt_history row'), '400': problem('invalid query or cursor'), ...auth },
    },
    delete: { summary: 'Clear your prompt history (?keep_templates=true keeps entries marked as templates)', security, parameters: query(ClearHistoryQuery), responses: { '200': ok('{deleted}'), '400': problem('invalid query'), ...auth } },
  },
  '/v1/prompt-history/statistics': {
    get: {
      summary: 'Usage and outcome of your prompts (the design\'s prompt_statistics): per prompt, genre and tags — usage_count, success_count, failure_count, track_count, completed_track_count, avg_generation_time_ms, last_used_at; most used first',
      security, parameters: query(PromptStatisticsQuery), responses: { '200': page('prompt statistics row'), '400': problem('invalid query or cursor'), ...auth },
    },
  },
  '/v1/prompt-history/{id}': {
    get: { summary: 'One entry of your prompt history', security, parameters: [id], responses: { '200': ok('prompt_history row'), ...auth, '404': gone('prompt history entry') } },
    patch: { summary: 'Mark an entry as a template (or not)', security, parameters: [id], requestBody: body(UpdatePromptHistoryBody), responses: { '200': ok('prompt_history row'), '400': problem('invalid body'), ...auth, '404': gone('prompt history entry') } },
    delete: { summary: 'Delete an entry of your prompt history', security, parameters: [id], responses: { '204': ok('deleted'), ...auth, '404': gone('prompt history entry') } },
  },
  '/v1/notifications': {
    get: {
      summary: 'Your notifications, newest first, with unread_count (?unread=true only unread, false only read). New ones also arrive on /v1/stream as `event: notification`',
      security, parameters: query(ListNotificationsQuery), responses: { '200': ok('{data: [{id, type, title, message, link, read, created_at, updated_at}], next_cursor, unread_count}'), '400': problem('invalid query or cursor'), ...auth },
    },
  },
  '/v1/notifications/unread-count': { get: { summary: 'How many of your notifications are unread', security, responses: { '200': ok('{unread_count}'), ...auth } } },
  '/v1/notifications/read-all': { post: { summary: 'Mark every notification of yours read', security, responses: { '200': ok('{updated, unread_count: 0}'), ...auth } } },
  '/v1/notifications/{id}': {
    patch: { summary: 'Mark a notification read or unread', security, parameters: [id], requestBody: body(UpdateNotificationBody), responses: { '200': ok('the notification'), '400': problem('invalid body; nothing changed'), ...auth, '404': gone('notification') } },
    delete: { summary: 'Delete a notification', security, parameters: [id], responses: { '204': ok('deleted'), ...auth, '404': gone('notification') } },
  },
  '/v1/users/{id}': { get: { summary: 'A public profile (visible when its owner set preferences.profile_public via PATCH /v1/me; your own always). Never email, credits or plan', security, parameters: [id], responses: { '200': publicProfile, ...auth, '404': user404 } } },
  '/v1/users/{id}/follow': {
    put: { summary: 'Follow a user (idempotent); answers their profile with the new counts. They get a notification', security, parameters: [id], responses: { '200': publicProfile, ...auth, '404': user404, '422': problem('you cannot follow yourself') } },
    delete: { summary: 'Unfollow a user (idempotent; works even after their profile went private)', security, parameters: [id], responses: { '204': ok('not following'), ...auth, '404': user404, '422': problem('you cannot unfollow yourself') } },
  },
  '/v1/users/{id}/followers': { get: { summary: 'Who follows the user, newest first; each {id, username, full_name, avatar_url, followed_at} (names null for private profiles)', security, parameters: [id, ...query(ListPageQuery)], responses: { '200': page('follower'), '400': problem('invalid query or cursor'), ...auth, '404': user404 } } },
  '/v1/users/{id}/following': { get: { summary: 'Whom the user follows (public profiles, and you), newest first', security, parameters: [id, ...query(ListPageQuery)], responses: { '200': page('followed user'), '400': problem('invalid query or cursor'), ...auth, '404': user404 } } },
  '/v1/users/{id}/tracks': { get: { summary: 'The user\'s public tracks, newest first', security, parameters: [id, ...query(ListPageQuery)], responses: { '200': page('track'), '400': problem('invalid query or cursor'), ...auth, '404': user404 } } },
  '/v1/daw-projects': daw.collection,
  '/v1/daw-projects/{id}': daw.item,
  '/v1/effects-presets': effects.collection,
  '/v1/effects-presets/{id}': effects.item,
  '/v1/ai-model-presets': ai.collection,
  '/v1/ai-model-presets/{id}': ai.item,
};

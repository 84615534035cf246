import { z } from 'zod';
import { AdminUpdateUserBody, CreateApiKeyBody } from '@muse/contracts';
import { CreateFolderBody, ListFoldersQuery, ListLibraryQuery, MAX_UPLOAD_BYTES, StartUploadBody, UpdateFolderBody, UpdateLibraryItemBody, AUDIO_CONTENT_TYPES } from '../library/library.body.js';
import { UPLOAD_URL_SECONDS } from '../library/library-uploads.service.js';
import { EXPORT_LINK_SECONDS } from './project-exports.service.js';
import { CreateProjectBody, ListProjectsQuery, PutCollaboratorBody, UpdateProjectBody } from './projects.body.js';

/**
 * OpenAPI paths of the account features of issue 7 beyond the first cut: Studio Nexus projects and
 * their limits, the library with presigned uploads, sandbox API keys, paid retries. Merged into the
 * gateway's document (docs/openapi.ts), which also takes '/v1/api-keys' and '/v1/jobs/{id}/retry'
 * from here.
 */
const js = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const limitProblem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/LimitProblem' } } } });
const ok = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } });
const body = (s: z.ZodType) => ({ required: true, content: { 'application/json': { schema: js(s) } } });
const path = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
const query = (s: z.ZodObject) => Object.entries((js(s) as { properties: Record<string, object> }).properties).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));
const secured = { security: [{ bearer: [] }] };
const auth = { '401': problem('missing, invalid or expired token') };
const bad = { '400': problem('invalid input (unknown fields are refused); nothing changed') };
const notFound = (what: string) => ({ '404': problem(`no such ${what} that you can see`) });

const usageLimit = limitProblem(
  'a Studio Nexus limit of your tier (subscription_limits, -1 = unlimited): `limit.name` is ai_transformations, exports, projects (a month), storage_mb (never resets: delete files) or max_projects (projects owned at once: delete one); `limit.resets_at` says when a monthly limit starts over (00:00 UTC on the 1st)',
);

export const accountsOpenApiPaths = {
  '/v1/projects': {
    post: { summary: 'Create a Studio Nexus project (audio from one of your library files or a track you can see). Counts against the monthly `projects` limit and the plan\'s max_projects', ...secured, requestBody: body(CreateProjectBody), responses: { '201': ok('the project'), ...bad, ...auth, '403': usageLimit, '422': problem('unknown library file or track') } },
    get: { summary: 'Your projects and those you collaborate on, newest first; `?public=true`: everyone\'s public projects', ...secured, parameters: query(ListProjectsQuery), responses: { '200': ok('{data, next_cursor}'), ...bad, ...auth } },
  },
  '/v1/projects/{id}': {
    get: { summary: 'A project (own, collaborated on, or public); others\' private projects are 404', ...secured, parameters: [path('id')], responses: { '200': ok('the project'), ...auth, ...notFound('project') } },
    patch: { summary: 'Edit a project (editors, team admins, the owner)', ...secured, parameters: [path('id')], requestBody: body(UpdateProjectBody), responses: { '200': ok('the project'), ...bad, ...auth, '403': problem('viewers cannot edit'), ...notFound('project') } },
    delete: { summary: 'Delete a project (owner only); versions, team, likes and transformations go with it', ...secured, parameters: [path('id')], responses: { '204': { description: 'deleted' }, ...auth, '403': problem('only the owner deletes'), ...notFound('project') } },
  },
  '/v1/projects/{id}/versions': { get: { summary: 'The project\'s versions, newest first (transformations add them)', ...secured, parameters: [path('id')], responses: { '200': ok('{data}'), ...auth, ...notFound('project') } } },
  '/v1/projects/{id}/collaborators': { get: { summary: 'The team (members only)', ...secured, parameters: [path('id')], responses: { '200': ok('{data: [{user_id, role, status, invited_by, invited_at, accepted_at}]}'), ...auth, '403': problem('members only'), ...notFound('project') } } },
  '/v1/projects/{id}/collaborators/{user_id}': {
    put: { summary: 'Owner or team admin: invite a user or change their role (`{role: viewer|editor|admin}`; an invitation starts pending). The invitee: answer with `{status: accepted|declined}` (only accepted members get access)', ...secured, parameters: [path('id'), path('user_id')], requestBody: body(PutCollaboratorBody), responses: { '200': ok('the collaborator row'), ...bad, ...auth, '403': problem('only the owner and team admins manage the team'), '404': problem('no such project, user or invitation'), '422': problem('the owner cannot be a collaborator; only the invitee answers') } },
    delete: { summary: 'Owner or team admin: remove a member; a member: leave', ...secured, parameters: [path('id'), path('user_id')], responses: { '204': { description: 'removed' }, ...auth, '403': problem('only the owner and team admins manage the team'), ...notFound('project or member') } },
  },
  '/v1/projects/{id}/like': {
    put: { summary: 'Like a project you can see (idempotent)', ...secured, parameters: [path('id')], responses: { '200': ok('{project_id, liked: true, like_count}'), ...auth, ...notFound('project') } },
    delete: { summary: 'Unlike (idempotent)', ...secured, parameters: [path('id')], responses: { '200': ok('{project_id, liked: false, like_count}'), ...auth, ...notFound('project') } },
  },
  '/v1/projects/{id}/exports': {
    post: { summary: `Export a project's audio (processed if any, else original): a presigned download valid ${EXPORT_LINK_SECONDS} s. Counts against the monthly \`exports\` limit; a refusal counts nothing`, ...secured, parameters: [path('id')], responses: { '201': ok('{project_id, source, url, expires_at, usage: {name, limit, used, remaining, resets_at}}'), ...auth, '403': usageLimit, ...notFound('project'), '409': problem('the project has no audio, or it is not stored on this platform') } },
  },
  '/v1/library/uploads': {
    post: {
      summary: `Start an upload into your library: the declared size is reserved against your storage_mb limit, then a presigned PUT (valid ${UPLOAD_URL_SECONDS} s) is returned — PUT the bytes there with the given content-type, then call complete_url. Audio only (${AUDIO_CONTENT_TYPES.join(', ')}), at most ${MAX_UPLOAD_BYTES} bytes`,
      ...secured,
      requestBody: body(StartUploadBody),
      responses: { '201': ok('{id, status, method: PUT, url, headers, url_expires_at, expires_at, size_bytes, reserved_mb, complete_url}'), ...bad, ...auth, '403': usageLimit, '413': limitProblem('larger than one upload may be'), '415': problem('not an audio content type'), '422': problem('unknown folder') },
    },
  },
  '/v1/library/uploads/{id}': {
    get: { summary: 'An upload and its status (pending, completed, rejected, cancelled, expired)', ...secured, parameters: [path('id')], responses: { '200': ok('the upload'), ...auth, ...notFound('upload') } },
    delete: { summary: 'Cancel a pending upload: the reservation and any uploaded bytes go', ...secured, parameters: [path('id')], responses: { '204': { description: 'cancelled' }, ...auth, ...notFound('upload'), '409': problem('no longer pending') } },
  },
  '/v1/library/uploads/{id}/complete': {
    post: { summary: 'Confirm an upload: the stored object is checked (size ≤ declared, audio by type and first bytes) and becomes a library file with the upload\'s id; the reservation is set to the real size. A refused file is deleted and its reservation released. Repeating the call answers the file again (200)', ...secured, parameters: [path('id')], responses: { '201': ok('the library file'), '200': ok('the library file (already confirmed)'), ...auth, ...notFound('upload'), '409': problem('nothing uploaded yet, or the upload is closed'), '413': limitProblem('the file is larger than declared (deleted)'), '415': problem('the file is not audio (deleted)') } },
  },
  '/v1/library': { get: { summary: 'Your library files, newest first (`folder_id`: a folder, or `root`)', ...secured, parameters: query(ListLibraryQuery), responses: { '200': ok('{data, next_cursor}'), ...bad, ...auth } } },
  '/v1/library/{id}': {
    get: { summary: 'A library file with a short-lived download_url', ...secured, parameters: [path('id')], responses: { '200': ok('the file'), ...auth, ...notFound('library file') } },
    patch: { summary: 'Edit a library file\'s metadata or move it to a folder', ...secured, parameters: [path('id')], requestBody: body(UpdateLibraryItemBody), responses: { '200': ok('the file'), ...bad, ...auth, ...notFound('library file'), '422': problem('unknown folder') } },
    delete: { summary: 'Delete a library file; its storage is given back at once', ...secured, parameters: [path('id')], responses: { '204': { description: 'deleted' }, ...auth, ...notFound('library file') } },
  },
  '/v1/folders': {
    post: { summary: 'Create a folder (optionally inside one of yours)', ...secured, requestBody: body(CreateFolderBody), responses: { '201': ok('the folder'), ...bad, ...auth, '422': problem('unknown parent folder') } },
    get: { summary: 'Your folders (`parent_id`: a folder, or `root`)', ...secured, parameters: query(ListFoldersQuery), responses: { '200': ok('{data, next_cursor}'), ...bad, ...auth } },
  },
  '/v1/folders/{id}': {
    get: { summary: 'A folder', ...secured, parameters: [path('id')], responses: { '200': ok('the folder'), ...auth, ...notFound('folder') } },
    patch: { summary: 'Rename, recolour or move a folder (never into itself or a sub-folder)', ...secured, parameters: [path('id')], requestBody: body(UpdateFolderBody), responses: { '200': ok('the folder'), ...bad, ...auth, ...notFound('folder'), '422': problem('unknown parent, or a cycle') } },
    delete: { summary: 'Delete a folder with its sub-folders; files in them stay, at the root', ...secured, parameters: [path('id')], responses: { '204': { description: 'deleted' }, ...auth, ...notFound('folder') } },
  },
};

/** '/v1/api-keys' (docs/openapi.ts uses it for that path): live and sandbox keys. */
export const apiKeysOpenApiPath = {
  post: {
    summary: 'Create an API key, usable as a bearer token wherever a JWT is; the key is in this response only. `mode: "test"` makes a sandbox key (`sk_test_…`): jobs submitted with it debit the sandbox balance (`credits.test_remaining` in /v1/me, decrement_test_credits: no daily credit limit) instead of production credits, at the same per-plan prices, ledgered with kind `test` and refunded the same way. Concurrency and daily generation limits apply to both. Sandbox jobs run for real on the local provider only (any other provider: 422 sandbox-provider), so they never cost a paid provider anything',
    ...secured,
    requestBody: body(CreateApiKeyBody),
    responses: { '201': ok('{id, name, mode, prefix, key, created_at, last_used_at, revoked_at}'), ...bad, ...auth },
  },
  get: { summary: "The caller's API keys (without the secret)", ...secured, responses: { '200': ok('{data: [{id, name, mode, prefix, created_at, last_used_at, revoked_at}]}'), ...auth } },
};

/** '/v1/jobs/{id}/retry' (docs/openapi.ts uses it for that path): paid retries. */
export const retryOpenApiPath = {
  post: {
    summary: 'Run a failed job again (3 attempts in total per job). A failed job was refunded, so its retry pays again — the same amount from the same balance (production or sandbox) — in the same transaction; if that cannot be paid the job stays failed. If the retry fails too, that payment is refunded, once',
    ...secured,
    parameters: [path('id')],
    responses: {
      '202': { description: 'the job, pending again', content: { 'application/json': { schema: { $ref: '#/components/schemas/Job' } } } },
      ...auth,
      '402': limitProblem('not enough credits to pay for the retry (limit.name credits or test_credits)'),
      '403': limitProblem('the daily credit limit, or the plan\'s concurrency limit (the retried job takes a slot again)'),
      '404': problem('no such job of yours'),
      '409': problem('not failed, or no attempts left'),
    },
  },
};

/** '/v1/admin/users/{id}' (docs/openapi.ts uses it for that path): plan change and ledgered adjustments of both balances. */
export const adminUserOpenApiPath = {
  patch: {
    summary: 'Admin: change the plan and/or adjust production credits (`credits_delta`) and sandbox credits (`test_credits_delta`), each ledgered and never below 0; all or nothing',
    ...secured,
    parameters: [path('id')],
    requestBody: body(AdminUpdateUserBody),
    responses: {
      '200': ok('{id, email, subscription_plan, subscription_tier, credits_remaining, test_credits_remaining}'),
      '400': problem('invalid input or unknown plan'),
      ...auth,
      '403': problem('admins only'),
      '404': problem('no such user'),
      '409': problem('the adjustment would overdraw'),
    },
  },
};

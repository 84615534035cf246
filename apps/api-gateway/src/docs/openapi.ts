import { z } from 'zod';
import { CreateGenerationBody, JobResource, ListJobsQuery, SignupBody, TokenBody, TokenResponse } from '@muse/contracts';
import { AdminUpdateUserBody, CreateApiKeyBody, PutSettingBody, UpdateProfileBody } from '@muse/contracts';
import { analyticsOpenApiPaths } from '../analytics/openapi-paths.js';
import { studioOpenApiPaths } from '../wav/studio-openapi.js';
import { analysisOpenApiPaths } from '../analysis/openapi-paths.js';
import { effectsOpenApiPaths } from '../effects/effects-openapi.js';
import { savedLyricsOpenApiPaths } from '../saved-lyrics/saved-lyrics-openapi.js';
import { tracksOpenApiPaths } from '../tracks/tracks-openapi.js';
import { socialOpenApiPaths } from '../social/social-openapi.js';
import { webhookDeliveriesOpenApiPaths } from '../webhook-deliveries/webhook-deliveries-openapi.js';
import { accountsOpenApiPaths, adminUserOpenApiPath, apiKeysOpenApiPath, retryOpenApiPath } from '../projects/accounts-openapi.js';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

const Problem = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
  },
};

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const limitProblem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/LimitProblem' } } } });
const json = (description: string, ref: string) => ({ description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const body = (ref: string) => ({ required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const idParam = (name = 'id') => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
const secured = { security: [{ bearer: [] }] };
const authErrors = { '401': problem('missing, invalid or expired token') };

function queryParameters(s: z.ZodObject) {
  const js = schema(s) as { properties: Record<string, object> };
  return Object.entries(js.properties).map(([name, p]) => ({ name, in: 'query', required: false, schema: p }));
}

/** The OpenAPI 3.1 document of the public API, built from the same validators the gateway uses. */
export function buildOpenApi(serverUrl?: string) {
  return {
    openapi: '3.1.0',
    info: { title: 'Muse Studio Platform API', version: '1.0.0', description: 'Songs from prompts, stems, lyrics and more. Every long task is a job: submit, then follow it.' },
    servers: serverUrl ? [{ url: serverUrl }] : [],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Problem,
        SignupBody: schema(SignupBody),
        TokenBody: schema(TokenBody),
        TokenResponse: schema(TokenResponse),
        CreateGenerationBody: schema(CreateGenerationBody),
        Job: schema(JobResource),
        Track: { type: 'object', description: 'A track row: the columns of `tracks`', additionalProperties: true },
        UpdateProfileBody: schema(UpdateProfileBody),
        CreateApiKeyBody: schema(CreateApiKeyBody),
        AdminUpdateUserBody: schema(AdminUpdateUserBody),
        PutSettingBody: schema(PutSettingBody),
        Me: { type: 'object', description: 'profile, roles, plan, credits (mode production or test, remaining, test_remaining, used today, prices per job kind of the caller\'s plan), usage_today (credits, generations, resets_at), limits (daily, max_concurrent_generations, rate_limits, usage.{resource}: {limit, used, remaining, reset_period, resets_at}), jobs_in_flight', additionalProperties: true },
        LimitProblem: {
          allOf: [{ $ref: '#/components/schemas/Problem' }],
          description: 'A refused request because a limit was hit; `limit` says which and when it frees',
          properties: { limit: { type: 'object', required: ['name', 'limit'], properties: { name: { type: 'string' }, limit: { type: 'integer' }, used: { type: 'integer' }, remaining: { type: 'integer' }, resets_at: { type: 'string', format: 'date-time' }, retry_after_seconds: { type: 'integer' } } } },
        },
        TrackVersion: { type: 'object', description: 'A `track_versions` row', additionalProperties: true },
      },
    },
    paths: {
      '/v1/auth/signup': {
        post: { summary: 'Create an account', requestBody: body('SignupBody'), responses: { '201': json('account and access token', 'TokenResponse'), '400': problem('invalid input'), '409': problem('email already registered') } },
      },
      '/v1/auth/token': {
        post: { summary: 'Sign in with email and password', requestBody: body('TokenBody'), responses: { '200': json('access token', 'TokenResponse'), '400': problem('invalid input'), '401': problem('wrong email or password') } },
      },
      '/v1/generations': {
        post: {
          summary: 'Generate a song (two variants)',
          ...secured,
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255 } }],
          requestBody: body('CreateGenerationBody'),
          responses: { '202': { ...json('the job; follow it at Location', 'Job'), headers: { Location: { schema: { type: 'string' } } } }, '400': problem('invalid input'), ...authErrors, '413': problem('body too large'), '422': problem('provider unavailable or idempotency key reused'), '402': limitProblem('not enough credits for this job'), '403': limitProblem('a plan limit: concurrent jobs, or the daily credit/generation limit (resets 00:00 UTC)'), '429': limitProblem('rate limit; see Retry-After and RateLimit-* headers'), '503': problem('maintenance, or this job kind/provider is switched off') },
        },
      },
      '/v1/jobs': { get: { summary: "The caller's jobs, newest first", ...secured, parameters: queryParameters(ListJobsQuery), responses: { '200': { description: '{data, next_cursor}' }, '400': problem('invalid query'), ...authErrors } } },
      '/v1/jobs/{id}': { get: { summary: 'One job of the caller', ...secured, parameters: [idParam()], responses: { '200': json('the job', 'Job'), ...authErrors, '404': problem('no such job of yours') } } },
      '/v1/jobs/{id}/cancel': { post: { summary: 'Cancel a job that has not finished (a finished one is returned unchanged)', ...secured, parameters: [idParam()], responses: { '200': json('the job', 'Job'), ...authErrors, '404': problem('no such job of yours') } } },
      '/v1/jobs/{id}/retry': retryOpenApiPath,
      '/v1/stream': {
        get: {
          summary: "Server-Sent Events: `event: job` with the job object on every change of the caller's jobs; send Last-Event-ID to resume",
          ...secured,
          parameters: [{ name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string', pattern: '^\\d+-\\d+$' } }],
          responses: { '200': { description: 'text/event-stream' }, '400': problem('malformed Last-Event-ID'), ...authErrors },
        },
      },
      '/v1/tracks/{id}/versions': { get: { summary: "A track's versions", ...secured, parameters: [idParam()], responses: { '200': { description: '{data, next_cursor}' }, ...authErrors, '404': problem('not found') } } },
      '/v1/webhooks/{provider}': {
        post: {
          summary: 'Provider callback (e.g. suno). Authenticated by the per-job token the platform put in the callback URL; logged, de-duplicated, handed to the worker',
          parameters: [
            { name: 'provider', in: 'path', required: true, schema: { type: 'string', enum: ['suno', 'replicate'] } },
            { name: 'job', in: 'query', required: true, schema: { type: 'string', format: 'uuid' } },
            { name: 'token', in: 'query', required: true, schema: { type: 'string' } },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
          responses: { '200': { description: '{status: accepted | duplicate | ignored}' }, '400': problem('malformed callback body'), '401': problem('missing or wrong callback token'), '404': problem('unknown provider or job'), '409': problem('callback names another task') },
        },
      },
      '/v1/me': {
        get: { summary: 'The caller: profile, plan, credits, today\'s usage, limits, jobs in flight', ...secured, responses: { '200': json('the account', 'Me'), ...authErrors } },
        patch: { summary: 'Change profile fields (full_name, avatar_url, bio, website_url, preferences)', ...secured, requestBody: body('UpdateProfileBody'), responses: { '200': json('the account', 'Me'), '400': problem('invalid input; nothing changed'), ...authErrors } },
      },
      '/v1/api-keys': apiKeysOpenApiPath,
      '/v1/api-keys/{id}': { delete: { summary: 'Revoke an API key', ...secured, parameters: [idParam()], responses: { '204': { description: 'revoked' }, ...authErrors, '404': problem('no such key of yours') } } },
      '/v1/admin/users/{id}/roles/{role}': {
        put: { summary: 'Admin: grant moderator or admin', ...secured, parameters: [idParam(), { name: 'role', in: 'path', required: true, schema: { type: 'string', enum: ['moderator', 'admin'] } }], responses: { '200': { description: '{user_id, roles}' }, '400': problem('unknown role'), ...authErrors, '403': problem('admins only'), '404': problem('no such user') } },
        delete: { summary: 'Admin: revoke moderator or admin', ...secured, parameters: [idParam(), { name: 'role', in: 'path', required: true, schema: { type: 'string', enum: ['moderator', 'admin'] } }], responses: { '200': { description: '{user_id, roles}' }, '400': problem('unknown role'), ...authErrors, '403': problem('admins only'), '404': problem('no such user') } },
      },
      '/v1/admin/users/{id}': adminUserOpenApiPath,
      '/v1/admin/settings/{key}': {
        get: { summary: 'Admin: an app_settings value', ...secured, parameters: [{ name: 'key', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: '{key, value, is_public, updated_at}' }, ...authErrors, '403': problem('admins only'), '404': problem('no such setting') } },
        put: { summary: 'Admin: set an app_settings value (maintenance_mode {enabled, message?}, feature_flags {job_kinds?, providers?}, rate_limits {class: {requests, per_seconds}}, provider_config); applies on every replica within SETTINGS_CACHE_MS', ...secured, parameters: [{ name: 'key', in: 'path', required: true, schema: { type: 'string' } }], requestBody: body('PutSettingBody'), responses: { '200': { description: '{key, value, is_public, updated_at}' }, '400': problem('invalid value for this key'), ...authErrors, '403': problem('admins only') } },
      },
      ...analyticsOpenApiPaths,
      ...studioOpenApiPaths,
      ...analysisOpenApiPaths,
      ...effectsOpenApiPaths,
      ...savedLyricsOpenApiPaths,
      ...tracksOpenApiPaths,
      ...socialOpenApiPaths,
      ...webhookDeliveriesOpenApiPaths,
      ...accountsOpenApiPaths,
      '/health/live': { get: { summary: 'Liveness', responses: { '200': { description: 'alive' } } } },
      '/health/ready': { get: { summary: 'Readiness: Postgres, Redis and storage reachable', responses: { '200': { description: 'ready' }, '503': { description: 'a dependency is down' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { '200': { description: 'text exposition format' } } } },
    },
  };
}

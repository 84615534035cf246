import { z } from 'zod';
import { AnalyticsEventInput, ARCHIVE_LINK_SECONDS, GenerationsDailyQuery, MAX_EVENTS_PER_BATCH, TopGenresQuery } from '@muse/contracts';

/** OpenAPI paths of analytics and archiving, merged into the gateway's document (docs/openapi.ts). */
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const job = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Job' } } }, headers: { Location: { schema: { type: 'string' } } } });
const secured = { security: [{ bearer: [] }] };
const id = (name = 'id') => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
const idempotency = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255 } };
const admin = { '401': problem('missing, invalid or expired token'), '403': problem('admins only') };
const query = (s: z.ZodObject) =>
  Object.entries((z.toJSONSchema(s, { io: 'input' }) as { properties: Record<string, object> }).properties).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));

export const analyticsOpenApiPaths = {
  '/v1/analytics/events': {
    post: {
      summary: `Record up to ${MAX_EVENTS_PER_BATCH} analytics events (signed in, or anonymously without a user). Each event is validated on its own: the valid ones are accepted, each invalid one is listed with its reason. An event with a client \`id\` must carry \`occurred_at\`; that pair identifies it, so resending it never counts it twice. Stored asynchronously by analytics-ingest (the request never waits for the database).`,
      security: [{ bearer: [] }, {}],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { type: 'object', required: ['events'], additionalProperties: false, properties: { events: { type: 'array', minItems: 1, maxItems: MAX_EVENTS_PER_BATCH, items: z.toJSONSchema(AnalyticsEventInput, { io: 'input', unrepresentable: 'any' }) } } } } },
      },
      responses: {
        '202': { description: '{batch_id, accepted, duplicates (repeated within the batch), rejected: [{index, errors: [{path, message}]}]}' },
        '400': problem('malformed envelope, more than 500 events, or no valid event (errors name each)'),
        '401': problem('a token was sent and is invalid (API keys are not accepted here)'),
        '413': problem('body too large'),
        '503': problem('events cannot be queued right now; resend the same batch'),
      },
    },
  },
  '/v1/admin/analytics/generations-daily': { get: { summary: 'Admin: generations per UTC day (get_analytics_generations_daily)', ...secured, parameters: query(GenerationsDailyQuery), responses: { '200': { description: '{report, days, data: [{day, total, completed, failed, in_progress}]}' }, '400': problem('invalid query'), ...admin } } },
  '/v1/admin/analytics/top-genres': { get: { summary: 'Admin: genres by track count (get_analytics_top_genres)', ...secured, parameters: query(TopGenresQuery), responses: { '200': { description: '{report, data: [{genre, track_count, total_plays, total_likes}]}' }, '400': problem('invalid query'), ...admin } } },
  '/v1/admin/analytics/prompt-statistics': { get: { summary: 'Admin: prompts by use and success (the prompt_statistics view)', ...secured, parameters: query(TopGenresQuery), responses: { '200': { description: '{report, data: [{user_id, prompt, genre, tags, usage_count, success_count, failure_count, track_count, completed_track_count, avg_generation_time_ms, last_used_at}]}' }, '400': problem('invalid query'), ...admin } } },
  '/v1/admin/analytics/archive-statistics': { get: { summary: 'Admin: what is archived and the space it saved (get_analytics_archive_statistics + archived_bytes)', ...secured, responses: { '200': { description: '{total_tracks, archived_tracks, archived_to_storage, scheduled_for_archiving, needing_archiving, jobs: {status: n}, archived_bytes}' }, ...admin } } },
  '/v1/admin/analytics/users/{id}': { get: { summary: "Admin: one user's figures (get_analytics_user_stats, get_user_mureka_stats, ingested events by type over 30 days)", ...secured, parameters: [id()], responses: { '200': { description: 'user stats' }, ...admin, '404': problem('no such user') } } },
  '/v1/admin/archiving/run': { post: { summary: 'Admin: run the archiving scan and archive every due track now (a job; result {scheduled, enqueued})', ...secured, parameters: [idempotency], responses: { '202': job('the job'), '400': problem('a body other than {}'), ...admin } } },
  '/v1/tracks/{id}/restore': { post: { summary: 'Owner or admin: bring an archived track back to the public bucket (a job). The track then waits 90 days before it can be archived again', ...secured, parameters: [id(), idempotency], responses: { '202': job('the job'), '400': problem('a body other than {}'), '401': problem('missing, invalid or expired token'), '404': problem('no such track of yours'), '409': problem('the track is not archived') } } },
  '/v1/tracks/{id}/archive': {
    get: {
      summary: `Owner only: presigned links (valid ${ARCHIVE_LINK_SECONDS} s) to the files of an archived track. Archived tracks have no public audio_url/cover_url; their files live in the private tracks-archive bucket.`,
      ...secured,
      parameters: [id()],
      responses: { '200': { description: '{track_id, archived_at, expires_in, audio_url, cover_url, video_url, files: [{path, size, url}]}' }, '401': problem('missing, invalid or expired token'), '404': problem('no such track of yours'), '409': problem('the track is not archived') },
    },
  },
};

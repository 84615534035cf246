import { z } from 'zod';
import { analysisOpenApiPaths } from '../analysis/openapi-paths.js';
import { studioOpenApiPaths } from '../wav/studio-openapi.js';
import { AddProjectTrackBody, CreateMusicProjectBody, ListMusicProjectsQuery, MoveProjectTrackBody, ReorderProjectTracksBody, UpdateMusicProjectBody } from '../music-projects/music-projects.schemas.js';
import { DOWNLOAD_LINK_SECONDS, PLAY_DEBOUNCE_SECONDS } from './tracks.service.js';
import { ListPersonasQuery, ListTracksQuery, UpdateTrackBody } from './tracks.schemas.js';

/**
 * OpenAPI paths of issue 14 part A: tracks as a product, likes, plays, downloads, albums
 * (music projects) and the reads of every job kind's domain row. Merged in docs/openapi.ts.
 */
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const body = (s: z.ZodType) => ({ required: true, content: { 'application/json': { schema: z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) } } });
const ok = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } });
const path = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
const query = (s: z.ZodObject) =>
  Object.entries((z.toJSONSchema(s, { io: 'input' }) as { properties: Record<string, unknown> }).properties).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));
const security = [{ bearer: [] }];
const auth = { '401': problem('missing, invalid or expired token'), '429': problem('rate limit') };
const missing = (what: string) => ({ '404': problem(`no such ${what} (or not yours)`) });
const page = (what: string) => ok(`{data: [${what}], next_cursor} — pass next_cursor as ?cursor for the next page`);
const read = (summary: string, what: string, id = 'id') => ({ get: { summary, security, parameters: [path(id)], responses: { '200': ok(what), ...auth, ...missing(what) } } });

export const tracksOpenApiPaths = {
  '/v1/tracks': {
    get: {
      summary: "Your tracks, newest first (?public=true: everyone's public tracks). Filters status, genre, project_id (album), q (title or prompt). Cursor pages stable under inserts",
      security,
      parameters: query(ListTracksQuery),
      responses: { '200': page('track'), '400': problem('invalid query or cursor'), ...auth },
    },
  },
  '/v1/tracks/{id}': {
    get: { summary: 'A track (own or public)', security, parameters: [path('id')], responses: { '200': ok('the track'), ...auth, ...missing('track') } },
    patch: { summary: 'Change a track of yours: title, is_public, genre, mood, style_tags, lyrics (any other field is refused)', security, parameters: [path('id')], requestBody: body(UpdateTrackBody), responses: { '200': ok('the track'), '400': problem('invalid body or unknown field'), ...auth, ...missing('track') } },
    delete: {
      summary: 'Delete a track of yours with its versions, stems, likes, WAV/upscale/analysis records; every stored file (tracks, archive and stems buckets) is deleted right after by a retried background job',
      security,
      parameters: [path('id')],
      responses: { '204': { description: 'deleted' }, ...auth, ...missing('track'), '409': problem('a job on this track is still pending or processing: cancel it first') },
    },
  },
  '/v1/tracks/{id}/versions/{version_id}/master': {
    post: { summary: "Make a version the track's master: the track's audio, cover, lyrics and duration follow it", security, parameters: [path('id'), path('version_id')], responses: { '200': ok('the track'), '400': problem('a body was sent'), ...auth, ...missing('track or version'), '409': problem('the track is archived') } },
  },
  '/v1/tracks/{id}/like': {
    put: { summary: 'Like a track (own or public); idempotent', security, parameters: [path('id')], responses: { '200': ok('{track_id, liked, like_count}'), ...auth, ...missing('track') } },
    delete: { summary: 'Take your like back; idempotent', security, parameters: [path('id')], responses: { '200': ok('{track_id, liked, like_count}'), ...auth, ...missing('track') } },
  },
  '/v1/versions/{id}/like': {
    put: { summary: 'Like a track version (own or public track); idempotent', security, parameters: [path('id')], responses: { '200': ok('{version_id, track_id, liked, like_count}'), ...auth, ...missing('version') } },
    delete: { summary: 'Take your like of a version back; idempotent', security, parameters: [path('id')], responses: { '200': ok('{version_id, track_id, liked, like_count}'), ...auth, ...missing('version') } },
  },
  '/v1/tracks/{id}/play': {
    post: { summary: `Count a play of a completed track; the same user's plays of one track within ${PLAY_DEBOUNCE_SECONDS} s count once (counted: false)`, security, parameters: [path('id')], responses: { '200': ok('{track_id, counted, play_count}'), '400': problem('a body was sent'), ...auth, ...missing('track'), '409': problem('the track is not completed'), '503': problem('plays cannot be counted right now') } },
  },
  '/v1/tracks/{id}/download': {
    post: { summary: `A presigned link (valid ${DOWNLOAD_LINK_SECONDS} s) to the master audio, counted in download_count; an archived track's link points into the archive bucket`, security, parameters: [path('id')], responses: { '200': ok('{track_id, url, expires_in, expires_at, archived, download_count}'), '400': problem('a body was sent'), ...auth, ...missing('track'), '409': problem('the track is not completed, or its audio is not stored here') } },
  },
  // Path items shared with the submission endpoints keep their POST (a later spread replaces the whole item).
  '/v1/tracks/{id}/stems': {
    ...analysisOpenApiPaths['/v1/tracks/{id}/stems'],
    get: { summary: 'The stems of your track (vocals, drums, bass, other, instrumental per separation)', security, parameters: [path('id')], responses: { '200': page('track_stems row'), ...auth, ...missing('track') } },
  },
  '/v1/music-projects': {
    get: { summary: "Your albums, newest first (?public=true: everyone's public albums)", security, parameters: query(ListMusicProjectsQuery), responses: { '200': page('music project'), '400': problem('invalid query or cursor'), ...auth } },
    post: { summary: 'Create an album', security, requestBody: body(CreateMusicProjectBody), responses: { '201': ok('the music project'), '400': problem('invalid body'), ...auth } },
  },
  '/v1/music-projects/{id}': {
    get: { summary: 'An album (own or public) with the tracks you can see, in order', security, parameters: [path('id')], responses: { '200': ok('the music project with tracks: [track + position, added_at]'), ...auth, ...missing('music project') } },
    patch: { summary: 'Change your album (metadata is merged)', security, parameters: [path('id')], requestBody: body(UpdateMusicProjectBody), responses: { '200': ok('the music project'), '400': problem('invalid body'), ...auth, ...missing('music project') } },
    delete: { summary: 'Delete your album (its tracks stay)', security, parameters: [path('id')], responses: { '204': { description: 'deleted' }, ...auth, ...missing('music project') } },
  },
  '/v1/music-projects/{id}/tracks': {
    get: { summary: "An album's tracks in order (positions 0..n-1)", security, parameters: [path('id')], responses: { '200': page('track with position'), ...auth, ...missing('music project') } },
    post: { summary: 'Add a track (own or public) at a position (default: the end); the others move down', security, parameters: [path('id')], requestBody: body(AddProjectTrackBody), responses: { '201': page('track with position'), '400': problem('invalid body'), ...auth, ...missing('music project or track'), '409': problem('the track is already in the album') } },
    put: { summary: 'Set the whole order: track_ids lists every track of the album once', security, parameters: [path('id')], requestBody: body(ReorderProjectTracksBody), responses: { '200': page('track with position'), '400': problem('invalid body'), ...auth, ...missing('music project'), '422': problem('track_ids is not exactly the album\'s tracks') } },
  },
  '/v1/music-projects/{id}/tracks/{track_id}': {
    patch: { summary: 'Move one track to a position (0-based; past the end = last)', security, parameters: [path('id'), path('track_id')], requestBody: body(MoveProjectTrackBody), responses: { '200': page('track with position'), '400': problem('invalid body'), ...auth, ...missing('music project or track in it') } },
    delete: { summary: 'Take a track off the album; the ones after it move up', security, parameters: [path('id'), path('track_id')], responses: { '204': { description: 'removed' }, ...auth, ...missing('music project or track in it') } },
  },
  '/v1/lyrics/{id}': read('A lyrics job of yours with its variants', 'lyrics job'),
  '/v1/classifications/{id}': read('A classification of your track (the job resource of POST /v1/tracks/{id}/classifications) with its provider jobs', 'classification'),
  '/v1/descriptions/{id}': read('A song description of yours', 'description'),
  '/v1/recognitions/{id}': read('A song recognition of yours', 'recognition'),
  '/v1/wav-jobs/{id}': read('A WAV export of your track (wav_url when completed)', 'WAV job'),
  '/v1/upscales/{id}': read('An upscale of yours (output_audio_url when completed)', 'upscale'),
  '/v1/section-replacements/{id}': read('A section replacement of your track', 'section replacement'),
  '/v1/personas': {
    ...studioOpenApiPaths['/v1/personas'],
    get: { summary: 'Your personas, newest first (include_public=true adds public personas of others)', security, parameters: query(ListPersonasQuery), responses: { '200': page('persona'), '400': problem('invalid query or cursor'), ...auth } },
  },
  '/v1/personas/{id}': read('A persona (yours, or a public one)', 'persona'),
};

import { z } from 'zod';
import { CreateSavedLyricsBody, ListSavedLyricsQuery, UpdateSavedLyricsBody } from './saved-lyrics.schemas.js';

/** OpenAPI paths of /v1/saved-lyrics (the design's saved_lyrics), merged into the gateway's document (docs/openapi.ts). */
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const body = (s: z.ZodType) => ({ required: true, content: { 'application/json': { schema: z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) } } });
const row = { description: 'the saved_lyrics row (snake_case columns of the design)' };
const id = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const security = [{ bearer: [] }];
const auth = { '401': problem('missing, invalid or expired token'), '429': problem('rate limit') };
const query = Object.entries((z.toJSONSchema(ListSavedLyricsQuery, { io: 'input' }) as { properties: Record<string, unknown> }).properties).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));

export const savedLyricsOpenApiPaths = {
  '/v1/saved-lyrics': {
    get: { summary: 'Your saved lyrics, newest first ({data, next_cursor}; ?limit 1–100, ?cursor, ?folder, ?favorite)', security, parameters: query, responses: { '200': { description: '{data: [saved_lyrics], next_cursor}' }, '400': problem('invalid query or cursor'), ...auth } },
    post: {
      summary: 'Save lyrics: title and content of your own, or lyrics_variant_id of a finished lyrics job of yours (its title and content are copied, job_id is set)',
      security,
      requestBody: body(CreateSavedLyricsBody),
      responses: { '201': row, '400': problem('invalid body'), ...auth, '404': problem('no such lyrics variant of yours'), '409': problem('the variant is not written yet') },
    },
  },
  '/v1/saved-lyrics/{id}': {
    get: { summary: 'One of your saved lyrics', security, parameters: [id], responses: { '200': row, ...auth, '404': problem('no such saved lyrics of yours') } },
    patch: { summary: 'Change fields of your saved lyrics (metadata is merged)', security, parameters: [id], requestBody: body(UpdateSavedLyricsBody), responses: { '200': row, '400': problem('invalid body'), ...auth, '404': problem('no such saved lyrics of yours') } },
    delete: { summary: 'Delete your saved lyrics', security, parameters: [id], responses: { '204': { description: 'deleted' }, ...auth, '404': problem('no such saved lyrics of yours') } },
  },
};

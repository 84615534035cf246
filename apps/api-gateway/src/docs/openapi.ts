import { z } from 'zod';
import { CreateGenerationBody, JobResource, ListJobsQuery, SignupBody, TokenBody, TokenResponse } from '@muse/contracts';

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
          responses: { '202': { ...json('the job; follow it at Location', 'Job'), headers: { Location: { schema: { type: 'string' } } } }, '400': problem('invalid input'), ...authErrors, '413': problem('body too large'), '422': problem('provider unavailable or idempotency key reused') },
        },
      },
      '/v1/jobs': { get: { summary: "The caller's jobs, newest first", ...secured, parameters: queryParameters(ListJobsQuery), responses: { '200': { description: '{data, next_cursor}' }, '400': problem('invalid query'), ...authErrors } } },
      '/v1/jobs/{id}': { get: { summary: 'One job of the caller', ...secured, parameters: [idParam()], responses: { '200': json('the job', 'Job'), ...authErrors, '404': problem('no such job of yours') } } },
      '/v1/tracks/{id}': { get: { summary: 'A track (own or public)', ...secured, parameters: [idParam()], responses: { '200': json('the track', 'Track'), ...authErrors, '404': problem('not found') } } },
      '/v1/tracks/{id}/versions': { get: { summary: "A track's versions", ...secured, parameters: [idParam()], responses: { '200': { description: '{data, next_cursor}' }, ...authErrors, '404': problem('not found') } } },
      '/health/live': { get: { summary: 'Liveness', responses: { '200': { description: 'alive' } } } },
      '/health/ready': { get: { summary: 'Readiness: Postgres, Redis and storage reachable', responses: { '200': { description: 'ready' }, '503': { description: 'a dependency is down' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { '200': { description: 'text exposition format' } } } },
    },
  };
}

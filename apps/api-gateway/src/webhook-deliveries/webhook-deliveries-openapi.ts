import { z } from 'zod';
import { ListWebhookDeliveriesQuery } from './webhook-deliveries.schemas.js';

/** OpenAPI paths of outbound webhooks (issue 14), merged into the gateway's document (docs/openapi.ts). */
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const id = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const security = [{ bearer: [] }];
const auth = { '401': problem('missing, invalid or expired token'), '429': problem('rate limit') };
const query = Object.entries((z.toJSONSchema(ListWebhookDeliveriesQuery, { io: 'input' }) as { properties: Record<string, unknown> }).properties).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));
const delivery = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    job_id: { type: 'string', format: 'uuid' },
    event_type: { type: 'string', enum: ['job.completed', 'job.failed', 'job.cancelled'] },
    url: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
    attempts: { type: 'integer' },
    redeliveries: { type: 'integer' },
    last_status_code: { type: ['integer', 'null'] },
    last_error: { type: ['string', 'null'] },
    next_attempt_at: { type: ['string', 'null'], format: 'date-time' },
    delivered_at: { type: ['string', 'null'], format: 'date-time' },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
};
const detail = {
  description: 'the delivery, the body it sends (payload: the job object) and every attempt (attempts_log: attempt, status_code, error, duration_ms, created_at)',
  content: { 'application/json': { schema: { allOf: [delivery, { type: 'object', properties: { payload: { $ref: '#/components/schemas/Job' }, attempts_log: { type: 'array', items: { type: 'object' } } } }] } } },
};

export const webhookDeliveriesOpenApiPaths = {
  '/v1/me/webhook-secret': {
    post: {
      summary: 'Create or rotate your webhook signing secret (whsec_…, shown once; the old one stops signing at once). Jobs submitted with callback_url are POSTed there on completed/failed/cancelled, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature); without a secret a delivery is recorded as failed, not sent unsigned — redeliver it once you have one.',
      security,
      responses: { '201': { description: '{secret, created_at, note}' }, '400': problem('a body with fields'), ...auth },
    },
  },
  '/v1/webhook-deliveries': {
    get: {
      summary: 'Your webhook deliveries, newest first ({data, next_cursor}; ?limit 1–100, ?cursor, ?job_id, ?status)',
      security,
      parameters: query,
      responses: { '200': { description: '{data: [delivery], next_cursor}', content: { 'application/json': { schema: { type: 'object', properties: { data: { type: 'array', items: delivery }, next_cursor: { type: ['string', 'null'] } } } } } }, '400': problem('invalid query or cursor'), ...auth },
    },
  },
  '/v1/webhook-deliveries/{id}': {
    get: { summary: 'One of your deliveries with its attempts', security, parameters: [id], responses: { '200': detail, ...auth, '404': problem('no such delivery of yours') } },
  },
  '/v1/webhook-deliveries/{id}/redeliver': {
    post: {
      summary: 'Send a delivery again: a new cycle of attempts with the same webhook-id and body, signed with your current secret',
      security,
      parameters: [id],
      responses: { '202': detail, ...auth, '404': problem('no such delivery of yours') },
    },
  },
};

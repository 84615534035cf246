import { z } from 'zod';
import { EffectsChain } from '@muse/contracts';
import { CreateEffectsBody } from './effects.schemas.js';

/** OpenAPI path of the effects job kind (issue 5), merged into the gateway's document (docs/openapi.ts). */
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

export const effectsOpenApiPaths = {
  '/v1/tracks/{id}/effects': {
    post: {
      summary:
        "Apply an effects chain (equalizer, compressor, reverb, delay) to a version of your track (default: the master) with real DSP; the result is a NEW non-primary version, the original stays. Give preset_id (a system, public or own effects_presets row — the design's 'Vocal Warmth' and 'Ambient Space' work out of the box) or an inline chain. Job kind 'effects'; result: {track_id, source_version_id, version: {id, variant_index, audio_url, …}}",
      security: [{ bearer: [] }],
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
        { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255 } },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: schema(CreateEffectsBody), 'x-chain-ranges': schema(EffectsChain) } } },
      responses: {
        '202': { description: 'the job; follow it at Location', content: { 'application/json': { schema: { $ref: '#/components/schemas/Job' } } }, headers: { Location: { schema: { type: 'string' } } } },
        '400': problem('malformed body (unknown fields, wrong types, both or neither of preset_id and chain)'),
        '401': problem('missing, invalid or expired token'),
        '402': problem('not enough credits for this job'),
        '403': problem('a plan limit'),
        '404': problem('no such track of yours, or no such version of it'),
        '409': problem('the track has no audio yet'),
        '422': problem('unknown preset, a preset this platform cannot run, an unknown effect type or a setting out of range (each named in errors), or idempotency key reused'),
        '429': problem('rate limit'),
        '503': problem('maintenance, or effects jobs are switched off'),
      },
    },
  },
};

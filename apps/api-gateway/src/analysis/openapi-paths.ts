import { z } from 'zod';
import { CreateClassificationBody, CreateDescriptionBody, CreateRecognitionBody, CreateStemsBody } from '@muse/contracts';

/** OpenAPI paths of the audio intelligence jobs (issue 6), merged into the gateway's document (docs/openapi.ts). */
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const job = { description: 'the job; follow it at Location (result on completion)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Job' } } }, headers: { Location: { schema: { type: 'string' } } } };
const requestBody = (s: z.ZodType) => ({ required: true, content: { 'application/json': { schema: z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) } } });
const idempotency = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255 } };
const trackId = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const common = {
  '400': problem('invalid input (unknown fields are refused)'),
  '401': problem('missing, invalid or expired token'),
  '422': problem('provider not configured (only local is available here), or a file that is not yours'),
  '429': problem('rate limit'),
};
const post = (summary: string, body: z.ZodType, extra: Record<string, unknown>, onTrack = false) => ({
  post: { summary, security: [{ bearer: [] }], parameters: onTrack ? [trackId, idempotency] : [idempotency], requestBody: requestBody(body), responses: { '202': job, ...common, ...extra } },
});
const notYours = { '404': problem('no such track of yours (another user\'s track is 404 too)'), '409': problem('the track has no audio yet') };

export const analysisOpenApiPaths = {
  '/v1/tracks/{id}/stems': post(
    'Separate a version into vocals, drums, bass, other and instrumental (mode local: the engine\'s exact layers for engine tracks, else DSP masking); result: stems with audio_url; track_stems rows, has_stems',
    CreateStemsBody, notYours, true,
  ),
  '/v1/tracks/{id}/classifications': post(
    'Classify a version: ranked genre / mood / instrument guesses from measured tempo, key, loudness (EBU R128), energy, danceability; spectrogram JPEG as visualization_url',
    CreateClassificationBody, notYours, true,
  ),
  '/v1/descriptions': post(
    'Describe audio (your track, or a file of yours on this platform): ai_description and detected fields, from the same analysis',
    CreateDescriptionBody, notYours,
  ),
  '/v1/recognitions': post(
    'Recognise audio (a file of yours on this platform, or an audio library item) against the fingerprint index of public tracks and your own: title, artist, confidence',
    CreateRecognitionBody, { '404': problem('no such audio library item of yours') },
  ),
};

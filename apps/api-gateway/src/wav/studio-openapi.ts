import { z } from 'zod';
import { CreateLyricsBody, CreatePersonaBody, CreateSectionBody, CreateTransformationBody, CreateUpscaleBody, CreateWavBody, RateTransformationBody } from '@muse/contracts';

/** OpenAPI paths of the studio job kinds (issue 5), merged into the gateway's document (docs/openapi.ts). */
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const job = { description: 'the job; follow it at Location (result on completion)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Job' } } }, headers: { Location: { schema: { type: 'string' } } } };
const requestBody = (s: z.ZodType) => ({ required: true, content: { 'application/json': { schema: z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) } } });
const idempotency = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255 } };
const trackId = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const common = {
  '400': problem('invalid input (unknown fields are refused)'),
  '401': problem('missing, invalid or expired token'),
  '402': problem('not enough credits for this job'),
  '403': problem('a plan limit'),
  '429': problem('rate limit'),
  '503': problem('maintenance, or this job kind/provider is switched off'),
};
const post = (summary: string, body: z.ZodType, extra: Record<string, unknown>, onTrack = false) => ({
  post: { summary, security: [{ bearer: [] }], parameters: onTrack ? [trackId, idempotency] : [idempotency], requestBody: requestBody(body), responses: { '202': job, ...common, ...extra } },
});

export const studioOpenApiPaths = {
  '/v1/tracks/{id}/wav': post(
    'Export a version (default: the master) as PCM WAV, 44.1 kHz, 16- or 24-bit; result: wav_url (also on the wav_jobs row)',
    CreateWavBody,
    { '404': problem('no such track of yours, or no such version of it'), '409': problem('the track has no audio yet') },
    true,
  ),
  '/v1/lyrics': post(
    'Write lyrics (several variants, in [Verse]/[Chorus]/[Bridge] sections, fixed metre and end rhymes) or extend base_lyrics; the local writer runs them (other providers answer 422 until configured)',
    CreateLyricsBody,
    { '422': problem('provider not configured, or idempotency key reused') },
  ),
  '/v1/upscales': post(
    'Upscale a track version or your stored audio: locally a band-limited resample to 48 kHz / 24-bit (model_version local-resample-48k); the Replicate models answer 422 until configured',
    CreateUpscaleBody,
    { '404': problem('no such track of yours'), '409': problem('the track has no audio yet'), '422': problem('provider not configured, or input_audio_url is not your stored audio') },
  ),
  '/v1/tracks/{id}/sections': post(
    'Regenerate replaced_start_s…replaced_end_s of a version from a new prompt and splice it in with crossfades; the result is a NEW version of the track, the original stays',
    CreateSectionBody,
    { '404': problem('no such track of yours'), '409': problem('the track has no audio yet'), '422': problem('the section lies outside the track, or provider not configured') },
    true,
  ),
  '/v1/personas': post(
    'Take a persona (voice and timbre) from a version of a track you may see (yours, or a public one)',
    CreatePersonaBody,
    { '404': problem('no such track visible to you'), '409': problem('the track has no audio yet'), '422': problem('no such version index, or provider not configured') },
  ),
  '/v1/projects/{id}/transformations': post(
    "Studio Nexus: re-render a project's audio in another style (a preset's type: orchestral, electronic, jazz, …); locally the engine analyses tempo and key and re-renders them with the preset's instrumentation; the result becomes the project's processed audio and a new project version. transformation_type 'effects' applies an effects chain instead (parameters.effects_preset_id of a system/public/own effects preset, or parameters.effects_chain of equalizer, compressor, reverb, delay)",
    CreateTransformationBody,
    { '404': problem('no such project you may edit'), '409': problem('the project has no audio yet'), '422': problem('unknown preset or type, preset of another type, or provider not configured') },
    true,
  ),
  '/v1/projects/{id}/transformations/{transformation_id}': {
    patch: {
      summary: 'Rate a finished transformation (1–5) and leave feedback; only its user',
      security: [{ bearer: [] }],
      parameters: [trackId, { name: 'transformation_id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      requestBody: requestBody(RateTransformationBody),
      responses: { '200': { description: 'the ai_transformations row' }, '400': problem('invalid input'), '401': problem('missing, invalid or expired token'), '404': problem('no such transformation of yours'), '409': problem('not completed yet') },
    },
  },
};

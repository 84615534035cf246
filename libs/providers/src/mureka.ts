import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { ProviderError } from './errors.js';
import { createProviderHttp, httpStatusError, type ProviderHttpOptions } from './http.js';

/*
 * Mureka platform API (https://platform.mureka.ai/docs/api/operations/):
 *   POST /v1/song/generate          { lyrics, model, prompt? | reference_id? } → task
 *   GET  /v1/song/query/{task_id}                                 → task
 *   POST /v1/instrumental/generate  { model, prompt | instrumental_id }     → task
 *   GET  /v1/instrumental/query/{task_id}                         → task
 *   POST /v1/lyrics/generate        { prompt }                    → { title, lyrics }
 *   POST /v1/lyrics/extend          { lyrics }                    → { lyrics }   (lyrics/extend-lyrics)
 *   POST /v1/files/upload           multipart { file, purpose }   → { id, bytes, created_at, filename, purpose }
 *   POST /v1/song/recognize         { upload_audio_id }           → { duration (ms), lyrics_sections[] }
 * The last three as published in Mureka's API reference mirror at docs.skyworkmodel.ai/mureka/api-reference
 * (lyrics/extend-lyrics, song/recognize-song; upload purposes audio, reference, melody, instrumental, voice, …
 * per fal.ai/models/mureka/api/files/upload): that mirror wraps answers in { code, message, resp_data }, the
 * platform API answers plain objects like the endpoints above, so both are read.
 * reference_id / instrumental_id are ids of files uploaded with purpose `reference` / `instrumental` (mp3 or
 * m4a; Mureka uses the first 30 s). A song takes at most one of prompt, reference_id, vocal_id and melody_id;
 * an instrumental exactly one of prompt and instrumental_id.
 * A task is { id, created_at, finished_at?, model, status, failed_reason?, choices? } with status
 * preparing → queued → running → (streaming) → succeeded | failed | timeouted | cancelled; each
 * choice has index, url (mp3), flac_url, duration in milliseconds. Errors are plain HTTP statuses
 * (400 invalid request, 401 auth, 403 forbidden, 429 rate limit/quota, 500/503 server) with
 * { error: { message } }. Mureka does not call back: completion is found by polling.
 */
export const MUREKA_STATUSES = ['preparing', 'queued', 'running', 'streaming', 'succeeded', 'failed', 'timeouted', 'cancelled'] as const;
export type MurekaStatus = (typeof MUREKA_STATUSES)[number];

const Choice = z.object({
  index: z.number().int().nonnegative().optional(),
  id: z.string().optional(),
  url: z.string().nullish(),
  flac_url: z.string().nullish(),
  duration: z.number().nullish(),
});
const Task = z.object({
  id: z.string().min(1),
  model: z.string().nullish(),
  status: z.enum(MUREKA_STATUSES),
  failed_reason: z.string().nullish(),
  choices: z.array(Choice).nullish(),
});
export type MurekaTask = z.infer<typeof Task>;
export type MurekaKind = 'song' | 'instrumental';

export class MurekaClient {
  readonly name = 'mureka';
  private readonly http: AxiosInstance;

  constructor(options: Omit<ProviderHttpOptions, 'provider'>) {
    this.http = createProviderHttp({ ...options, provider: this.name });
  }

  async generate(kind: MurekaKind, body: { lyrics?: string; prompt?: string; reference_id?: string; instrumental_id?: string; model: string }): Promise<MurekaTask> {
    return this.task(await this.call('post', `/v1/${kind}/generate`, body));
  }

  async query(kind: MurekaKind, taskId: string): Promise<MurekaTask> {
    return this.task(await this.call('get', `/v1/${kind}/query/${encodeURIComponent(taskId)}`));
  }

  async generateLyrics(prompt: string): Promise<{ title: string | null; lyrics: string }> {
    const parsed = z.object({ title: z.string().nullish(), lyrics: z.string().min(1) }).safeParse(await this.call('post', '/v1/lyrics/generate', { prompt }));
    if (!parsed.success) throw new ProviderError(this.name, 'transient', 'lyrics answer malformed');
    return { title: parsed.data.title ?? null, lyrics: parsed.data.lyrics };
  }

  async extendLyrics(lyrics: string): Promise<string> {
    const parsed = z.object({ lyrics: z.string().min(1) }).safeParse(unwrap(await this.call('post', '/v1/lyrics/extend', { lyrics })));
    if (!parsed.success) throw new ProviderError(this.name, 'transient', 'lyrics extend answer malformed');
    return parsed.data.lyrics;
  }

  async uploadFile(file: Buffer, filename: string, contentType: string, purpose: string): Promise<{ id: string; bytes?: number }> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file)], { type: contentType }), filename);
    form.append('purpose', purpose);
    const parsed = z.object({ id: z.union([z.string().min(1), z.number()]), bytes: z.number().nullish() }).safeParse(unwrap(await this.call('post', '/v1/files/upload', form)));
    if (!parsed.success) throw new ProviderError(this.name, 'transient', 'upload answer malformed');
    return { id: String(parsed.data.id), ...(typeof parsed.data.bytes === 'number' ? { bytes: parsed.data.bytes } : {}) };
  }

  async recognize(uploadAudioId: string): Promise<MurekaRecognition> {
    const parsed = MurekaRecognition.safeParse(unwrap(await this.call('post', '/v1/song/recognize', { upload_audio_id: uploadAudioId })));
    if (!parsed.success) throw new ProviderError(this.name, 'transient', `recognize answer malformed: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  private task(data: unknown): MurekaTask {
    const parsed = Task.safeParse(data);
    if (!parsed.success) throw new ProviderError(this.name, 'transient', `task answer malformed: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  private async call(method: 'get' | 'post', path: string, body?: unknown): Promise<unknown> {
    // FormData must go out as multipart: the instance's JSON content-type would make axios serialise it as JSON.
    const headers = body instanceof FormData ? { 'content-type': 'multipart/form-data' } : undefined;
    const response = await this.http.request({ method, url: path, data: body, headers });
    if (response.status >= 200 && response.status < 300) return response.data;
    const message = (response.data as { error?: { message?: unknown } } | undefined)?.error?.message;
    throw httpStatusError(this.name, response.status, response.headers, typeof message === 'string' ? message : 'request refused');
  }
}

/** The reference mirror's envelope { code, message, resp_data }; plain platform answers pass through. */
function unwrap(data: unknown): unknown {
  const env = z.object({ code: z.number(), resp_data: z.unknown() }).safeParse(data);
  if (!env.success) return data;
  if (env.data.code !== 0) throw new ProviderError('mureka', 'transient', `answered code ${env.data.code}`);
  return env.data.resp_data;
}

const Timed = { start: z.number(), end: z.number() };
export const MurekaRecognition = z.object({
  duration: z.number().nullish(),
  lyrics_sections: z
    .array(
      z.object({
        section_type: z.string().nullish(),
        ...Timed,
        lines: z.array(z.object({ ...Timed, text: z.string(), words: z.array(z.object({ ...Timed, text: z.string() })).nullish() })).nullish(),
      }),
    )
    .nullish(),
});
export type MurekaRecognition = z.infer<typeof MurekaRecognition>;

import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { ProviderError } from './errors.js';
import { createProviderHttp, httpStatusError, type ProviderHttpOptions } from './http.js';

/*
 * Suno-compatible API as published by sunoapi.org:
 *   POST /api/v1/generate            https://docs.sunoapi.org/suno-api/generate-music
 *   POST /api/v1/generate/upload-cover https://docs.sunoapi.org/suno-api/upload-and-cover-audio
 *        the generate fields plus uploadUrl (audio of at most 8 minutes, fetched by the provider); a
 *        new song in the requested style over the upload's melody, its task read and called back as
 *        a generation's
 *   GET  /api/v1/generate/record-info https://docs.sunoapi.org/suno-api/get-music-generation-details
 *   callbacks                         https://docs.sunoapi.org/suno-api/generate-music-callbacks
 * Every answer is an envelope { code, msg, data }; `code` 200 is success. Documented codes:
 * 400 bad parameters, 401 unauthorized, 404 wrong method/path, 405 rate limit exceeded,
 * 413 prompt/theme too long, 429 insufficient credits, 430 call frequency too high,
 * 455 system maintenance, 500 server error.
 */
export const SUNO_MODELS = ['V3_5', 'V4', 'V4_5', 'V4_5PLUS', 'V5'] as const;
export type SunoModel = (typeof SUNO_MODELS)[number];

/** Task statuses of record-info, in the order a task passes through them. */
export const SUNO_STATUSES = [
  'PENDING', 'TEXT_SUCCESS', 'FIRST_SUCCESS', 'SUCCESS',
  'CREATE_TASK_FAILED', 'GENERATE_AUDIO_FAILED', 'CALLBACK_EXCEPTION', 'SENSITIVE_WORD_ERROR',
] as const;
export type SunoStatus = (typeof SUNO_STATUSES)[number];

/** Non-custom mode takes a description of at most 500 characters; lyrics are then written by Suno. */
export const SUNO_DESCRIPTION_MAX = 500;

export interface SunoGenerateRequest {
  customMode: boolean;
  instrumental: boolean;
  model: SunoModel;
  callBackUrl: string;
  /** Custom mode: the exact lyrics (or, instrumental, the description). Otherwise: the description. */
  prompt?: string;
  style?: string;
  title?: string;
  negativeTags?: string;
}

const Envelope = z.object({ code: z.number().int(), msg: z.string().nullish(), data: z.unknown() });

const SunoTrack = z.object({
  id: z.string(),
  audioUrl: z.string().nullish(),
  streamAudioUrl: z.string().nullish(),
  imageUrl: z.string().nullish(),
  prompt: z.string().nullish(),
  modelName: z.string().nullish(),
  title: z.string().nullish(),
  tags: z.string().nullish(),
  duration: z.number().nullish(),
});
export type SunoTrack = z.infer<typeof SunoTrack>;

const RecordInfo = z.object({
  taskId: z.string(),
  status: z.enum(SUNO_STATUSES),
  response: z.object({ sunoData: z.array(SunoTrack).nullish() }).nullish(),
  errorCode: z.union([z.number(), z.string()]).nullish(),
  errorMessage: z.string().nullish(),
});
export type SunoRecordInfo = z.infer<typeof RecordInfo>;

/** The callback body (snake_case inside data.data, unlike record-info). */
export const SunoCallback = z.object({
  code: z.number().int(),
  msg: z.string().nullish(),
  data: z.object({
    callbackType: z.enum(['text', 'first', 'complete', 'error']),
    task_id: z.string().min(1).max(200),
    data: z.array(z.object({ id: z.string(), audio_url: z.string().nullish(), image_url: z.string().nullish() }).loose()).nullish(),
  }),
});
export type SunoCallback = z.infer<typeof SunoCallback>;

export class SunoClient {
  readonly name = 'suno';
  private readonly http: AxiosInstance;

  constructor(options: Omit<ProviderHttpOptions, 'provider'>) {
    this.http = createProviderHttp({ ...options, provider: this.name });
  }

  async generate(request: SunoGenerateRequest): Promise<string> {
    return this.taskId('generate', await this.call('post', '/api/v1/generate', request));
  }

  private taskId(what: string, data: unknown): string {
    const parsed = z.object({ taskId: z.string().min(1) }).safeParse(data);
    if (!parsed.success) throw new ProviderError(this.name, 'transient', `${what} answered without a taskId`);
    return parsed.data.taskId;
  }

  /** A generation guided by the audio at uploadUrl (upload-cover): the same task life as generate(). */
  async uploadCover(request: SunoGenerateRequest & { uploadUrl: string }): Promise<string> {
    return this.taskId('upload-cover', await this.call('post', '/api/v1/generate/upload-cover', request));
  }

  async recordInfo(taskId: string): Promise<SunoRecordInfo> {
    const data = await this.call('get', '/api/v1/generate/record-info', undefined, { taskId });
    const parsed = RecordInfo.safeParse(data);
    if (!parsed.success) throw new ProviderError(this.name, 'transient', `record-info answer malformed: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  /** One call to any sunoapi.org endpoint: HTTP status and envelope `code` classified, `data` returned (suno-kinds.ts uses it). */
  async call(method: 'get' | 'post', path: string, body?: unknown, params?: Record<string, string>): Promise<unknown> {
    const response = await this.http.request({ method, url: path, data: body, params });
    if (response.status !== 200) throw httpStatusError(this.name, response.status, response.headers, String((response.data as { msg?: unknown })?.msg ?? ''));
    const envelope = Envelope.safeParse(response.data);
    if (!envelope.success) throw new ProviderError(this.name, 'transient', `${path} answered with a malformed envelope`);
    const { code, msg, data } = envelope.data;
    if (code === 200) return data;
    throw sunoCodeError(code, msg ?? '');
  }
}

/** Maps the envelope's documented codes to what the platform should do. */
export function sunoCodeError(code: number, msg: string): ProviderError {
  const text = `code ${code}: ${msg}`;
  switch (code) {
    case 400:
    case 413:
      return new ProviderError('suno', 'permanent', text, { code }); // the request itself is wrong
    default:
      // 401/404 (our setup), 405/430 (rate), 429 (our credits), 455 (maintenance), 500: not the user's doing.
      return new ProviderError('suno', 'transient', text, { code });
  }
}

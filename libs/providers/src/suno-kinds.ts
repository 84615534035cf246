import { z } from 'zod';
import { ProviderError } from './errors.js';
import type {
  ExtendInput, ExtendProvider, FinalOutcome, ImmediateProvider, LyricsInput, LyricsResult, PersonaInput, PersonaResult,
  ProviderSong, SectionReplacementInput, SectionReplacementProvider, SectionReplacementResult, SongsResult, StemSeparationInput,
  StemSeparationProvider, StemUrls, SubmitOptions, TaskOutcome, TaskProvider, TimestampedLyricsInput, TimestampedLyricsResult,
  WavConversionInput, WavConversionProvider, WavResult,
} from './kinds.js';
import { SUNO_MODELS, type SunoClient, type SunoModel, type SunoRecordInfo, type SunoTrack } from './suno.js';

/*
 * Follow-up work on Suno tracks, sunoapi.org contract (same envelope and codes as suno.ts):
 *   POST /api/v1/generate/extend              (the same API's docs at old-docs.kie.ai/suno-api/extend-music and
 *        dog-test.kie.ai/suno-api/extend-music; sunoapi.org's page is not in our doc store)
 *        { defaultParamFlag, audioId, model, callBackUrl, prompt?, style?, title?, continueAt?, negativeTags? }
 *        status: GET /api/v1/generate/record-info (as generation); callbacks as generation (text/first/complete)
 *   POST /api/v1/generate/replace-section     https://docs.sunoapi.org/suno-api/replace-section
 *        { taskId, audioId, prompt, tags, title, infillStartS, infillEndS, negativeTags?, callBackUrl? }
 *        6 s ≤ infillEndS − infillStartS ≤ 60 s; status: GET /api/v1/generate/record-info; callbacks: only the final
 *        stage (callbackType complete | error, body as generation's — https://docs.api.box/suno-api/replace-section-callbacks,
 *        the same API's mirror; sunoapi.org's own callback page is not in our doc store)
 *   POST /api/v1/lyrics                       (request as shown against api.sunoapi.org at docs.aibackend.io/suno/generate-lyrics;
 *        callback https://docs.api.box/suno-api/generate-lyrics-callbacks)
 *        { prompt, callBackUrl } ; GET /api/v1/lyrics/record-info https://docs.sunoapi.org/suno-api/get-lyrics-generation-details
 *        statuses PENDING, SUCCESS, CREATE_TASK_FAILED, GENERATE_LYRICS_FAILED, CALLBACK_EXCEPTION, SENSITIVE_WORD_ERROR;
 *        response.lyricsData[] { text, title, status, errorMessage } (the Chinese page names it response.data: both read)
 *   POST /api/v1/vocal-removal/generate       https://docs.sunoapi.org/suno-api/create-vocal-removal-task
 *        (callbacks https://docs.sunoapi.org/suno-api/separate-vocals-from-music-callbacks)
 *        { taskId, audioId, type: separate_vocal | split_stem, callBackUrl }
 *        GET /api/v1/vocal-removal/record-info https://docs.sunoapi.org/suno-api/get-vocal-separation-details
 *        successFlag PENDING, SUCCESS, CREATE_TASK_FAILED, GENERATE_AUDIO_FAILED, CALLBACK_EXCEPTION;
 *        response { originUrl, instrumentalUrl, vocalUrl, backingVocalsUrl, drumsUrl, bassUrl, guitarUrl, pianoUrl, keyboardUrl,
 *        percussionUrl, stringsUrl, synthUrl, fxUrl, brassUrl, woodwindsUrl }
 *   POST /api/v1/wav/generate                 https://docs.sunoapi.org/suno-api/convert-to-wav-format
 *        { taskId, audioId, callBackUrl } ; GET /api/v1/wav/record-info https://docs.sunoapi.org/suno-api/get-wav-conversion-details
 *        status PENDING, SUCCESS, CREATE_TASK_FAILED, GENERATE_WAV_FAILED, CALLBACK_EXCEPTION; response.audio_wav_url
 *   POST /api/v1/generate/get-timestamped-lyrics  https://docs.sunoapi.org/suno-api/get-timestamped-lyrics (answers at once)
 *        { taskId, audioId } → { alignedWords[] { word, success, startS, endS, palign }, waveformData[], hootCer, isStreamed }
 *        (the Chinese page spells start_s / end_s / p_align: both read)
 *   POST /api/v1/generate/generate-persona    (listed in the same API's index, e.g. dog-test.kie.ai/suno-api; no page of it in our store — request
 *        fields { taskId, audioId, name, description } as published by the compatible docs.apikley.ru/suno-api/suno-api_generate-persona;
 *        the answer's data carries personaId, which is what we read)
 * Callback bodies for all of these are the zod schemas at the bottom (the gateway's /v1/webhooks/suno).
 */

const PROGRESS = { PENDING: 15, TEXT_SUCCESS: 35, FIRST_SUCCESS: 60 } as const;

function requireCallback(options: SubmitOptions): string {
  // Every sunoapi.org task endpoint requires callBackUrl; without a receiving endpoint Suno is not offered.
  if (!options.webhookUrl) throw new ProviderError('suno', 'transient', 'no callback URL configured (PROVIDER_CALLBACK_BASE_URL, PROVIDER_CALLBACK_SECRET)');
  return options.webhookUrl;
}

function taskIdOf(data: unknown, what: string): string {
  const parsed = z.object({ taskId: z.string().min(1).max(200) }).safeParse(data);
  if (!parsed.success) throw new ProviderError('suno', 'transient', `${what} answered without a taskId`);
  return parsed.data.taskId;
}

/** A finished-but-failed Suno task: the sensitive-word status is the user's doing, everything else the provider's. */
function sunoFailure(status: string, message: string | null | undefined): TaskOutcome<never> {
  if (status === 'SENSITIVE_WORD_ERROR') return { state: 'failed', message: message || 'the prompt was refused by the content policy', userFault: true };
  return { state: 'failed', message: `${status}: ${message || 'the task failed at the provider'}`, userFault: false };
}

function songsOf(info: SunoRecordInfo): ProviderSong[] {
  return (info.response?.sunoData ?? [])
    .filter((t): t is SunoTrack & { audioUrl: string } => typeof t.audioUrl === 'string' && t.audioUrl !== '')
    .map((t) => ({
      id: t.id,
      audioUrl: t.audioUrl,
      ...(t.imageUrl ? { imageUrl: t.imageUrl } : {}),
      ...(t.title ? { title: t.title } : {}),
      ...(t.tags ? { tags: t.tags } : {}),
      ...(t.prompt ? { lyrics: t.prompt } : {}),
      ...(typeof t.duration === 'number' ? { durationSeconds: t.duration } : {}),
    }));
}

/** Generation-style record-info (extend, replace-section) → outcome with the songs. */
async function pollSongs(client: SunoClient, taskId: string): Promise<TaskOutcome<SongsResult>> {
  const info = await client.recordInfo(taskId);
  switch (info.status) {
    case 'PENDING':
    case 'TEXT_SUCCESS':
    case 'FIRST_SUCCESS':
      return { state: 'pending', progress: PROGRESS[info.status] };
    case 'SUCCESS': {
      const songs = songsOf(info);
      if (songs.length === 0) throw new ProviderError('suno', 'transient', 'SUCCESS without audio URLs');
      return { state: 'done', value: { songs } };
    }
    default:
      return sunoFailure(info.status, info.errorMessage);
  }
}

export class SunoExtender implements ExtendProvider {
  readonly name = 'suno';
  readonly mode = 'task' as const;
  readonly sendsCallbacks = true;

  constructor(
    private readonly client: SunoClient,
    private readonly defaultModel: SunoModel = 'V4_5',
  ) {}

  async submit(input: ExtendInput, options: SubmitOptions = {}): Promise<string> {
    const callBackUrl = requireCallback(options);
    const model = input.model && (SUNO_MODELS as readonly string[]).includes(input.model) ? (input.model as SunoModel) : this.defaultModel;
    // Custom parameters need prompt, style, title and continueAt together; otherwise the source track's are inherited.
    const custom = input.prompt !== undefined && input.style !== undefined && input.title !== undefined;
    const body = custom
      ? { defaultParamFlag: true, audioId: input.providerRef.audioId, model, callBackUrl, prompt: input.prompt, style: input.style, title: input.title, continueAt: input.continueAt, ...(input.negativeTags ? { negativeTags: input.negativeTags } : {}) }
      : { defaultParamFlag: false, audioId: input.providerRef.audioId, model, callBackUrl, continueAt: input.continueAt };
    return taskIdOf(await this.client.call('post', '/api/v1/generate/extend', body), 'extend');
  }

  poll(taskId: string): Promise<TaskOutcome<SongsResult>> {
    return pollSongs(this.client, taskId);
  }
}

export const SUNO_REPLACE_MIN_SECONDS = 6;
export const SUNO_REPLACE_MAX_SECONDS = 60;

export class SunoSectionReplacer implements SectionReplacementProvider {
  readonly name = 'suno';
  readonly mode = 'task' as const;
  readonly sendsCallbacks = true;

  constructor(private readonly client: SunoClient) {}

  async submit(input: SectionReplacementInput, options: SubmitOptions = {}): Promise<string> {
    const callBackUrl = requireCallback(options);
    const span = input.endSeconds - input.startSeconds;
    // The documented range, checked here so a request Suno must refuse is never paid for.
    if (!(input.startSeconds >= 0) || !(span >= SUNO_REPLACE_MIN_SECONDS && span <= SUNO_REPLACE_MAX_SECONDS)) {
      throw new ProviderError(this.name, 'permanent', `the replaced section must last ${SUNO_REPLACE_MIN_SECONDS}–${SUNO_REPLACE_MAX_SECONDS} s`);
    }
    const round = (n: number) => Math.round(n * 100) / 100;
    const body = {
      taskId: input.providerRef.taskId,
      audioId: input.providerRef.audioId,
      prompt: input.prompt,
      tags: input.tags,
      title: input.title ?? 'Replaced section',
      infillStartS: round(input.startSeconds),
      infillEndS: round(input.endSeconds),
      ...(input.negativeTags ? { negativeTags: input.negativeTags } : {}),
      callBackUrl,
    };
    return taskIdOf(await this.client.call('post', '/api/v1/generate/replace-section', body), 'replace-section');
  }

  async poll(taskId: string): Promise<TaskOutcome<SectionReplacementResult>> {
    const outcome = await pollSongs(this.client, taskId);
    if (outcome.state !== 'done') return outcome;
    return { state: 'done', value: { audioUrl: outcome.value.songs[0]!.audioUrl, songs: outcome.value.songs } };
  }
}

// ---- lyrics ----
export const SUNO_LYRICS_STATUSES = ['PENDING', 'SUCCESS', 'CREATE_TASK_FAILED', 'GENERATE_LYRICS_FAILED', 'CALLBACK_EXCEPTION', 'SENSITIVE_WORD_ERROR'] as const;
const LyricsVariant = z.object({ text: z.string().nullish(), title: z.string().nullish(), status: z.string().nullish(), errorMessage: z.string().nullish() });
const LyricsRecord = z.object({
  taskId: z.string(),
  status: z.enum(SUNO_LYRICS_STATUSES),
  response: z.object({ lyricsData: z.array(LyricsVariant).nullish(), data: z.array(LyricsVariant).nullish() }).nullish(),
  errorMessage: z.string().nullish(),
});

export class SunoLyricsWriter implements TaskProvider<LyricsInput, LyricsResult> {
  readonly name = 'suno';
  readonly mode = 'task' as const;
  readonly sendsCallbacks = true;

  constructor(private readonly client: SunoClient) {}

  async submit(input: LyricsInput, options: SubmitOptions = {}): Promise<string> {
    if (input.mode === 'extend') throw new ProviderError(this.name, 'permanent', 'Suno does not extend existing lyrics');
    const callBackUrl = requireCallback(options);
    // No length limit is published (only "about 200 words recommended"); a too-long prompt comes back as code 413, permanent.
    return taskIdOf(await this.client.call('post', '/api/v1/lyrics', { prompt: input.prompt, callBackUrl }), 'lyrics');
  }

  async poll(taskId: string): Promise<TaskOutcome<LyricsResult>> {
    const parsed = LyricsRecord.safeParse(await this.client.call('get', '/api/v1/lyrics/record-info', undefined, { taskId }));
    if (!parsed.success) throw new ProviderError(this.name, 'transient', `lyrics record-info malformed: ${parsed.error.issues[0]?.message}`);
    const info = parsed.data;
    if (info.status === 'PENDING') return { state: 'pending', progress: 30 };
    if (info.status !== 'SUCCESS') return sunoFailure(info.status, info.errorMessage);
    const variants = (info.response?.lyricsData ?? info.response?.data ?? [])
      .filter((v) => typeof v.text === 'string' && v.text.trim() !== '' && (v.status ?? 'complete') === 'complete')
      .map((v) => ({ text: v.text!, ...(v.title ? { title: v.title } : {}) }));
    if (variants.length === 0) throw new ProviderError(this.name, 'transient', 'lyrics SUCCESS without text');
    return { state: 'done', value: { variants } };
  }
}

// ---- stems (vocal removal) ----
export const SUNO_SEPARATION_STATUSES = ['PENDING', 'SUCCESS', 'CREATE_TASK_FAILED', 'GENERATE_AUDIO_FAILED', 'CALLBACK_EXCEPTION'] as const;
/** record-info response field → our stem name. originUrl (the unseparated mix) is not a stem. */
const SUNO_STEM_FIELDS = {
  vocalUrl: 'vocals', instrumentalUrl: 'instrumental', backingVocalsUrl: 'backing_vocals', drumsUrl: 'drums', bassUrl: 'bass',
  guitarUrl: 'guitar', pianoUrl: 'piano', keyboardUrl: 'keyboard', percussionUrl: 'percussion', stringsUrl: 'strings',
  synthUrl: 'synth', fxUrl: 'fx', brassUrl: 'brass', woodwindsUrl: 'woodwinds',
} as const;
const SeparationRecord = z.object({
  taskId: z.string(),
  successFlag: z.enum(SUNO_SEPARATION_STATUSES),
  response: z.record(z.string(), z.unknown()).nullish(),
  errorMessage: z.string().nullish(),
});

export class SunoStemSeparator implements StemSeparationProvider {
  readonly name = 'suno';
  readonly mode = 'task' as const;
  readonly sendsCallbacks = true;

  constructor(private readonly client: SunoClient) {}

  async submit(input: StemSeparationInput, options: SubmitOptions = {}): Promise<string> {
    if (!input.providerRef) throw new ProviderError(this.name, 'permanent', 'Suno separates only tracks it generated (taskId and audioId needed)');
    const callBackUrl = requireCallback(options);
    const body = { taskId: input.providerRef.taskId, audioId: input.providerRef.audioId, type: input.mode === 'stems' ? 'split_stem' : 'separate_vocal', callBackUrl };
    return taskIdOf(await this.client.call('post', '/api/v1/vocal-removal/generate', body), 'vocal-removal');
  }

  async poll(taskId: string): Promise<TaskOutcome<StemUrls>> {
    const parsed = SeparationRecord.safeParse(await this.client.call('get', '/api/v1/vocal-removal/record-info', undefined, { taskId }));
    if (!parsed.success) throw new ProviderError(this.name, 'transient', `vocal-removal record-info malformed: ${parsed.error.issues[0]?.message}`);
    const info = parsed.data;
    if (info.successFlag === 'PENDING') return { state: 'pending', progress: 40 };
    if (info.successFlag !== 'SUCCESS') return sunoFailure(info.successFlag, info.errorMessage);
    const stems: StemUrls = {};
    for (const [field, stem] of Object.entries(SUNO_STEM_FIELDS)) {
      const url = info.response?.[field];
      if (typeof url === 'string' && url !== '') stems[stem] = url;
    }
    if (Object.keys(stems).length === 0) throw new ProviderError(this.name, 'transient', 'separation SUCCESS without stem URLs');
    return { state: 'done', value: stems };
  }
}

// ---- WAV ----
export const SUNO_WAV_STATUSES = ['PENDING', 'SUCCESS', 'CREATE_TASK_FAILED', 'GENERATE_WAV_FAILED', 'CALLBACK_EXCEPTION'] as const;
const WavRecord = z.object({
  taskId: z.string(),
  // The English page names it `status`, compatible deployments `successFlag`.
  status: z.enum(SUNO_WAV_STATUSES).optional(),
  successFlag: z.enum(SUNO_WAV_STATUSES).optional(),
  response: z.object({ audio_wav_url: z.string().nullish(), audioWavUrl: z.string().nullish() }).nullish(),
  errorMessage: z.string().nullish(),
});

export class SunoWavConverter implements WavConversionProvider {
  readonly name = 'suno';
  readonly mode = 'task' as const;
  readonly sendsCallbacks = true;

  constructor(private readonly client: SunoClient) {}

  async submit(input: WavConversionInput, options: SubmitOptions = {}): Promise<string> {
    const callBackUrl = requireCallback(options);
    return taskIdOf(await this.client.call('post', '/api/v1/wav/generate', { taskId: input.providerRef.taskId, audioId: input.providerRef.audioId, callBackUrl }), 'wav');
  }

  async poll(taskId: string): Promise<TaskOutcome<WavResult>> {
    const parsed = WavRecord.safeParse(await this.client.call('get', '/api/v1/wav/record-info', undefined, { taskId }));
    const status = parsed.success ? (parsed.data.status ?? parsed.data.successFlag) : undefined;
    if (!parsed.success || !status) throw new ProviderError(this.name, 'transient', 'wav record-info malformed');
    if (status === 'PENDING') return { state: 'pending', progress: 40 };
    if (status !== 'SUCCESS') return sunoFailure(status, parsed.data.errorMessage);
    const wavUrl = parsed.data.response?.audio_wav_url ?? parsed.data.response?.audioWavUrl;
    if (!wavUrl) throw new ProviderError(this.name, 'transient', 'wav SUCCESS without audio_wav_url');
    return { state: 'done', value: { wavUrl } };
  }
}

// ---- timestamped lyrics (answers at once) ----
const AlignedWord = z.object({
  word: z.string(),
  success: z.boolean().nullish(),
  startS: z.number().optional(),
  endS: z.number().optional(),
  start_s: z.number().optional(),
  end_s: z.number().optional(),
});
const TimestampedAnswer = z.object({ alignedWords: z.array(AlignedWord).nullish(), waveformData: z.array(z.number()).nullish() });

/** Suno's aligned words → words and lines. Section tags ("[Verse]") are not sung and are dropped; "\n" inside a word ends a line. */
export function alignLyrics(words: Array<{ word: string; start: number; end: number }>): Pick<TimestampedLyricsResult, 'words' | 'lines'> {
  const out: TimestampedLyricsResult['words'] = [];
  const lines: TimestampedLyricsResult['lines'] = [];
  let line: { parts: string[]; start: number; end: number } | undefined;
  const close = () => {
    if (line && line.parts.length) lines.push({ text: line.parts.join(' '), start: line.start, end: line.end });
    line = undefined;
  };
  for (const w of words) {
    const segments = w.word.split('\n');
    segments.forEach((segment, i) => {
      if (i > 0) close();
      const text = segment.replace(/\[[^\]]*\]/g, '').trim();
      if (!text) return;
      out.push({ word: text, start: w.start, end: w.end });
      if (!line) line = { parts: [], start: w.start, end: w.end };
      line.parts.push(text);
      line.end = w.end;
    });
  }
  close();
  return { words: out, lines };
}

export class SunoTimestampedLyrics implements ImmediateProvider<TimestampedLyricsInput, TimestampedLyricsResult> {
  readonly name = 'suno';
  readonly mode = 'immediate' as const;

  constructor(private readonly client: SunoClient) {}

  async run(input: TimestampedLyricsInput): Promise<FinalOutcome<TimestampedLyricsResult>> {
    const data = await this.client.call('post', '/api/v1/generate/get-timestamped-lyrics', { taskId: input.providerRef.taskId, audioId: input.providerRef.audioId });
    const parsed = TimestampedAnswer.safeParse(data);
    if (!parsed.success) throw new ProviderError(this.name, 'transient', 'timestamped lyrics answer malformed');
    const words = [];
    for (const w of parsed.data.alignedWords ?? []) {
      const start = w.startS ?? w.start_s;
      const end = w.endS ?? w.end_s;
      if (w.success === false || start === undefined || end === undefined || end < start) continue;
      words.push({ word: w.word, start, end });
    }
    // Instrumentals have no lyrics: documented, and a valid (empty) result rather than a failure.
    return { state: 'done', value: { ...alignLyrics(words), ...(parsed.data.waveformData ? { waveform: parsed.data.waveformData } : {}) } };
  }
}

// ---- persona (answers at once) ----
export class SunoPersonaCreator implements ImmediateProvider<PersonaInput, PersonaResult> {
  readonly name = 'suno';
  readonly mode = 'immediate' as const;

  constructor(private readonly client: SunoClient) {}

  async run(input: PersonaInput): Promise<FinalOutcome<PersonaResult>> {
    const body = { taskId: input.providerRef.taskId, audioId: input.providerRef.audioId, name: input.name, description: input.description };
    const parsed = z
      .object({ personaId: z.string().min(1).max(200), name: z.string().nullish(), description: z.string().nullish() })
      .safeParse(await this.client.call('post', '/api/v1/generate/generate-persona', body));
    if (!parsed.success) throw new ProviderError(this.name, 'transient', 'generate-persona answered without a personaId');
    const { personaId, name, description } = parsed.data;
    return { state: 'done', value: { personaId, ...(name ? { name } : {}), ...(description ? { description } : {}) } };
  }
}

// ---- callback bodies (gateway: verify the token, store, then let the worker poll record-info) ----
const taskIdField = { task_id: z.string().min(1).max(200).optional(), taskId: z.string().min(1).max(200).optional() };

/** Lyrics callback: one stage, callbackType "complete" (or "error"); the task id is spelled task_id or taskId across the docs. */
export const SunoLyricsCallback = z.object({
  code: z.number().int(),
  msg: z.string().nullish(),
  data: z.object({
    callbackType: z.enum(['complete', 'error']).optional(),
    ...taskIdField,
    data: z.array(z.object({ text: z.string().nullish(), title: z.string().nullish(), status: z.string().nullish() }).loose()).nullish(),
  }),
});
/**
 * Vocal separation callback: data.vocal_removal_info holds snake_case URLs (vocal_url, instrumental_url, drums_url, …);
 * one revision of the same API's docs names it vocal_separation_info, so both are read.
 */
const StemUrlMap = z.record(z.string(), z.string().nullable()).nullish();
export const SunoSeparationCallback = z.object({
  code: z.number().int(),
  msg: z.string().nullish(),
  data: z.object({ ...taskIdField, vocal_removal_info: StemUrlMap, vocal_separation_info: StemUrlMap }),
});
/** WAV callback: data { task_id, audio_wav_url }. */
export const SunoWavCallback = z.object({
  code: z.number().int(),
  msg: z.string().nullish(),
  data: z.object({ ...taskIdField, audio_wav_url: z.string().nullish() }),
});

/** Any sunoapi.org callback: enough to find the task it is about. Returns undefined for bodies that name no task. */
export function sunoCallbackTaskId(body: unknown): string | undefined {
  const parsed = z.object({ data: z.object(taskIdField).loose() }).loose().safeParse(body);
  if (!parsed.success) return undefined;
  return parsed.data.data.task_id ?? parsed.data.data.taskId;
}

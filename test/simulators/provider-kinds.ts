import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { scanMp3Frames } from '@muse/audio-engine';
import { signFalWebhook } from '@muse/providers';
import { simAudio, wordsOf } from './sim-audio.js';

/*
 * The follow-up kinds of the provider simulator (contracts and sources: libs/providers/src/suno-kinds.ts,
 * mureka.ts, replicate-kinds.ts, fal-webhooks.ts): Suno extend / replace-section (generation-style
 * tasks with the same record-info and callbacks), lyrics, vocal removal, WAV, timestamped lyrics and
 * personas; Mureka lyrics extend, file upload and song recognition; Replicate outputs per model
 * (Demucs stems, AudioSR upscale, MusicGen transformation, classifier report); fal signed webhooks.
 * The same fault switches apply (see SimulatorFaults).
 */
export type Provider = 'suno' | 'mureka' | 'replicate' | 'fal';
export type SunoCallbackType = 'text' | 'first' | 'complete' | 'error';

export interface KindTask {
  id: string;
  kind: 'lyrics' | 'separation' | 'wav';
  createdAt: number;
  callBackUrl?: string;
  sensitive: boolean;
  fail: boolean;
  /** separate_vocal | split_stem for separations; the prompt for lyrics. */
  detail: string;
  parentTaskId: string;
  audioId: string;
  queries: number;
}

/** A file uploaded to Mureka (/v1/files/upload), kept whole so tests can compare it with what was sent. */
export interface SimUpload {
  bytes: number;
  purpose: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** Upload purposes whose files steer a generation: Mureka takes them as mp3 or m4a only. */
const STEERING_PURPOSES = new Set(['reference', 'instrumental', 'vocal', 'melody']);
const MP3_OR_M4A = new Set(['audio/mpeg', 'audio/mp3', 'audio/mp4', 'audio/m4a', 'audio/x-m4a']);

/** What the core simulator lends this module. */
export interface KindsContext {
  url(): string;
  stepMs: number;
  faults(): {
    /** `early` is played by the submit handlers that support it (Suno generate, Replicate, fal); the follow-up kinds here call back as `normal`. */
    callbacks?: 'normal' | 'duplicate' | 'out-of-order' | 'never' | 'early';
    resultUrls?: 'normal' | 'private-address' | 'redirect-to-private' | 'oversize' | 'wrong-type' | 'slow';
    malformedStatus?: boolean;
    malformedCallbacks?: boolean;
    failTasks?: boolean;
  };
  sensitiveWord: string;
  json(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void;
  readBody(req: IncomingMessage): Promise<Buffer>;
  submitFault(res: ServerResponse, provider: Provider): boolean;
  queryFault(res: ServerResponse): boolean;
  later(ms: number, fn: () => void): void;
  /** Suno generation tasks (extend / replace-section become such tasks; record-info serves them). */
  hasSunoTrack(taskId: string, audioId: string): boolean;
  createSunoSongTask(fields: { callBackUrl: string; sensitive: boolean; title: string; model: string; type: string }): string;
  recordCallback(taskId: string, type: string, status: number): void;
  countCall(name: string): void;
}

/** Valid JSON of the wrong shape (the malformedCallbacks fault). */
const MALFORMED = { code: 'ok', data: 7 };
const SUNO_LYRICS_STEPS = ['PENDING', 'SUCCESS'] as const;
const SUNO_SEPARATION_STEPS = ['PENDING', 'PENDING', 'SUCCESS'] as const;
const SUNO_WAV_STEPS = ['PENDING', 'SUCCESS'] as const;

export function createKinds(ctx: KindsContext) {
  const kindTasks = new Map<string, KindTask>();
  const uploads = new Map<string, SimUpload>();
  const falKeys = generateKeyPairSync('ed25519');
  const falJwks = { keys: [{ ...(falKeys.publicKey.export({ format: 'jwk' }) as Record<string, string>), kid: 'sim' }] };
  let lastFalWebhook: { url: string; headers: Record<string, string>; body: string } | undefined;

  const stage = (createdAt: number, steps: number) => Math.min(steps - 1, Math.floor((Date.now() - createdAt) / ctx.stepMs));
  const j = ctx.json;

  /** Where a result file lives; the resultUrls fault points it somewhere the fetcher must refuse. */
  const assetUrl = (id: string, name: string, ext: string): string => {
    const path = `${id}/${name}.${ext}`;
    switch (ctx.faults().resultUrls) {
      case 'private-address':
        return `http://169.254.169.254/latest/meta-data/${path}`;
      case 'redirect-to-private':
        return `${ctx.url()}/assets/redirect/${path}`;
      case 'oversize':
        return `${ctx.url()}/assets/huge/${path}`;
      case 'wrong-type':
        return `${ctx.url()}/assets/html/${path}`;
      case 'slow':
        return `${ctx.url()}/assets/slow/${path}`;
      default:
        return `${ctx.url()}/assets/files/${path}`;
    }
  };

  const sendJson = async (url: string, body: unknown, taskId: string, type: string, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(ctx.faults().malformedCallbacks ? MALFORMED : body);
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text });
      await res.arrayBuffer();
      ctx.recordCallback(taskId, type, res.status);
    } catch {
      ctx.recordCallback(taskId, type, 0);
    }
    return text;
  };

  /** Single-stage callbacks (lyrics, separation, WAV) under the callback faults. */
  const scheduleOne = (task: KindTask, doneStep: number, body: () => unknown, type: string) => {
    const mode = ctx.faults().callbacks ?? 'normal';
    if (mode === 'never' || !task.callBackUrl) return;
    // out-of-order: the final callback arrives before record-info says the task finished.
    const at = mode === 'out-of-order' ? Math.max(0, doneStep - 1) * ctx.stepMs + 5 : doneStep * ctx.stepMs + 20;
    const copies = mode === 'duplicate' ? 2 : 1;
    for (let c = 0; c < copies; c++) ctx.later(at + c * 10, () => void sendJson(task.callBackUrl!, body(), task.id, type));
  };

  // ---------------- Suno ----------------
  const sunoStatus = (task: KindTask, steps: readonly string[], failStatus: string): string => {
    if (task.sensitive) return 'SENSITIVE_WORD_ERROR';
    const s = steps[stage(task.createdAt, steps.length)]!;
    return task.fail && s === 'SUCCESS' ? failStatus : s;
  };
  const lyricsVariants = (task: KindTask) => [
    { text: `[Verse]\n${task.detail}\nUnder simulated skies\n[Chorus]\nSing it back to me`, title: 'Simulated Lyrics', status: 'complete', errorMessage: '' },
    { text: `[Verse]\nAnother take on ${task.detail}\n[Chorus]\nLa la la`, title: 'Simulated Lyrics II', status: 'complete', errorMessage: '' },
  ];
  const separationUrls = (task: KindTask): Record<string, string | null> => {
    const names = task.detail === 'split_stem' ? ['vocals', 'drums', 'bass', 'keyboard', 'synth'] : ['vocals', 'instrumental'];
    const field: Record<string, string> = { vocals: 'vocalUrl', instrumental: 'instrumentalUrl', drums: 'drumsUrl', bass: 'bassUrl', keyboard: 'keyboardUrl', synth: 'synthUrl' };
    const out: Record<string, string | null> = { originUrl: null, instrumentalUrl: null, vocalUrl: null, backingVocalsUrl: null, drumsUrl: null, bassUrl: null, guitarUrl: null, pianoUrl: null, keyboardUrl: null, percussionUrl: null, stringsUrl: null, synthUrl: null, fxUrl: null, brassUrl: null, woodwindsUrl: null };
    // Suno's stems are MP3 files (…_Vocals.mp3 in the documented examples).
    for (const n of names) out[field[n]!] = assetUrl(task.id, n, 'mp3');
    return out;
  };
  const snake = (camel: Record<string, string | null>) =>
    Object.fromEntries(Object.entries(camel).map(([k, v]) => [k.replace(/Url$/, '_url').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));

  const newKindTask = (kind: KindTask['kind'], body: Record<string, unknown>, detail: string): KindTask => {
    const task: KindTask = {
      id: randomUUID().replaceAll('-', ''),
      kind,
      createdAt: Date.now(),
      callBackUrl: typeof body.callBackUrl === 'string' ? body.callBackUrl : undefined,
      sensitive: detail.includes(ctx.sensitiveWord),
      fail: ctx.faults().failTasks === true,
      detail,
      parentTaskId: String(body.taskId ?? ''),
      audioId: String(body.audioId ?? ''),
      queries: 0,
    };
    kindTasks.set(task.id, task);
    return task;
  };

  const recordInfoEnvelope = (task: KindTask, statusField: 'status' | 'successFlag', status: string, response: unknown, extra: Record<string, unknown> = {}) => ({
    code: 200,
    msg: 'success',
    data: {
      taskId: task.id,
      ...extra,
      response,
      [statusField]: status,
      createTime: task.createdAt,
      errorCode: status === 'SUCCESS' || status === 'PENDING' ? null : 400,
      errorMessage: status === 'SENSITIVE_WORD_ERROR' ? 'Contains sensitive words' : status.endsWith('FAILED') ? 'The task failed' : null,
    },
  });

  /** Returns true when the path was one of ours (answered), false to let the core answer 404. */
  async function suno(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const p = url.pathname;
    const post = req.method === 'POST';
    const bad = (msg: string, code = 400) => j(res, 200, { code, msg, data: null });
    const readBody = async () => {
      try {
        const v = JSON.parse((await ctx.readBody(req)).toString('utf8') || '{}');
        return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
      } catch {
        return undefined;
      }
    };
    const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

    if (post && (p === '/api/v1/generate/extend' || p === '/api/v1/generate/replace-section')) {
      ctx.countCall(p);
      if (ctx.submitFault(res, 'suno')) return true;
      const body = await readBody();
      if (!body) return bad('body must be JSON'), true;
      if (!str(body.callBackUrl)) return bad('callBackUrl is required'), true;
      const extend = p.endsWith('/extend');
      if (extend) {
        if (typeof body.defaultParamFlag !== 'boolean' || !str(body.audioId) || !str(body.model)) return bad('defaultParamFlag, audioId and model are required'), true;
        if (body.defaultParamFlag && (!str(body.prompt) || !str(body.style) || !str(body.title) || typeof body.continueAt !== 'number')) return bad('prompt, style, title and continueAt are required with defaultParamFlag'), true;
        const audioId = String(body.audioId);
        if (!ctx.hasSunoTrack(audioId.replace(/-\d+$/, ''), audioId)) return bad('audioId not found'), true;
      } else {
        for (const f of ['taskId', 'audioId', 'prompt', 'tags', 'title']) if (!str(body[f])) return bad(`${f} is required`), true;
        const start = Number(body.infillStartS);
        const end = Number(body.infillEndS);
        if (!Number.isFinite(start) || !Number.isFinite(end) || start < 0 || end - start < 6 || end - start > 60) return bad('infillEndS - infillStartS must be between 6 and 60 seconds'), true;
        if (!ctx.hasSunoTrack(String(body.taskId), String(body.audioId))) return bad('taskId or audioId not found'), true;
      }
      const text = `${body.prompt ?? ''} ${body.style ?? ''} ${body.tags ?? ''}`;
      const taskId = ctx.createSunoSongTask({ callBackUrl: String(body.callBackUrl), sensitive: text.includes(ctx.sensitiveWord), title: String(body.title ?? 'Extended Song'), model: String(body.model ?? 'V4_5'), type: extend ? 'EXTEND' : 'REPLACE_SECTION' });
      j(res, 200, { code: 200, msg: 'success', data: { taskId } });
      return true;
    }

    if (post && p === '/api/v1/lyrics') {
      ctx.countCall(p);
      if (ctx.submitFault(res, 'suno')) return true;
      const body = await readBody();
      if (!body || !str(body.prompt)) return bad('prompt is required'), true;
      if (!str(body.callBackUrl)) return bad('callBackUrl is required'), true;
      // 413 is the documented "prompt too long" code; the threshold is not published, this one is the simulator's.
      if (String(body.prompt).length > 2000) return bad('Theme or prompt too long', 413), true;
      const task = newKindTask('lyrics', body, String(body.prompt));
      scheduleOne(task, 1, () => {
        const status = sunoStatus(task, SUNO_LYRICS_STEPS, 'GENERATE_LYRICS_FAILED');
        return status === 'SUCCESS'
          ? { code: 200, msg: 'All generated successfully.', data: { callbackType: 'complete', task_id: task.id, data: lyricsVariants(task) } }
          : { code: 400, msg: status === 'SENSITIVE_WORD_ERROR' ? 'Contains sensitive words' : 'Lyrics generation failed', data: { callbackType: 'error', task_id: task.id, data: [] } };
      }, 'lyrics');
      j(res, 200, { code: 200, msg: 'success', data: { taskId: task.id } });
      return true;
    }

    if (post && (p === '/api/v1/vocal-removal/generate' || p === '/api/v1/wav/generate')) {
      ctx.countCall(p);
      if (ctx.submitFault(res, 'suno')) return true;
      const body = await readBody();
      if (!body || !str(body.taskId) || !str(body.audioId)) return bad('taskId and audioId are required'), true;
      if (!str(body.callBackUrl)) return bad('callBackUrl is required'), true;
      if (!ctx.hasSunoTrack(String(body.taskId), String(body.audioId))) return bad('taskId or audioId not found'), true;
      if (p.startsWith('/api/v1/vocal-removal')) {
        if (body.type !== 'separate_vocal' && body.type !== 'split_stem') return bad('type must be separate_vocal or split_stem'), true;
        const task = newKindTask('separation', body, String(body.type));
        scheduleOne(task, 2, () => {
          const status = sunoStatus(task, SUNO_SEPARATION_STEPS, 'GENERATE_AUDIO_FAILED');
          return status === 'SUCCESS'
            ? { code: 200, msg: 'vocal Removal generated successfully.', data: { task_id: task.id, vocal_removal_info: snake(separationUrls(task)) } }
            : { code: 501, msg: 'Audio generation failed', data: { task_id: task.id, vocal_removal_info: null } };
        }, 'separation');
        j(res, 200, { code: 200, msg: 'success', data: { taskId: task.id } });
      } else {
        const task = newKindTask('wav', body, 'wav');
        scheduleOne(task, 1, () => {
          const status = sunoStatus(task, SUNO_WAV_STEPS, 'GENERATE_WAV_FAILED');
          return status === 'SUCCESS' ? { code: 200, msg: 'success', data: { task_id: task.id, audio_wav_url: assetUrl(task.id, 'song', 'wav') } } : { code: 501, msg: 'WAV generation failed', data: { task_id: task.id, audio_wav_url: null } };
        }, 'wav');
        j(res, 200, { code: 200, msg: 'success', data: { taskId: task.id } });
      }
      return true;
    }

    const info = /^\/api\/v1\/(lyrics|vocal-removal|wav)\/record-info$/.exec(p);
    if (req.method === 'GET' && info) {
      if (ctx.queryFault(res)) return true;
      const task = kindTasks.get(url.searchParams.get('taskId') ?? '');
      const kind = info[1] === 'lyrics' ? 'lyrics' : info[1] === 'wav' ? 'wav' : 'separation';
      if (!task || task.kind !== kind) return bad('task not found'), true;
      task.queries++;
      if (ctx.faults().malformedStatus) return j(res, 200, { code: 200, msg: 'success', data: { taskId: task.id, status: 'WEIRD', successFlag: 7 } }), true;
      if (kind === 'lyrics') {
        const status = sunoStatus(task, SUNO_LYRICS_STEPS, 'GENERATE_LYRICS_FAILED');
        j(res, 200, recordInfoEnvelope(task, 'status', status, { taskId: task.id, lyricsData: status === 'SUCCESS' ? lyricsVariants(task) : [] }, { param: JSON.stringify({ prompt: task.detail }), type: 'LYRICS' }));
      } else if (kind === 'separation') {
        const status = sunoStatus(task, SUNO_SEPARATION_STEPS, 'GENERATE_AUDIO_FAILED');
        j(res, 200, recordInfoEnvelope(task, 'successFlag', status, status === 'SUCCESS' ? separationUrls(task) : null, { musicId: task.audioId, musicIndex: 0 }));
      } else {
        const status = sunoStatus(task, SUNO_WAV_STEPS, 'GENERATE_WAV_FAILED');
        j(res, 200, recordInfoEnvelope(task, 'status', status, { audio_wav_url: status === 'SUCCESS' ? assetUrl(task.id, 'song', 'wav') : null }, { musicId: task.audioId }));
      }
      return true;
    }

    if (post && p === '/api/v1/generate/get-timestamped-lyrics') {
      ctx.countCall(p);
      if (ctx.submitFault(res, 'suno')) return true;
      const body = await readBody();
      if (!body || !str(body.taskId) || !str(body.audioId)) return bad('taskId and audioId are required'), true;
      if (!ctx.hasSunoTrack(String(body.taskId), String(body.audioId))) return bad('taskId or audioId not found'), true;
      if (ctx.faults().malformedStatus) return j(res, 200, { code: 200, msg: 'success', data: { alignedWords: 'nope' } }), true;
      const audio = simAudio();
      const words = wordsOf(audio.lines);
      const alignedWords = words.map((w, i) => ({
        word: `${i === 0 ? '[Verse]\n' : ''}${w.word}${words[i + 1]?.lineStart ? '\n' : ' '}`,
        success: true,
        startS: w.start,
        endS: w.end,
        palign: 0,
      }));
      j(res, 200, { code: 200, msg: 'success', data: { alignedWords, waveformData: [0, 0.4, 1, 0.6, 0.2], hootCer: 0.1, isStreamed: false } });
      return true;
    }

    if (post && p === '/api/v1/generate/generate-persona') {
      ctx.countCall(p);
      if (ctx.submitFault(res, 'suno')) return true;
      const body = await readBody();
      for (const f of ['taskId', 'audioId', 'name', 'description']) if (!body || !str(body[f])) return bad(`${f} is required`), true;
      if (!ctx.hasSunoTrack(String(body!.taskId), String(body!.audioId))) return bad('taskId or audioId not found'), true;
      if (`${body!.name} ${body!.description}`.includes(ctx.sensitiveWord)) return bad('Contains sensitive words'), true;
      if (ctx.faults().malformedStatus) return j(res, 200, { code: 200, msg: 'success', data: { persona: 1 } }), true;
      j(res, 200, { code: 200, msg: 'success', data: { personaId: `persona_${randomUUID().slice(0, 12)}`, name: body!.name, description: body!.description } });
      return true;
    }
    return false;
  }

  // ---------------- Mureka ----------------
  /** Minimal multipart/form-data reader: the fields and the one file part. */
  const parseMultipart = (req: IncomingMessage, raw: Buffer): { fields: Record<string, string>; file?: { filename: string; type: string; data: Buffer } } | undefined => {
    const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(String(req.headers['content-type'] ?? ''));
    if (!m) return undefined;
    const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
    const fields: Record<string, string> = {};
    let file: { filename: string; type: string; data: Buffer } | undefined;
    let at = raw.indexOf(boundary);
    while (at >= 0) {
      const next = raw.indexOf(boundary, at + boundary.length);
      if (next < 0) break;
      const part = raw.subarray(at + boundary.length + 2, next - 2);
      const split = part.indexOf('\r\n\r\n');
      if (split > 0) {
        const head = part.subarray(0, split).toString('utf8');
        const data = part.subarray(split + 4);
        const name = /name="([^"]*)"/.exec(head)?.[1];
        const filename = /filename="([^"]*)"/.exec(head)?.[1];
        if (name && filename !== undefined) file = { filename, type: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim() ?? 'application/octet-stream', data };
        else if (name) fields[name] = data.toString('utf8');
      }
      at = next;
    }
    return { fields, file };
  };

  async function mureka(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const p = url.pathname;
    if (req.method !== 'POST') return false;
    const err = (status: number, message: string) => j(res, status, { error: { message } });
    if (p === '/v1/lyrics/extend') {
      ctx.countCall(p);
      if (ctx.submitFault(res, 'mureka')) return true;
      let body: { lyrics?: unknown } | undefined;
      try {
        body = JSON.parse((await ctx.readBody(req)).toString('utf8'));
      } catch {
        body = undefined;
      }
      if (!body || typeof body.lyrics !== 'string' || !body.lyrics) return err(400, 'lyrics is required'), true;
      if (body.lyrics.includes(ctx.sensitiveWord)) return err(400, 'The content violates the content policy'), true;
      if (ctx.faults().malformedStatus) return j(res, 200, { text: 42 }), true;
      j(res, 200, { lyrics: `${body.lyrics}\n\n[Verse 2]\nSimulated lines keep on going\n[Chorus]\nSing it back` });
      return true;
    }
    if (p === '/v1/files/upload') {
      ctx.countCall(p);
      if (ctx.submitFault(res, 'mureka')) return true;
      const form = parseMultipart(req, await ctx.readBody(req));
      if (!form?.file) return err(400, 'file is required'), true;
      const purpose = form.fields.purpose;
      if (!purpose || !['audio', 'reference', 'vocal', 'melody', 'instrumental', 'voice', 'remix', 'soundtrack'].includes(purpose)) return err(400, 'purpose is invalid'), true;
      if (!form.file.type.startsWith('audio/') || form.file.data.length < 64) return err(400, 'the file is not supported audio'), true;
      if (STEERING_PURPOSES.has(purpose) && (!MP3_OR_M4A.has(form.file.type) || (/^audio\/mp(eg|3)$/.test(form.file.type) && !isMp3(form.file.data)))) {
        return err(400, `files for purpose ${purpose} must be mp3 or m4a audio`), true;
      }
      const id = String(Date.now()) + String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
      uploads.set(id, { bytes: form.file.data.length, purpose, filename: form.file.filename, contentType: form.file.type, data: form.file.data });
      j(res, 200, { id, bytes: form.file.data.length, created_at: Math.floor(Date.now() / 1000), filename: form.file.filename, purpose });
      return true;
    }
    if (p === '/v1/song/recognize') {
      ctx.countCall(p);
      if (ctx.submitFault(res, 'mureka')) return true;
      let body: { upload_audio_id?: unknown } | undefined;
      try {
        body = JSON.parse((await ctx.readBody(req)).toString('utf8'));
      } catch {
        body = undefined;
      }
      const upload = typeof body?.upload_audio_id === 'string' ? uploads.get(body.upload_audio_id) : undefined;
      if (!upload) return err(400, 'upload_audio_id is invalid'), true;
      if (upload.purpose !== 'audio') return err(400, 'upload_audio_id must be uploaded with purpose audio'), true;
      if (ctx.faults().malformedStatus) return j(res, 200, { duration: 'long', lyrics_sections: 3 }), true;
      const audio = simAudio();
      const ms = (s: number) => Math.round(s * 1000);
      const words = wordsOf(audio.lines);
      const lines = audio.lines.map((l) => ({ start: ms(l.start), end: ms(l.end), text: l.text, words: words.filter((w) => w.start >= l.start - 1e-6 && w.end <= l.end + 0.01).map((w) => ({ start: ms(w.start), end: ms(w.end), text: w.word })) }));
      j(res, 200, { duration: ms(audio.durationSeconds), lyrics_sections: lines.length ? [{ section_type: 'verse', start: lines[0]!.start, end: lines[lines.length - 1]!.end, lines }] : [] });
      return true;
    }
    return false;
  }

  // ---------------- Replicate outputs per model ----------------
  /** What the prediction produces, decided by its input as the real models' schemas are. */
  function replicateOutput(id: string, input: Record<string, unknown>): unknown {
    if (typeof input.input_file === 'string') return assetUrl(id, 'upscaled', 'wav');
    if (typeof input.input_audio === 'string' && typeof input.prompt === 'string') return assetUrl(id, 'transformed', 'wav');
    if (typeof input.model_type === 'string') return assetUrl(id, 'report', 'md');
    // Demucs answers in the output_format asked for (mp3 or wav).
    const ext = input.output_format === 'wav' ? 'wav' : 'mp3';
    if (input.stem === 'vocals') return { vocals: assetUrl(id, 'vocals', ext), no_vocals: assetUrl(id, 'instrumental', ext) };
    return { vocals: assetUrl(id, 'vocals', ext), drums: assetUrl(id, 'drums', ext), bass: assetUrl(id, 'bass', ext), other: assetUrl(id, 'other', ext) };
  }
  /** A refusal the way safety checkers word it, for prompts with the sensitive word. */
  function replicateRefusal(input: Record<string, unknown>): string | undefined {
    return typeof input.prompt === 'string' && input.prompt.includes(ctx.sensitiveWord) ? 'NSFW content detected in the prompt. Try a different prompt.' : undefined;
  }

  // ---------------- fal signed webhooks ----------------
  /** Delivers one signed fal webhook and resolves once our gateway has answered it. */
  async function sendFalWebhook(requestId: string, webhook: string, result: () => unknown): Promise<void> {
    const failed = ctx.faults().failTasks === true;
    const body = JSON.stringify(
      ctx.faults().malformedCallbacks
        ? MALFORMED
        : failed
          ? { request_id: requestId, gateway_request_id: requestId, status: 'ERROR', error: 'Internal error', payload: { detail: 'simulated failure' } }
          : { request_id: requestId, gateway_request_id: requestId, status: 'OK', payload: result() },
    );
    const headers = { 'content-type': 'application/json', ...signFalWebhook(falKeys.privateKey, requestId, 'sim-user', Math.floor(Date.now() / 1000), body) };
    lastFalWebhook = { url: webhook, headers, body };
    try {
      const res = await fetch(webhook, { method: 'POST', headers, body });
      await res.arrayBuffer();
      ctx.recordCallback(requestId, `fal:${failed ? 'ERROR' : 'OK'}`, res.status);
    } catch {
      ctx.recordCallback(requestId, 'fal', 0);
    }
  }

  /** The completion webhook under the callback faults; `early` delivers it from the submit handler itself. */
  function scheduleFalWebhook(requestId: string, webhook: string, result: () => unknown) {
    const mode = ctx.faults().callbacks ?? 'normal';
    if (mode === 'never' || mode === 'early') return;
    const copies = mode === 'duplicate' ? 2 : 1;
    for (let c = 0; c < copies; c++) ctx.later(3 * ctx.stepMs + 20 + c * 10, () => void sendFalWebhook(requestId, webhook, result));
  }

  // ---------------- files ----------------
  const classifierReport = () =>
    [
      '# genre_discogs',
      '| label | probability |',
      '|---|---|',
      '| Electronic---Synth-pop | 0.71 |',
      '| Pop---Indie Pop | 0.18 |',
      '',
      '# mood_theme',
      '| label | probability |',
      '|---|---|',
      '| happy | 0.64 |',
      '| energetic | 0.41 |',
      '',
      '# instrument',
      '| label | probability |',
      '|---|---|',
      '| synthesizer | 0.83 |',
      '| drums | 0.77 |',
    ].join('\n');

  function asset(name: string, ext: string): { body: Buffer; type: string } | undefined {
    if (ext === 'md') return { body: Buffer.from(classifierReport()), type: 'text/markdown' };
    const audio = simAudio();
    if (name === 'upscaled') return { body: audio.wav48k(), type: 'audio/wav' };
    if (name === 'song') return { body: audio.wav(), type: 'audio/wav' };
    if (name === 'transformed') return { body: audio.transformed(), type: 'audio/wav' };
    const stem = ext === 'mp3' ? audio.stemMp3(name) : audio.stem(name);
    return stem ? { body: stem, type: ext === 'mp3' ? 'audio/mpeg' : 'audio/wav' } : undefined;
  }

  /** /assets/{mode}/{id}/{name}.{ext}: mode as the resultUrls fault made it. */
  function files(res: ServerResponse, url: URL): boolean {
    const m = /^\/assets\/(files|redirect|huge|html|slow)\/([^/]+)\/([a-z_]+)\.(wav|mp3|md)$/.exec(url.pathname);
    if (!m) return false;
    const [, mode, , name, ext] = m;
    const file = asset(name!, ext!);
    if (!file) {
      j(res, 404, { error: 'no such file' });
      return true;
    }
    if (mode === 'redirect') {
      res.writeHead(302, { location: `http://10.0.0.7/${name}.${ext}` });
      res.end();
    } else if (mode === 'huge') {
      res.writeHead(200, { 'content-type': file.type });
      const chunk = Buffer.alloc(1024 * 1024, 7);
      let sent = 0;
      const pump = () => {
        while (sent < 512 && res.write(chunk)) sent++;
        if (sent < 512) res.once('drain', pump);
        else res.end();
      };
      res.on('close', () => (sent = 512));
      pump();
    } else if (mode === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>not audio</html>');
    } else if (mode === 'slow') {
      res.writeHead(200, { 'content-type': file.type, 'content-length': String(file.body.length) });
      res.write(file.body.subarray(0, 10));
      ctx.later(60_000, () => res.end(file.body.subarray(10)));
    } else {
      res.writeHead(200, { 'content-type': file.type, 'content-length': String(file.body.length) });
      res.end(file.body);
    }
    return true;
  }

  function jwks(res: ServerResponse, url: URL): boolean {
    if (url.pathname !== '/.well-known/jwks.json') return false;
    j(res, 200, falJwks);
    return true;
  }

  return {
    kindTasks,
    uploads,
    falJwks,
    suno,
    mureka,
    replicateOutput,
    replicateRefusal,
    scheduleFalWebhook,
    sendFalWebhook,
    files,
    jwks,
    replayLastFalWebhook: async (): Promise<number> => {
      if (!lastFalWebhook) return 0;
      const res = await fetch(lastFalWebhook.url, { method: 'POST', headers: lastFalWebhook.headers, body: lastFalWebhook.body });
      await res.arrayBuffer();
      return res.status;
    },
  };
}

/** Whether the bytes are an MP3 stream (every frame header valid), as Mureka's upload check reads them. */
function isMp3(bytes: Buffer): boolean {
  try {
    return scanMp3Frames(bytes).frames > 0;
  } catch {
    return false;
  }
}

import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateVariant, isWav, probeWav, scanMp3Frames } from '@muse/audio-engine';
import { signStandardWebhook } from '@muse/providers';
import { createKinds, type KindTask, type SimUpload } from './provider-kinds.js';
import { warmSimAudio } from './sim-audio.js';

/*
 * A local stand-in for the external music providers, speaking their published HTTP contracts
 * (see libs/providers/src/suno.ts and mureka.ts for the sources): Suno-compatible
 * /api/v1/generate and /upload-cover (it downloads uploadUrl) + record-info + callbacks, and Mureka
 * /v1/song|instrumental/generate (reference_id / instrumental_id must name an upload of that purpose) +
 * query + /v1/lyrics/generate. Tasks advance through the providers' real status sequences on a clock
 * (`stepMs` per status), results are real MP3/JPEG files served by the simulator itself, and
 * fault switches reproduce what providers really do. The follow-up kinds (Suno extend, replace-section,
 * lyrics, vocal removal, WAV, timestamped lyrics, personas; Mureka lyrics extend, upload, recognition;
 * Replicate per-model outputs; fal signed webhooks) live in provider-kinds.ts, their audio in sim-audio.ts.
 */
export interface SimulatorFaults {
  /** Answer the next N generate calls with this HTTP status (429 carries Retry-After: 1). */
  submitStatus?: { status: number; times: number; provider?: 'suno' | 'mureka' | 'replicate' | 'fal' };
  /** Answer the next N status queries (record-info / query) with this HTTP status. */
  queryStatus?: { status: number; times: number };
  /** Delay every API answer by this long (timeouts). */
  slowMs?: number;
  /** Limit slowMs to one provider's API. */
  slowProvider?: 'suno' | 'mureka' | 'replicate' | 'fal';
  /**
   * Callbacks: sent normally, twice each, complete-first, or never; `early` (Suno generate, Replicate
   * predictions, fal queue requests): the task is finished at once and its final callback is delivered, and
   * answered, a second before the submit call is.
   */
  callbacks?: 'normal' | 'duplicate' | 'out-of-order' | 'never' | 'early';
  /** Result URLs point somewhere we must refuse. */
  resultUrls?: 'normal' | 'private-address' | 'redirect-to-private' | 'oversize' | 'wrong-type' | 'slow';
  /** Answer record-info / query with a body that does not match the contract. */
  malformedStatus?: boolean;
  /** Send callbacks / webhooks whose bodies do not match the contract (still signed where the provider signs). */
  malformedCallbacks?: boolean;
  /** Tasks end in the provider's failure status instead of success. */
  failTasks?: boolean;
}

export interface SimTask {
  id: string;
  /** record-info `type`: GENERATE, EXTEND, REPLACE_SECTION. */
  type?: string;
  provider: 'suno' | 'mureka';
  kind: 'song' | 'instrumental';
  createdAt: number;
  callBackUrl?: string;
  sensitive: boolean;
  fail: boolean;
  title: string;
  model: string;
  queries: number;
  /** Suno upload-cover: the audio fetched from uploadUrl when the task was submitted. */
  upload?: { url: string; bytes: number; durationSeconds: number };
  /** Mureka: the uploaded file the generation was steered by (reference_id / instrumental_id). */
  referenceId?: string;
}

export interface ProviderSimulator {
  url: string;
  apiKey: string;
  faults: SimulatorFaults;
  tasks: Map<string, SimTask>;
  /** Every callback POST sent, with the status our gateway answered. */
  callbacksSent: Array<{ taskId: string; type: string; status: number }>;
  generateCalls: { suno: number; mureka: number; replicate: number; fal: number };
  /** Replicate's per-account webhook signing secret (whsec_…). */
  replicateWebhookSecret: string;
  /** Replicate predictions and fal requests, by id. */
  predictions: Map<string, SimPrediction>;
  /** Re-sends a webhook delivery exactly as sent before (a replay), with its original headers. */
  replayLastWebhook(): Promise<number>;
  /** Lyrics, vocal-removal and WAV tasks (Suno), by task id. */
  kindTasks: Map<string, KindTask>;
  /** Files uploaded to Mureka (/v1/files/upload), by id. */
  uploads: Map<string, SimUpload>;
  /** Calls per follow-up endpoint path (extend, lyrics, files/upload, …). */
  kindCalls: Record<string, number>;
  /** fal's JWKS as this simulator signs (also served at `${url}/.well-known/jwks.json`). */
  falJwks: { keys: Array<Record<string, string>> };
  /** Re-sends the last fal webhook exactly as sent (a replay). */
  replayLastFalWebhook(): Promise<number>;
  close(): Promise<void>;
}

export interface SimPrediction {
  id: string;
  provider: 'replicate' | 'fal';
  createdAt: number;
  webhook?: string;
  events: string[];
  input: Record<string, unknown>;
  model: string;
}

const REPLICATE_SEQUENCE = ['starting', 'processing', 'processing', 'succeeded'] as const;
const FAL_SEQUENCE = ['IN_QUEUE', 'IN_PROGRESS', 'IN_PROGRESS', 'COMPLETED'] as const;
const SUNO_SEQUENCE = ['PENDING', 'TEXT_SUCCESS', 'FIRST_SUCCESS', 'SUCCESS'] as const;
const MUREKA_SEQUENCE = ['preparing', 'queued', 'running', 'succeeded'] as const;
const SUNO_MODELS = new Set(['V3_5', 'V4', 'V4_5', 'V4_5PLUS', 'V5']);
/** What a malformed callback carries: valid JSON, wrong shape. */
export const MALFORMED_CALLBACK = { code: 'ok', data: 7 };
const FAL_DESCRIPTION = { description: 'An upbeat simulated song with bright synths.', genre: 'pop', mood: 'happy' };
/** Content policy stand-in: prompts containing this word are refused the way Suno/Mureka refuse them. */
export const SENSITIVE_WORD = 'forbiddenword';

/**
 * `warmAudio`: render and encode the follow-up kinds' result files before listening (seconds on a busy
 * machine), so a test's first stem/WAV/upscale download is not the one that pays for it.
 */
export async function startProviderSimulator(options: { stepMs?: number; apiKey?: string; port?: number; warmAudio?: boolean } = {}): Promise<ProviderSimulator> {
  const stepMs = options.stepMs ?? 100;
  if (options.warmAudio) warmSimAudio();
  const apiKey = options.apiKey ?? 'sim-key-' + randomUUID();
  // Real audio and cover art, rendered once: what a provider's CDN would serve.
  const files = [0, 1].map((i) => generateVariant({ prompt: 'simulated provider song', durationSeconds: 5, seed: 11 }, i, 96));
  const timers = new Set<NodeJS.Timeout>();
  let lastWebhook: { url: string; headers: Record<string, string>; body: string } | undefined;
  const sim: ProviderSimulator = {
    url: '',
    apiKey,
    faults: {},
    tasks: new Map(),
    callbacksSent: [],
    generateCalls: { suno: 0, mureka: 0, replicate: 0, fal: 0 },
    replicateWebhookSecret: `whsec_${Buffer.from(randomUUID()).toString('base64')}`,
    predictions: new Map(),
    kindTasks: new Map(),
    uploads: new Map(),
    kindCalls: {},
    falJwks: { keys: [] },
    replayLastFalWebhook: async () => 0,
    replayLastWebhook: async () => {
      if (!lastWebhook) return 0;
      const res = await fetch(lastWebhook.url, { method: 'POST', headers: lastWebhook.headers, body: lastWebhook.body });
      await res.arrayBuffer();
      return res.status;
    },
    close: async () => undefined,
  };

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const stage = (task: SimTask) => Math.min(3, Math.floor((Date.now() - task.createdAt) / stepMs));
  const fileUrl = (task: SimTask, i: number, ext: 'mp3' | 'jpeg') => {
    switch (sim.faults.resultUrls) {
      case 'private-address':
        return `http://169.254.169.254/latest/meta-data/${task.id}-${i}.${ext}`;
      case 'redirect-to-private':
        return `${sim.url}/redirect/${task.id}/${i}.${ext}`;
      case 'oversize':
        return `${sim.url}/huge/${task.id}/${i}.${ext}`;
      case 'wrong-type':
        return `${sim.url}/html/${task.id}/${i}.${ext}`;
      case 'slow':
        return `${sim.url}/slow/${task.id}/${i}.${ext}`;
      default:
        return `${sim.url}/files/${task.id}/${i}.${ext}`;
    }
  };
  const sunoTracks = (task: SimTask, count: number) =>
    files.slice(0, count).map((f, i) => ({
      id: `${task.id}-${i}`,
      audioUrl: fileUrl(task, i, 'mp3'),
      streamAudioUrl: `${sim.url}/stream/${task.id}/${i}`,
      imageUrl: fileUrl(task, i, 'jpeg'),
      prompt: '[Verse] simulated',
      modelName: 'chirp-v4-5',
      title: task.title,
      tags: 'simulated',
      createTime: new Date(task.createdAt).toISOString(),
      duration: f.durationSeconds,
    }));
  const sunoStatus = (task: SimTask): string => {
    if (task.sensitive) return 'SENSITIVE_WORD_ERROR';
    const s = SUNO_SEQUENCE[stage(task)]!;
    return task.fail && s === 'SUCCESS' ? 'GENERATE_AUDIO_FAILED' : s;
  };
  const murekaStatus = (task: SimTask): string => {
    if (task.sensitive) return 'failed';
    const s = MUREKA_SEQUENCE[stage(task)]!;
    return task.fail && s === 'succeeded' ? 'failed' : s;
  };

  const sendCallback = async (task: SimTask, type: 'text' | 'first' | 'complete' | 'error') => {
    if (!task.callBackUrl) return;
    const count = type === 'complete' ? 2 : type === 'first' ? 1 : 0;
    const body = {
      code: type === 'error' ? 501 : 200,
      msg: type === 'error' ? 'Audio generation failed' : type === 'complete' ? 'All generated successfully.' : 'Text generation completed.',
      data: {
        callbackType: type,
        task_id: task.id,
        data: sunoTracks(task, count).map((t) => ({ id: t.id, audio_url: t.audioUrl, stream_audio_url: t.streamAudioUrl, image_url: t.imageUrl, prompt: t.prompt, model_name: t.modelName, title: t.title, tags: t.tags, createTime: t.createTime, duration: t.duration })),
      },
    };
    try {
      const payload = sim.faults.malformedCallbacks ? MALFORMED_CALLBACK : body;
      const res = await fetch(task.callBackUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
      await res.arrayBuffer();
      sim.callbacksSent.push({ taskId: task.id, type, status: res.status });
    } catch {
      sim.callbacksSent.push({ taskId: task.id, type, status: 0 });
    }
  };
  const scheduleCallbacks = (task: SimTask) => {
    const mode = sim.faults.callbacks ?? 'normal';
    if (mode === 'never' || mode === 'early' || !task.callBackUrl) return;
    const final: 'complete' | 'error' = task.sensitive || task.fail ? 'error' : 'complete';
    // Section replacement reports only its end (complete | error); generation and extend report each stage.
    let plan: Array<['text' | 'first' | 'complete' | 'error', number]> = task.sensitive
      ? [['error', 1]]
      : task.type === 'REPLACE_SECTION'
        ? [[final, 3]]
        : [['text', 1], ['first', 2], [final, 3]];
    if (mode === 'out-of-order') plan = plan.map(([type, step]) => [type, type === final ? step : step + 2]);
    for (const [type, step] of plan) {
      const copies = mode === 'duplicate' ? 2 : 1;
      for (let c = 0; c < copies; c++) later(step * stepMs + 20 + c * 10, () => void sendCallback(task, type));
    }
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const readJson = async (req: IncomingMessage): Promise<Record<string, unknown> | undefined> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      const v = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
    } catch {
      return undefined;
    }
  };
  const submitFault = (res: ServerResponse, provider: 'suno' | 'mureka' | 'replicate' | 'fal'): boolean => {
    const f = sim.faults.submitStatus;
    if (!f || f.times <= 0 || (f.provider && f.provider !== provider)) return false;
    f.times--;
    json(res, f.status, { error: { message: 'simulated failure' } }, f.status === 429 ? { 'retry-after': '1' } : {});
    return true;
  };

  const queryFault = (res: ServerResponse): boolean => {
    const f = sim.faults.queryStatus;
    if (!f || f.times <= 0) return false;
    f.times--;
    json(res, f.status, { error: { message: 'simulated failure' } }, f.status === 429 ? { 'retry-after': '1' } : {});
    return true;
  };

  const readBody = async (req: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  const kinds = createKinds({
    url: () => sim.url,
    stepMs,
    faults: () => sim.faults,
    sensitiveWord: SENSITIVE_WORD,
    json,
    readBody,
    submitFault,
    queryFault,
    later,
    hasSunoTrack: (taskId, audioId) => {
      const task = sim.tasks.get(taskId);
      return task !== undefined && task.provider === 'suno' && /^\d+$/.test(audioId.slice(taskId.length + 1)) && audioId.startsWith(`${taskId}-`) && Number(audioId.slice(taskId.length + 1)) < files.length;
    },
    createSunoSongTask: ({ callBackUrl, sensitive, title, model, type }) => {
      const task: SimTask = { id: randomUUID().replaceAll('-', ''), type, provider: 'suno', kind: 'song', createdAt: Date.now(), callBackUrl, sensitive, fail: sim.faults.failTasks === true, title, model, queries: 0 };
      sim.tasks.set(task.id, task);
      scheduleCallbacks(task);
      return task.id;
    },
    recordCallback: (taskId, type, status) => void sim.callbacksSent.push({ taskId, type, status }),
    countCall: (name) => void (sim.kindCalls[name] = (sim.kindCalls[name] ?? 0) + 1),
  });
  sim.kindTasks = kinds.kindTasks;
  sim.uploads = kinds.uploads;
  sim.falJwks = kinds.falJwks;
  sim.replayLastFalWebhook = kinds.replayLastFalWebhook;

  /** What Suno does with an uploadUrl: downloads it and reads it as audio. A string is why it could not. */
  const fetchUpload = async (uploadUrl: string): Promise<{ bytes: number; durationSeconds: number } | string> => {
    try {
      const res = await fetch(uploadUrl, { signal: AbortSignal.timeout(10_000) });
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (!res.ok) return `HTTP ${res.status}`;
      return { bytes: bytes.length, durationSeconds: isWav(bytes) ? probeWav(bytes).durationSeconds : scanMp3Frames(bytes).durationSeconds };
    } catch (error) {
      return error instanceof RangeError ? `not audio (${error.message})` : (error as Error).message;
    }
  };

  const handleSuno = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) return json(res, 200, { code: 401, msg: 'You do not have access permissions', data: null });
    // upload-cover takes generate's fields plus uploadUrl, and is a generation task from there on.
    const cover = url.pathname === '/api/v1/generate/upload-cover';
    if (req.method === 'POST' && (url.pathname === '/api/v1/generate' || cover)) {
      sim.generateCalls.suno++;
      if (submitFault(res, 'suno')) return;
      const body = await readJson(req);
      const bad = (msg: string) => json(res, 200, { code: 400, msg, data: null });
      if (!body) return bad('body must be JSON');
      let upload: SimTask['upload'];
      if (cover) {
        if (typeof body.uploadUrl !== 'string' || !/^https?:\/\//.test(body.uploadUrl)) return bad('uploadUrl is required');
        const fetched = await fetchUpload(body.uploadUrl);
        if (typeof fetched === 'string') return bad(`File fetch failed: ${fetched}`);
        if (fetched.durationSeconds > 8 * 60) return bad('the uploaded audio must not exceed 8 minutes');
        upload = { url: body.uploadUrl, ...fetched };
      }
      if (typeof body.customMode !== 'boolean' || typeof body.instrumental !== 'boolean') return bad('customMode and instrumental are required');
      if (typeof body.model !== 'string' || !SUNO_MODELS.has(body.model)) return bad('model is invalid');
      if (typeof body.callBackUrl !== 'string' || !body.callBackUrl) return bad('callBackUrl is required');
      const prompt = typeof body.prompt === 'string' ? body.prompt : '';
      if (body.customMode) {
        if (typeof body.style !== 'string' || typeof body.title !== 'string') return bad('style and title are required in custom mode');
        if (!body.instrumental && !prompt) return bad('prompt is required in custom mode without instrumental');
      } else {
        if (!prompt) return bad('prompt is required');
        if (prompt.length > 500) return json(res, 200, { code: 413, msg: 'Theme or prompt too long', data: null });
      }
      const task: SimTask = { id: randomUUID().replaceAll('-', ''), provider: 'suno', kind: 'song', createdAt: Date.now(), callBackUrl: body.callBackUrl, sensitive: prompt.includes(SENSITIVE_WORD) || String(body.style ?? '').includes(SENSITIVE_WORD), fail: sim.faults.failTasks === true, title: String(body.title ?? 'Simulated Song'), model: body.model, queries: 0, ...(upload ? { upload } : {}) };
      sim.tasks.set(task.id, task);
      if (sim.faults.callbacks === 'early') {
        // A provider faster than its own HTTP answer: the result exists, and is announced, before the caller knows the task id.
        task.createdAt -= 3 * stepMs;
        await sendCallback(task, task.sensitive || task.fail ? 'error' : 'complete');
        // …and its answer is slow on the way back: the callback is being handled while the caller still waits.
        await new Promise((r) => later(1_000, () => r(undefined)));
      }
      scheduleCallbacks(task);
      return json(res, 200, { code: 200, msg: 'success', data: { taskId: task.id } });
    }
    if (req.method === 'GET' && url.pathname === '/api/v1/generate/record-info') {
      if (queryFault(res)) return;
      const task = sim.tasks.get(url.searchParams.get('taskId') ?? '');
      if (!task) return json(res, 200, { code: 400, msg: 'task not found', data: null });
      task.queries++;
      if (sim.faults.malformedStatus) return json(res, 200, { code: 200, msg: 'success', data: { taskId: task.id, status: 'WEIRD' } });
      const status = sunoStatus(task);
      const count = status === 'SUCCESS' ? 2 : status === 'FIRST_SUCCESS' ? 1 : 0;
      return json(res, 200, {
        code: 200,
        msg: 'success',
        data: {
          taskId: task.id,
          parentMusicId: '',
          param: JSON.stringify({ model: task.model }),
          response: { taskId: task.id, sunoData: sunoTracks(task, count) },
          status,
          type: task.type ?? 'GENERATE',
          errorCode: status.endsWith('ERROR') || status.endsWith('FAILED') ? 400 : null,
          errorMessage: status === 'SENSITIVE_WORD_ERROR' ? 'Contains sensitive words' : status.endsWith('FAILED') ? 'Audio generation failed' : null,
        },
      });
    }
    if (await kinds.suno(req, res, url)) return;
    json(res, 200, { code: 404, msg: 'Wrong method or path', data: null });
  };

  const handleMureka = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) return json(res, 401, { error: { message: 'Invalid API key' } });
    if (req.method === 'POST' && url.pathname === '/v1/lyrics/generate') {
      const body = await readJson(req);
      if (!body || typeof body.prompt !== 'string' || !body.prompt) return json(res, 400, { error: { message: 'prompt is required' } });
      if (body.prompt.includes(SENSITIVE_WORD)) return json(res, 400, { error: { message: 'The content violates the content policy' } });
      return json(res, 200, { title: 'Simulated Lyrics', lyrics: `[Verse]\n${body.prompt}\n[Chorus]\nla la la` });
    }
    const gen = /^\/v1\/(song|instrumental)\/generate$/.exec(url.pathname);
    if (req.method === 'POST' && gen) {
      sim.generateCalls.mureka++;
      if (submitFault(res, 'mureka')) return;
      const body = await readJson(req);
      if (!body || typeof body.model !== 'string') return json(res, 400, { error: { message: 'model is required' } });
      if (gen[1] === 'song' && (typeof body.lyrics !== 'string' || !body.lyrics)) return json(res, 400, { error: { message: 'lyrics is required' } });
      // A song takes at most one of prompt, reference_id, vocal_id and melody_id; an instrumental exactly one of prompt and instrumental_id.
      const steering = (gen[1] === 'song' ? ['prompt', 'reference_id', 'vocal_id', 'melody_id'] : ['prompt', 'instrumental_id']).filter((k) => body[k] !== undefined);
      if (steering.length > 1) return json(res, 400, { error: { message: `${steering.join(', ')} cannot be used together` } });
      if (gen[1] === 'instrumental' && steering.length === 0) return json(res, 400, { error: { message: 'prompt or instrumental_id is required' } });
      if (body.prompt !== undefined && (typeof body.prompt !== 'string' || !body.prompt)) return json(res, 400, { error: { message: 'prompt is invalid' } });
      const idField = gen[1] === 'song' ? 'reference_id' : 'instrumental_id';
      const referenceId = body[idField];
      if (referenceId !== undefined && (typeof referenceId !== 'string' || sim.uploads.get(referenceId)?.purpose !== (gen[1] === 'song' ? 'reference' : 'instrumental'))) {
        return json(res, 400, { error: { message: `${idField} is invalid` } });
      }
      const text = `${body.lyrics ?? ''} ${body.prompt ?? ''}`;
      if (text.includes(SENSITIVE_WORD)) return json(res, 400, { error: { message: 'The content violates the content policy' } });
      const task: SimTask = { id: String(Date.now()) + Math.floor(Math.random() * 1e6), provider: 'mureka', kind: gen[1] as 'song', createdAt: Date.now(), sensitive: text.includes(SENSITIVE_WORD), fail: sim.faults.failTasks === true, title: 'Simulated Song', model: body.model === 'auto' ? 'mureka-7.5' : body.model, queries: 0, ...(typeof referenceId === 'string' ? { referenceId } : {}) };
      sim.tasks.set(task.id, task);
      return json(res, 200, { id: task.id, created_at: Math.floor(task.createdAt / 1000), model: task.model, status: 'preparing' });
    }
    const query = /^\/v1\/(song|instrumental)\/query\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && query) {
      if (queryFault(res)) return;
      const task = sim.tasks.get(decodeURIComponent(query[2]!));
      if (!task || task.kind !== query[1]) return json(res, 404, { error: { message: 'task not found' } });
      task.queries++;
      if (sim.faults.malformedStatus) return json(res, 200, { id: task.id, status: 42 });
      const status = murekaStatus(task);
      return json(res, 200, {
        id: task.id,
        created_at: Math.floor(task.createdAt / 1000),
        finished_at: status === 'succeeded' || status === 'failed' ? Math.floor(Date.now() / 1000) : undefined,
        model: task.model,
        status,
        failed_reason: status === 'failed' ? (task.sensitive ? 'The content violates the content policy' : 'generation failed') : undefined,
        choices: status === 'succeeded' ? files.map((f, i) => ({ index: i, id: `${task.id}-${i}`, url: fileUrl(task, i, 'mp3'), flac_url: `${sim.url}/files/${task.id}/${i}.flac`, duration: Math.round(f.durationSeconds * 1000) })) : undefined,
      });
    }
    if (await kinds.mureka(req, res, url)) return;
    json(res, 404, { error: { message: 'not found' } });
  };

  // ---- Replicate (predictions API + Standard Webhooks signed deliveries) ----
  const predictionStage = (p: SimPrediction) => Math.min(3, Math.floor((Date.now() - p.createdAt) / stepMs));
  const replicateView = (p: SimPrediction) => {
    const refusal = kinds.replicateRefusal(p.input);
    const status = (sim.faults.failTasks || refusal) && predictionStage(p) === 3 ? 'failed' : REPLICATE_SEQUENCE[predictionStage(p)]!;
    return {
      id: p.id,
      model: p.model,
      version: 'sim-version',
      input: p.input,
      logs: '',
      output: status === 'succeeded' ? kinds.replicateOutput(p.id, p.input) : null,
      error: status === 'failed' ? (refusal ?? 'simulated failure') : null,
      status,
      created_at: new Date(p.createdAt).toISOString(),
      urls: { get: `${sim.url}/v1/predictions/${p.id}`, cancel: `${sim.url}/v1/predictions/${p.id}/cancel` },
    };
  };
  const sendReplicateWebhook = async (p: SimPrediction) => {
    if (!p.webhook) return;
    const body = JSON.stringify(sim.faults.malformedCallbacks ? MALFORMED_CALLBACK : replicateView(p));
    const id = `msg_${randomUUID()}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signStandardWebhook(sim.replicateWebhookSecret, id, timestamp, body) };
    lastWebhook = { url: p.webhook, headers, body };
    try {
      const res = await fetch(p.webhook, { method: 'POST', headers, body });
      await res.arrayBuffer();
      sim.callbacksSent.push({ taskId: p.id, type: `replicate:${JSON.parse(body).status}`, status: res.status });
    } catch {
      sim.callbacksSent.push({ taskId: p.id, type: 'replicate', status: 0 });
    }
  };
  const handleReplicate = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) return json(res, 401, { title: 'Unauthenticated', detail: 'You did not pass a valid authentication token', status: 401 });
    const byModel = /^\/v1\/models\/([^/]+)\/([^/]+)\/predictions$/.exec(url.pathname);
    if (req.method === 'POST' && (byModel || url.pathname === '/v1/predictions')) {
      sim.generateCalls.replicate++;
      if (submitFault(res, 'replicate')) return;
      const body = await readJson(req);
      if (!body || typeof body.input !== 'object' || body.input === null) return json(res, 422, { detail: 'input is required', status: 422 });
      if (!byModel && typeof body.version !== 'string') return json(res, 422, { detail: 'version is required', status: 422 });
      const p: SimPrediction = { id: randomUUID().replaceAll('-', '').slice(0, 26), provider: 'replicate', createdAt: Date.now(), webhook: typeof body.webhook === 'string' ? body.webhook : undefined, events: Array.isArray(body.webhook_events_filter) ? body.webhook_events_filter.map(String) : ['start', 'output', 'logs', 'completed'], input: body.input as Record<string, unknown>, model: byModel ? `${byModel[1]}/${byModel[2]}` : 'sim/model' };
      sim.predictions.set(p.id, p);
      if (sim.faults.callbacks === 'early') {
        // As Suno's early mode: the prediction has succeeded, and says so signed, before its creation is answered.
        p.createdAt -= 3 * stepMs;
        if (p.events.includes('completed')) await sendReplicateWebhook(p);
        await new Promise((r) => later(1_000, () => r(undefined)));
        return json(res, 201, replicateView(p));
      }
      if (sim.faults.callbacks !== 'never') {
        if (p.events.includes('start')) later(20, () => void sendReplicateWebhook(p));
        if (p.events.includes('completed')) {
          const copies = sim.faults.callbacks === 'duplicate' ? 2 : 1;
          for (let c = 0; c < copies; c++) later(3 * stepMs + 20 + c * 10, () => void sendReplicateWebhook(p));
        }
      }
      return json(res, 201, replicateView(p));
    }
    const get = /^\/v1\/predictions\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && get) {
      if (queryFault(res)) return;
      const p = sim.predictions.get(get[1]!);
      if (p && sim.faults.malformedStatus) return json(res, 200, { id: p.id, status: 'WEIRD' });
      return p ? json(res, 200, replicateView(p)) : json(res, 404, { detail: 'Not found.', status: 404 });
    }
    json(res, 404, { detail: 'Not found.', status: 404 });
  };

  // ---- fal queue API ----
  const handleFal = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.headers.authorization !== `Key ${apiKey}`) return json(res, 401, { detail: 'Unauthorized' });
    const parts = url.pathname.split('/').filter(Boolean);
    const at = parts.indexOf('requests');
    if (req.method === 'GET' && at === 2) {
      if (queryFault(res)) return;
      const p = sim.predictions.get(parts[3] ?? '');
      if (!p || p.model.split('/').slice(0, 2).join('/') !== parts.slice(0, 2).join('/')) return json(res, 404, { detail: 'Request not found' });
      const status = FAL_SEQUENCE[predictionStage(p)]!;
      if (parts[4] === 'status') return json(res, 200, { status, queue_position: status === 'IN_QUEUE' ? 0 : undefined, response_url: `${sim.url}/${parts[0]}/${parts[1]}/requests/${p.id}` });
      if (status !== 'COMPLETED') return json(res, 400, { detail: 'Request is still in progress' });
      if (sim.faults.malformedStatus) return json(res, 200, { words: 7 });
      return json(res, 200, FAL_DESCRIPTION);
    }
    if (req.method === 'POST' && parts.length >= 2) {
      sim.generateCalls.fal++;
      if (submitFault(res, 'fal')) return;
      const body = await readJson(req);
      if (!body) return json(res, 422, { detail: [{ msg: 'body must be a JSON object' }] });
      const p: SimPrediction = { id: randomUUID(), provider: 'fal', createdAt: Date.now(), webhook: url.searchParams.get('fal_webhook') ?? undefined, events: [], input: body, model: parts.join('/') };
      sim.predictions.set(p.id, p);
      if (sim.faults.callbacks === 'early') {
        // As Suno's early mode: the request is done, and its signed webhook answered, before the enqueue is.
        p.createdAt -= 3 * stepMs;
        if (p.webhook) await kinds.sendFalWebhook(p.id, p.webhook, () => FAL_DESCRIPTION);
        await new Promise((r) => later(1_000, () => r(undefined)));
      }
      if (p.webhook) kinds.scheduleFalWebhook(p.id, p.webhook, () => FAL_DESCRIPTION);
      const app = parts.slice(0, 2).join('/');
      return json(res, 200, { request_id: p.id, response_url: `${sim.url}/${app}/requests/${p.id}`, status_url: `${sim.url}/${app}/requests/${p.id}/status`, cancel_url: `${sim.url}/${app}/requests/${p.id}/cancel` });
    }
    json(res, 404, { detail: 'Not found' });
  };

  const handleFiles = (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    const m = /^\/(files|redirect|huge|html|slow)\/([^/]+)\/(\d)\.(mp3|jpeg)$/.exec(url.pathname);
    if (!m) return false;
    const [, mode, , index, ext] = m;
    const file = files[Number(index)]!;
    const body = ext === 'mp3' ? file.mp3 : file.cover;
    const type = ext === 'mp3' ? 'audio/mpeg' : 'image/jpeg';
    if (mode === 'redirect') {
      res.writeHead(302, { location: `http://10.0.0.7/${ext}` });
      res.end();
    } else if (mode === 'huge') {
      // Claims nothing, then streams far more than any song: the size limit must cut it off.
      res.writeHead(200, { 'content-type': type });
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
      res.writeHead(200, { 'content-type': type, 'content-length': String(body.length) });
      res.write(body.subarray(0, 10));
      later(60_000, () => res.end(body.subarray(10)));
    } else {
      res.writeHead(200, { 'content-type': type, 'content-length': String(body.length) });
      res.end(body);
    }
    return true;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (handleFiles(req, res, url) || kinds.files(res, url) || kinds.jwks(res, url)) return;
    const route = () =>
      url.pathname.startsWith('/api/v1/')
        ? handleSuno(req, res, url)
        : url.pathname.startsWith('/v1/predictions') || url.pathname.startsWith('/v1/models/')
          ? handleReplicate(req, res, url)
          : url.pathname.startsWith('/fal-ai/')
            ? handleFal(req, res, url)
            : handleMureka(req, res, url);
    const go = () => void route().catch((e: Error) => json(res, 500, { error: { message: e.message } }));
    const provider = url.pathname.startsWith('/api/v1/')
      ? 'suno'
      : url.pathname.startsWith('/v1/predictions') || url.pathname.startsWith('/v1/models/')
        ? 'replicate'
        : url.pathname.startsWith('/fal-ai/')
          ? 'fal'
          : 'mureka';
    const slow = sim.faults.slowMs && (!sim.faults.slowProvider || sim.faults.slowProvider === provider);
    if (slow) later(sim.faults.slowMs!, go);
    else go();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  sim.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sim.close = async () => {
    for (const t of timers) clearTimeout(t);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return sim;
}

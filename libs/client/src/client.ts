import createClient, { type Client } from 'openapi-fetch';
import { MuseAbortError, MuseApiError, MuseError, MuseJobError, problemOf, retryAfterMs } from './errors.js';
import { readSse } from './sse.js';
import { isTerminal, SUBMIT_PATHS, type Job, type JobBodies, type JobKind, type JobStatus, type Page, type paths, type SubmittableKind, type Track, type TrackVersion } from './types.js';

export interface MuseOptions {
  /** The platform's base URL (default `http://localhost:3000`). */
  baseUrl?: string;
  /** An access token (JWT from /v1/auth/token) or an API key (`sk_…`); both are bearer tokens. */
  token?: string;
  /** Same as `token`, for readability when it is an API key. */
  apiKey?: string;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof globalThis.fetch;
  /** How often an idempotent call is retried on 429 / 503 / a network error (default 3). */
  maxRetries?: number;
  /** The longest wait for one retry; a longer Retry-After is not waited for (default 60 s). */
  maxRetryDelayMs?: number;
  /** Polling when the event stream is unavailable: first interval and cap (default 500 ms → 5 s). */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** A stream silent for this long (the server sends a heartbeat every 15 s) counts as dropped (default 45 s). */
  streamIdleTimeoutMs?: number;
  /** Wait before reconnecting a dropped stream (default 1 s). */
  reconnectDelayMs?: number;
}

export interface RunOptions {
  /** Called with the job whenever its status or progress changes. */
  onProgress?: (job: Job) => void;
  /** Aborting cancels the job on the server (POST /v1/jobs/{id}/cancel) and rejects with MuseAbortError. */
  signal?: AbortSignal;
  /** Defaults to a random UUID; pass your own to make a retried run() return the same job. */
  idempotencyKey?: string;
}

export interface FollowOptions {
  signal?: AbortSignal;
}

export interface StreamEvent {
  id?: string;
  job: Job;
}

/** How a follow reached its end: over the event stream, or by polling after the stream was unavailable. */
export type FollowMode = 'stream' | 'polling';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
const randomKey = () => globalThis.crypto.randomUUID();

/** The Muse Studio Platform API: typed calls, jobs followed to their end, retries where they are safe. */
export class Muse {
  /** The typed openapi-fetch client over every path of the gateway's OpenAPI, with this client's auth and retries. */
  readonly api: Client<paths>;
  readonly baseUrl: string;
  readonly jobs = {
    get: (id: string, init?: { signal?: AbortSignal }) => this.call<Job>(this.api.GET('/v1/jobs/{id}', { params: { path: { id } }, signal: init?.signal })),
    list: (query: { kind?: JobKind; status?: JobStatus; limit?: number; cursor?: string } = {}) => this.call<Page<Job>>(this.api.GET('/v1/jobs', { params: { query } })),
    cancel: (id: string) => this.call<Job>(this.api.POST('/v1/jobs/{id}/cancel', { params: { path: { id } } })),
    retry: (id: string) => this.call<Job>(this.api.POST('/v1/jobs/{id}/retry', { params: { path: { id } } })),
  };
  readonly tracks = {
    /** GET /v1/tracks: own tracks, or everyone's public ones with `public: true`. */
    list: (query: { limit?: number; cursor?: string; public?: boolean } = {}) => this.request<Page<Track>>('GET', '/v1/tracks', { query }),
    get: (id: string) => this.call<Track>(this.api.GET('/v1/tracks/{id}', { params: { path: { id } } })),
    versions: (id: string) => this.call<Page<TrackVersion>>(this.api.GET('/v1/tracks/{id}/versions', { params: { path: { id } } })),
  };
  readonly library = {
    /** The library's presigned upload: reserve, PUT the bytes to storage, confirm. Returns the library item. */
    upload: async (file: Blob | Uint8Array, meta: { file_name: string; content_type: string }, init?: { signal?: AbortSignal }) => {
      const bytes = file instanceof Uint8Array ? file : new Uint8Array(await file.arrayBuffer());
      const start = await this.request<{ id: string; url: string; method: string; headers: Record<string, string>; complete_url: string }>('POST', '/v1/library/uploads', {
        body: { file_name: meta.file_name, content_type: meta.content_type, size_bytes: bytes.byteLength },
        signal: init?.signal,
      });
      const put = await this.fetchImpl(start.url, { method: start.method, headers: start.headers, body: bytes as BodyInit, signal: init?.signal });
      if (!put.ok) throw new MuseApiError(put.status, await problemOf(put), put.headers);
      const item = await this.request<{ id: string; file_url: string; [k: string]: unknown }>('POST', `/v1/library/uploads/${encodeURIComponent(start.id)}/complete`, { signal: init?.signal });
      // The object's own URL (the presigned URL without its signature): what audio_file_url fields accept.
      const objectUrl = start.url.split('?')[0]!;
      return { ...item, object_url: objectUrl };
    },
  };

  private readonly token?: string;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly opts: Required<Pick<MuseOptions, 'maxRetries' | 'maxRetryDelayMs' | 'pollIntervalMs' | 'maxPollIntervalMs' | 'streamIdleTimeoutMs' | 'reconnectDelayMs'>>;

  constructor(options: MuseOptions = {}) {
    this.baseUrl = (options.baseUrl ?? 'http://localhost:3000').replace(/\/+$/, '');
    this.token = options.token ?? options.apiKey;
    const f = options.fetch ?? globalThis.fetch;
    this.fetchImpl = (input, init) => f(input, init); // unbound global fetch throws in some browsers
    this.opts = {
      maxRetries: options.maxRetries ?? 3,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 60_000,
      pollIntervalMs: options.pollIntervalMs ?? 500,
      maxPollIntervalMs: options.maxPollIntervalMs ?? 5_000,
      streamIdleTimeoutMs: options.streamIdleTimeoutMs ?? 45_000,
      reconnectDelayMs: options.reconnectDelayMs ?? 1_000,
    };
    this.api = createClient<paths>({ baseUrl: this.baseUrl, fetch: (req: Request) => this.send(req) });
  }

  /** Every request goes through here: bearer auth, and retries of idempotent calls on 429/503/network errors honouring Retry-After. */
  private async send(req: Request): Promise<Response> {
    const request = req.clone();
    if (this.token && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${this.token}`);
    const retryable = IDEMPOTENT.has(request.method) || request.headers.has('idempotency-key');
    for (let attempt = 0; ; attempt++) {
      const tryReq = request.clone();
      let res: Response;
      try {
        res = await this.fetchImpl(tryReq);
      } catch (error) {
        if (!retryable || attempt >= this.opts.maxRetries || request.signal.aborted) throw error;
        await sleep(Math.min(this.opts.maxRetryDelayMs, 250 * 2 ** attempt), request.signal);
        continue;
      }
      if (!retryable || attempt >= this.opts.maxRetries || (res.status !== 429 && res.status !== 503)) return res;
      const wait = retryAfterMs(res.headers.get('retry-after')) ?? 500 * 2 ** attempt;
      if (wait > this.opts.maxRetryDelayMs) return res;
      await res.body?.cancel().catch(() => undefined);
      await sleep(wait, request.signal);
    }
  }

  /** Unwraps an openapi-fetch answer: the data, or a MuseApiError with the problem. */
  private async call<T>(pending: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
    const { data, error, response } = await pending;
    if (!response.ok || error !== undefined) throw new MuseApiError(response.status, problemFrom(error, response), response.headers);
    return data as T;
  }

  /** A call to any path (also ones newer than this client's generated types), with the same auth, retries and errors. */
  async request<T>(method: string, path: string, init: { body?: unknown; query?: Record<string, string | number | boolean | undefined>; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers = new Headers(init.headers);
    if (init.body !== undefined) headers.set('content-type', 'application/json');
    const res = await this.send(new Request(url, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), signal: init.signal }));
    if (!res.ok) throw new MuseApiError(res.status, await problemOf(res), res.headers);
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Starts a job of `kind` (202 + the pending job). An Idempotency-Key is always sent, so the POST is safely retried. */
  submit<K extends SubmittableKind>(kind: K, body: JobBodies[K], init: { idempotencyKey?: string; signal?: AbortSignal } = {}): Promise<Job> {
    const target = SUBMIT_PATHS[kind];
    if (!target) return Promise.reject(new MuseError(`unknown job kind: ${String(kind)}`));
    let path = target.path;
    let payload = body as Record<string, unknown>;
    if (target.param) {
      const { [target.param]: id, ...rest } = payload;
      if (typeof id !== 'string' || id === '') return Promise.reject(new MuseError(`${kind} needs ${target.param}`));
      path = path.replace('{id}', encodeURIComponent(id));
      payload = rest;
    }
    return this.request<Job>('POST', path, { body: payload, headers: { 'idempotency-key': init.idempotencyKey ?? randomKey() }, signal: init.signal });
  }

  /**
   * Submits a job and follows it to its end: resolves with the completed job, rejects with
   * MuseApiError (refused), MuseJobError (failed or cancelled) or MuseAbortError (signal; the job is
   * cancelled on the server first).
   */
  async run<K extends SubmittableKind>(kind: K, body: JobBodies[K], options: RunOptions = {}): Promise<Job> {
    const { signal } = options;
    const idempotencyKey = options.idempotencyKey ?? randomKey();
    if (signal?.aborted) throw new MuseAbortError(undefined, signal.reason);
    let job: Job;
    try {
      job = await this.submit(kind, body, { idempotencyKey, signal });
    } catch (error) {
      if (!signal?.aborted) throw error;
      // Aborted while the POST was in flight: the job may exist. The same key answers with it (or
      // creates it) so that it can be cancelled — an aborted run never leaves a job running.
      const existing = await this.submit(kind, body, { idempotencyKey }).catch(() => undefined);
      throw new MuseAbortError(existing ? await this.cancelQuietly(existing) : undefined, signal.reason);
    }
    options.onProgress?.(job);
    let final: Job;
    try {
      final = await this.follow(job.id, (j) => options.onProgress?.(j), { signal }, job);
    } catch (error) {
      if (signal?.aborted) throw new MuseAbortError(await this.cancelQuietly(job), signal.reason);
      throw error;
    }
    if (final.status !== 'completed') throw new MuseJobError(final);
    return final;
  }

  private async cancelQuietly(job: Job): Promise<Job> {
    try {
      return await this.jobs.cancel(job.id);
    } catch {
      return job;
    }
  }

  /** Follows one job until it is terminal, calling `onEvent` on every change; resolves with the terminal job (whatever its status). */
  subscribe(jobId: string, onEvent: (job: Job) => void, options: FollowOptions = {}): Promise<Job> {
    return this.follow(jobId, onEvent, options);
  }

  /** The last way follow() reached a job's end (for diagnostics and tests). */
  lastFollowMode?: FollowMode;

  private async follow(jobId: string, onJob: (job: Job) => void, options: FollowOptions, reported?: Job): Promise<Job> {
    const { signal } = options;
    const keyOf = (job: Job) => `${job.status}|${job.progress}|${job.updated_at}|${job.attempts}`;
    // `reported`: the state the caller has already been told about (run() reports the submitted job).
    let lastKey = reported ? keyOf(reported) : '';
    let latest: Job | undefined = reported;
    const seen = (job: Job) => {
      const key = keyOf(job);
      // Never step back: an older snapshot (a GET racing an event) is dropped.
      if (latest && job.updated_at < latest.updated_at) return;
      latest = job;
      if (key !== lastKey) {
        lastKey = key;
        onJob(job);
      }
    };
    const check = async () => {
      seen(await this.jobs.get(jobId, { signal }));
      return latest && isTerminal(latest) ? latest : undefined;
    };

    let lastEventId: string | undefined;
    let failures = 0;
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const outcome = await this.streamOnce(jobId, lastEventId, signal, check, (e) => {
        if (e.id) lastEventId = e.id;
        if (e.job.id === jobId) seen(e.job);
        return latest && isTerminal(latest) ? latest : undefined;
      });
      if (outcome.kind === 'done') {
        this.lastFollowMode = 'stream';
        return outcome.job;
      }
      if (outcome.kind === 'unavailable' || (outcome.kind === 'error' && ++failures >= 3)) break;
      if (outcome.kind === 'dropped') failures = 0;
      if (outcome.kind === 'bad-resume') lastEventId = undefined;
      await sleep(this.opts.reconnectDelayMs, signal);
    }

    // No event stream: poll with backoff.
    this.lastFollowMode = 'polling';
    let interval = this.opts.pollIntervalMs;
    for (;;) {
      const done = await check();
      if (done) return done;
      await sleep(interval, signal);
      interval = Math.min(this.opts.maxPollIntervalMs, Math.round(interval * 1.5));
    }
  }

  /** One connection to /v1/stream. */
  private async streamOnce(
    jobId: string,
    lastEventId: string | undefined,
    signal: AbortSignal | undefined,
    check: () => Promise<Job | undefined>,
    onEvent: (e: StreamEvent) => Job | undefined,
  ): Promise<{ kind: 'done'; job: Job } | { kind: 'dropped' | 'unavailable' | 'error' | 'bad-resume' }> {
    const local = new AbortController();
    const onAbort = () => local.abort(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let idle: ReturnType<typeof setTimeout> | undefined;
    const alive = () => {
      clearTimeout(idle);
      idle = setTimeout(() => local.abort(new MuseError('event stream idle')), this.opts.streamIdleTimeoutMs);
    };
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (this.token) headers.authorization = `Bearer ${this.token}`;
      if (lastEventId) headers['last-event-id'] = lastEventId;
      let res: Response;
      try {
        res = await this.fetchImpl(`${this.baseUrl}/v1/stream`, { headers, signal: local.signal, cache: 'no-store' });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        return { kind: 'error' };
      }
      if (res.status === 401 || res.status === 403) throw new MuseApiError(res.status, await problemOf(res), res.headers);
      if (res.status === 400 && lastEventId) return { kind: 'bad-resume' };
      if (!res.ok || !res.body || !(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
        await res.body?.cancel().catch(() => undefined);
        return { kind: res.status === 429 || res.status === 503 ? 'error' : 'unavailable' };
      }
      // The server subscribes before it answers: anything that changed before now is in the job itself.
      alive();
      const now = await check();
      if (now) return { kind: 'done', job: now };
      try {
        for await (const message of readSse(res.body, alive)) {
          if (message.event !== 'job') continue;
          let job: Job;
          try {
            job = JSON.parse(message.data) as Job;
          } catch {
            continue;
          }
          const done = onEvent({ id: message.id, job });
          if (done) return { kind: 'done', job: done };
        }
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
      }
      return { kind: 'dropped' };
    } finally {
      clearTimeout(idle);
      signal?.removeEventListener('abort', onAbort);
      local.abort();
    }
  }

  /** Every job event of the caller as it happens (for dashboards; `muse jobs --watch`). Reconnects with Last-Event-ID until the signal aborts. */
  async *events(options: { signal?: AbortSignal; lastEventId?: string } = {}): AsyncGenerator<StreamEvent> {
    const { signal } = options;
    let lastEventId = options.lastEventId;
    while (!signal?.aborted) {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (this.token) headers.authorization = `Bearer ${this.token}`;
      if (lastEventId) headers['last-event-id'] = lastEventId;
      try {
        const res = await this.fetchImpl(`${this.baseUrl}/v1/stream`, { headers, signal, cache: 'no-store' });
        if (!res.ok || !res.body) throw new MuseApiError(res.status, await problemOf(res), res.headers);
        for await (const message of readSse(res.body)) {
          if (message.event !== 'job') continue;
          if (message.id) lastEventId = message.id;
          yield { id: message.id, job: JSON.parse(message.data) as Job };
        }
      } catch (error) {
        if (signal?.aborted) return;
        if (error instanceof MuseApiError && error.status < 500 && error.status !== 429) throw error;
      }
      await sleep(this.opts.reconnectDelayMs, signal).catch(() => undefined);
    }
  }

  /** Downloads a file the API linked to (audio_url, wav_url, stems…): public or presigned URLs, so no credentials are sent. */
  async download(url: string, init: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    const res = await this.fetchImpl(url, { signal: init.signal });
    if (!res.ok) throw new MuseApiError(res.status, await problemOf(res), res.headers);
    return new Uint8Array(await res.arrayBuffer());
  }

  /** Both variants of a finished song with their audio bytes, variant 0 (the primary) first. */
  async downloadTrack(trackId: string, init: { signal?: AbortSignal } = {}): Promise<Array<{ version: TrackVersion; audio: Uint8Array }>> {
    const versions = (await this.tracks.versions(trackId)).data.filter((v) => v.audio_url).sort((a, b) => a.variant_index - b.variant_index);
    return Promise.all(versions.map(async (version) => ({ version, audio: await this.download(version.audio_url!, init) })));
  }

  /** Signs in with email and password: the access token (use it as `token`). */
  async signIn(email: string, password: string): Promise<{ access_token: string; expires_in: number; user: { id: string; email: string } }> {
    return this.call(this.api.POST('/v1/auth/token', { body: { email, password } }));
  }
}

function problemFrom(error: unknown, response: Response) {
  if (error && typeof error === 'object' && typeof (error as { title?: unknown }).title === 'string') {
    const p = error as { title: string; detail?: string; type?: string; status?: number };
    return { ...p, type: p.type ?? 'about:blank', detail: p.detail ?? p.title, status: p.status ?? response.status };
  }
  const title = response.statusText || `HTTP ${response.status}`;
  return { type: 'about:blank', title, status: response.status, detail: typeof error === 'string' && error ? error.slice(0, 500) : title };
}

/** `createMuse({ baseUrl, token })` — the same as `new Muse(…)`. */
export const createMuse = (options: MuseOptions = {}) => new Muse(options);

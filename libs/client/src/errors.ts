import type { Job, Problem } from './types.js';

/** Every error this client throws. */
export class MuseError extends Error {
  override name = 'MuseError';
}

/** The API answered with an error: `problem` is its application/problem+json body (RFC 9457). */
export class MuseApiError extends MuseError {
  override name = 'MuseApiError';
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly headers: Headers,
  ) {
    super(`${problem.title}${problem.detail && problem.detail !== problem.title ? `: ${problem.detail}` : ''} (${status})`);
  }
  /** Seconds the server asked to wait (Retry-After), if it said. */
  get retryAfterSeconds(): number | undefined {
    const ms = retryAfterMs(this.headers.get('retry-after'));
    return ms === undefined ? undefined : Math.ceil(ms / 1000);
  }
}

/** The job ended `failed` or `cancelled`; `job` is its final state (`job.error` says why). */
export class MuseJobError extends MuseError {
  override name = 'MuseJobError';
  constructor(readonly job: Job) {
    super(job.status === 'failed' ? `job ${job.id} failed: ${job.error?.message ?? 'no reason given'}` : `job ${job.id} was ${job.status}`);
  }
}

/** The caller's AbortSignal fired; `job` is the job as the server left it after the cancel, if one was created. */
export class MuseAbortError extends MuseError {
  override name = 'AbortError';
  constructor(readonly job?: Job, readonly reason?: unknown) {
    super(job ? `aborted; job ${job.id} is ${job.status}` : 'aborted');
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** A problem+json body from any error response (a non-JSON body becomes a problem with its status text). */
export async function problemOf(res: Response): Promise<Problem> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (body && typeof body === 'object' && typeof body.title === 'string') {
      return { type: body.type ?? 'about:blank', detail: body.detail ?? body.title, status: body.status ?? res.status, ...body } as Problem;
    }
  } catch {
    // not JSON
  }
  const title = res.statusText || `HTTP ${res.status}`;
  return { type: 'about:blank', title, status: res.status, detail: text.slice(0, 500) || title };
}

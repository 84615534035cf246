import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { ProviderError } from './errors.js';
import { createProviderHttp, httpStatusError, type ProviderHttpOptions } from './http.js';

/*
 * Replicate predictions API (https://replicate.com/docs/reference/http):
 *   POST /v1/predictions                          { version, input, webhook?, webhook_events_filter? } → 201 prediction
 *   POST /v1/models/{owner}/{name}/predictions    { input, webhook?, webhook_events_filter? }          → 201 prediction
 *   GET  /v1/predictions/{id}                                                                           → prediction
 * A prediction is { id, status, input, output, error, logs, metrics, urls } with status
 * starting → processing → succeeded | failed | canceled. Webhooks POST the prediction itself, signed
 * with Standard Webhooks headers (standard-webhooks.ts); events: start, output, logs, completed.
 * Errors: 401 auth, 402 billing, 404 model/version, 422 invalid input, 429 rate limited (Retry-After), 5xx.
 */
export const REPLICATE_STATUSES = ['starting', 'processing', 'succeeded', 'failed', 'canceled', 'aborted'] as const;
export type ReplicateStatus = (typeof REPLICATE_STATUSES)[number];
export const REPLICATE_WEBHOOK_EVENTS = ['start', 'output', 'logs', 'completed'] as const;

export const ReplicatePrediction = z.object({
  id: z.string().min(1).max(200),
  status: z.enum(REPLICATE_STATUSES),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  logs: z.string().nullish(),
});
export type ReplicatePrediction = z.infer<typeof ReplicatePrediction>;

export interface ReplicateCreate {
  /** `owner/name` (official model) or a version id. */
  model?: string;
  version?: string;
  input: Record<string, unknown>;
  webhook?: string;
  webhookEventsFilter?: Array<(typeof REPLICATE_WEBHOOK_EVENTS)[number]>;
}

export class ReplicateClient {
  readonly name = 'replicate';
  private readonly http: AxiosInstance;

  constructor(options: Omit<ProviderHttpOptions, 'provider'>) {
    this.http = createProviderHttp({ ...options, provider: this.name });
  }

  async create(request: ReplicateCreate): Promise<ReplicatePrediction> {
    if (!request.model === !request.version) throw new ProviderError(this.name, 'permanent', 'give exactly one of model or version');
    const body = {
      ...(request.version ? { version: request.version } : {}),
      input: request.input,
      ...(request.webhook ? { webhook: request.webhook, webhook_events_filter: request.webhookEventsFilter ?? ['completed'] } : {}),
    };
    const path = request.model ? `/v1/models/${request.model.split('/').map(encodeURIComponent).join('/')}/predictions` : '/v1/predictions';
    return this.prediction(await this.call('post', path, body));
  }

  async get(id: string): Promise<ReplicatePrediction> {
    return this.prediction(await this.call('get', `/v1/predictions/${encodeURIComponent(id)}`));
  }

  private prediction(data: unknown): ReplicatePrediction {
    const parsed = ReplicatePrediction.safeParse(data);
    if (!parsed.success) throw new ProviderError(this.name, 'transient', `prediction answer malformed: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  private async call(method: 'get' | 'post', path: string, body?: unknown): Promise<unknown> {
    const response = await this.http.request({ method, url: path, data: body });
    if (response.status >= 200 && response.status < 300) return response.data;
    const detail = (response.data as { detail?: unknown } | undefined)?.detail;
    // 402: our billing, not the request — another provider may serve it.
    if (response.status === 402) throw new ProviderError(this.name, 'transient', 'HTTP 402: billing required', { status: 402 });
    throw httpStatusError(this.name, response.status, response.headers, typeof detail === 'string' ? detail : 'request refused');
  }
}

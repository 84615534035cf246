import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { ProviderError } from './errors.js';
import { createProviderHttp, httpStatusError, type ProviderHttpOptions } from './http.js';

/*
 * fal queue API (https://docs.fal.ai/documentation/model-apis/inference/queue):
 *   POST {queue}/{model_id}[?fal_webhook=url]         input → { request_id, status_url, response_url, cancel_url }
 *   GET  {queue}/{app_id}/requests/{request_id}/status      → { status: IN_QUEUE | IN_PROGRESS | COMPLETED, queue_position?, logs? }
 *   GET  {queue}/{app_id}/requests/{request_id}              → the model's output
 * Authorization: `Key <FAL_KEY>`. `app_id` is the first two segments of the model id
 * (`fal-ai/flux/dev` → `fal-ai/flux`). We build status and result URLs ourselves from the request
 * id rather than following URLs from the answer, so our key is only ever sent to the configured host.
 * Webhook deliveries: { request_id, gateway_request_id, status: OK | ERROR, payload, error }.
 */
export const FAL_STATUSES = ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED'] as const;

const Submitted = z.object({ request_id: z.string().min(1).max(200) });
const Status = z.object({ status: z.enum(FAL_STATUSES), queue_position: z.number().nullish(), error: z.unknown().optional() });
export type FalStatus = z.infer<typeof Status>;

export const FalWebhook = z.object({
  request_id: z.string().min(1).max(200),
  gateway_request_id: z.string().nullish(),
  status: z.enum(['OK', 'ERROR']),
  payload: z.unknown().optional(),
  error: z.string().nullish(),
});
export type FalWebhook = z.infer<typeof FalWebhook>;

export function falAppId(modelId: string): string {
  const parts = modelId.split('/').filter(Boolean);
  if (parts.length < 2) throw new ProviderError('fal', 'permanent', `model id '${modelId}' must look like owner/app[/path]`);
  return `${parts[0]}/${parts[1]}`;
}

export class FalClient {
  readonly name = 'fal';
  private readonly http: AxiosInstance;

  constructor(options: Omit<ProviderHttpOptions, 'provider' | 'authScheme'>) {
    this.http = createProviderHttp({ ...options, provider: this.name, authScheme: 'Key' });
  }

  async submit(modelId: string, input: Record<string, unknown>, webhookUrl?: string): Promise<string> {
    const parsed = Submitted.safeParse(await this.call('post', `/${modelId}`, input, webhookUrl ? { fal_webhook: webhookUrl } : undefined));
    if (!parsed.success) throw new ProviderError(this.name, 'transient', 'submit answered without a request_id');
    return parsed.data.request_id;
  }

  async status(modelId: string, requestId: string): Promise<FalStatus> {
    const parsed = Status.safeParse(await this.call('get', `/${falAppId(modelId)}/requests/${encodeURIComponent(requestId)}/status`));
    if (!parsed.success) throw new ProviderError(this.name, 'transient', 'status answer malformed');
    return parsed.data;
  }

  result(modelId: string, requestId: string): Promise<unknown> {
    return this.call('get', `/${falAppId(modelId)}/requests/${encodeURIComponent(requestId)}`);
  }

  private async call(method: 'get' | 'post', path: string, body?: unknown, params?: Record<string, string>): Promise<unknown> {
    const response = await this.http.request({ method, url: path, data: body, params });
    if (response.status >= 200 && response.status < 300) return response.data;
    const detail = (response.data as { detail?: unknown } | undefined)?.detail;
    throw httpStatusError(this.name, response.status, response.headers, typeof detail === 'string' ? detail : 'request refused');
  }
}

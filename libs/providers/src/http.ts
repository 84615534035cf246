import axios, { AxiosError, type AxiosInstance } from 'axios';
import { ProviderError, retryAfterMs } from './errors.js';

export interface ProviderHttpOptions {
  provider: string;
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  /** `Bearer` for most providers; fal uses `Key`. */
  authScheme?: 'Bearer' | 'Key';
  /** Called with every request's duration, for provider_request_duration_seconds. */
  observe?: (provider: string, seconds: number) => void;
}

/** One axios instance per provider: base URL, bearer credentials, a timeout, duration metrics. */
export function createProviderHttp(options: ProviderHttpOptions): AxiosInstance {
  const http = axios.create({
    baseURL: options.baseUrl,
    timeout: options.timeoutMs,
    headers: { authorization: `${options.authScheme ?? 'Bearer'} ${options.apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
    // Status codes are classified by the adapter, not thrown by axios.
    validateStatus: () => true,
    maxRedirects: 0,
    // Provider answers are small JSON; a huge one is a fault, not data.
    maxContentLength: 2 * 1024 * 1024,
  });
  http.interceptors.request.use((config) => {
    (config as { startedAt?: number }).startedAt = performance.now();
    return config;
  });
  const observe = (config: unknown) => {
    const startedAt = (config as { startedAt?: number } | undefined)?.startedAt;
    if (startedAt !== undefined) options.observe?.(options.provider, (performance.now() - startedAt) / 1000);
  };
  http.interceptors.response.use(
    (response) => {
      observe(response.config);
      return response;
    },
    (error: unknown) => {
      if (error instanceof AxiosError) observe(error.config);
      return Promise.reject(transportError(options.provider, error));
    },
  );
  return http;
}

/** Network-level failures (timeouts, resets, refused connections) are the provider's ill health. */
export function transportError(provider: string, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const code = error instanceof AxiosError ? error.code : undefined;
  const what = code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'timed out' : `request failed (${code ?? (error as Error).message})`;
  return new ProviderError(provider, 'transient', what, { code });
}

/** HTTP-level failures: 429 and 5xx are transient (with Retry-After when given), other 4xx permanent. */
export function httpStatusError(provider: string, status: number, headers: Record<string, unknown>, message: string): ProviderError {
  const retry = retryAfterMs(headers['retry-after']);
  if (status === 429 || status === 408 || status >= 500) return new ProviderError(provider, 'transient', `HTTP ${status}: ${message}`, { status, retryAfterMs: retry });
  // 401/403: our credentials are wrong — not the user's fault, and another provider may serve them.
  if (status === 401 || status === 403) return new ProviderError(provider, 'transient', `HTTP ${status}: credentials refused`, { status });
  return new ProviderError(provider, 'permanent', `HTTP ${status}: ${message}`, { status });
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The unguessable per-job token carried in a provider's callback URL: HMAC-SHA256 of provider and
 * job id under a secret shared by gateway and workers. Nothing to store, nothing to look up before
 * the caller is proven; knowing a job id alone is worthless, and a token for one job or provider
 * does not open another.
 */
export function callbackToken(secret: string, provider: string, jobId: string): string {
  return createHmac('sha256', secret).update(`callback:${provider}:${jobId}`).digest('base64url');
}

export function verifyCallbackToken(secret: string, provider: string, jobId: string, token: string): boolean {
  const expected = Buffer.from(callbackToken(secret, provider, jobId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function callbackUrl(baseUrl: string, secret: string, provider: string, jobId: string): string {
  const url = new URL(`/v1/webhooks/${provider}`, baseUrl);
  url.searchParams.set('job', jobId);
  url.searchParams.set('token', callbackToken(secret, provider, jobId));
  return url.toString();
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Standard Webhooks signature verification (https://www.standardwebhooks.com, spec v1), as used by
 * Replicate (https://replicate.com/docs/topics/webhooks/verify-webhook): headers webhook-id,
 * webhook-timestamp (Unix seconds) and webhook-signature (space-separated `v1,<base64>` entries);
 * signed content `${id}.${timestamp}.${rawBody}`; key = base64-decoded secret after `whsec_`;
 * HMAC-SHA256; deliveries older or newer than the tolerance are refused (replays).
 */
export type WebhookVerification = { ok: true; id: string; timestamp: number } | { ok: false; reason: string };

export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export function verifyStandardWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: Buffer | string,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): WebhookVerification {
  const header = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const id = header('webhook-id');
  const timestampText = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (!id || !timestampText || !signatures) return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature' };
  if (!/^\d{1,12}$/.test(timestampText)) return { ok: false, reason: 'malformed webhook-timestamp' };
  const timestamp = Number(timestampText);
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS)) return { ok: false, reason: 'webhook-timestamp outside the tolerance (replay?)' };
  const expected = signStandardWebhook(secret, id, timestamp, rawBody);
  const expectedBytes = Buffer.from(expected.slice(3), 'base64');
  for (const entry of signatures.split(' ')) {
    const [version, signature] = entry.split(',', 2);
    if (version !== 'v1' || !signature) continue;
    const given = Buffer.from(signature, 'base64');
    if (given.length === expectedBytes.length && timingSafeEqual(given, expectedBytes)) return { ok: true, id, timestamp };
  }
  return { ok: false, reason: 'no matching signature' };
}

/** The `v1,<base64>` signature for a delivery (used by simulators and tests to sign like the provider). */
export function signStandardWebhook(secret: string, id: string, timestamp: number, rawBody: Buffer | string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest('base64');
  return `v1,${mac}`;
}

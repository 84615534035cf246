import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/*
 * fal webhook signatures (https://docs.fal.ai/model-apis/model-endpoints/webhooks, "Verifying Your Webhook"):
 * headers X-Fal-Webhook-Request-Id, X-Fal-Webhook-User-Id, X-Fal-Webhook-Timestamp (Unix seconds) and
 * X-Fal-Webhook-Signature (hex); signed message = request id, user id, timestamp and the SHA-256 hex of
 * the raw body, joined by "\n"; ED25519, verified against any key of fal's JWKS (keys[].x, base64url);
 * the timestamp must be within ±5 minutes. The per-job token in our webhook URL authenticates the
 * delivery too: this check is the second, provider-side proof.
 */
export const FAL_JWKS_URL = 'https://rest.alpha.fal.ai/.well-known/jwks.json';
export const FAL_WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export const FalJwks = z.object({ keys: z.array(z.object({ kty: z.string().optional(), crv: z.string().optional(), x: z.string().min(1) }).loose()) });
export type FalJwks = z.infer<typeof FalJwks>;

export type FalWebhookVerification = { ok: true; requestId: string; userId: string; timestamp: number } | { ok: false; reason: string };

function falMessage(requestId: string, userId: string, timestamp: string, rawBody: Buffer | string): Buffer {
  const bodyHash = createHash('sha256').update(rawBody).digest('hex');
  return Buffer.from([requestId, userId, timestamp, bodyHash].join('\n'), 'utf8');
}

function jwkKey(x: string): KeyObject | undefined {
  try {
    // fal's JWKS has been seen to pad x with "="; base64url decoding must not mind.
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: x.replace(/=+$/, '') }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

export function verifyFalWebhook(
  jwks: FalJwks,
  headers: Record<string, string | string[] | undefined>,
  rawBody: Buffer | string,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): FalWebhookVerification {
  const header = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const requestId = header('x-fal-webhook-request-id');
  const userId = header('x-fal-webhook-user-id');
  const timestampText = header('x-fal-webhook-timestamp');
  const signature = header('x-fal-webhook-signature');
  if (!requestId || !userId || !timestampText || !signature) return { ok: false, reason: 'missing x-fal-webhook-* headers' };
  if (!/^\d{1,12}$/.test(timestampText)) return { ok: false, reason: 'malformed x-fal-webhook-timestamp' };
  if (!/^[0-9a-f]{128}$/i.test(signature)) return { ok: false, reason: 'malformed x-fal-webhook-signature' };
  const timestamp = Number(timestampText);
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? FAL_WEBHOOK_TOLERANCE_SECONDS)) return { ok: false, reason: 'x-fal-webhook-timestamp outside the tolerance (replay?)' };
  const message = falMessage(requestId, userId, timestampText, rawBody);
  const sig = Buffer.from(signature, 'hex');
  for (const k of jwks.keys) {
    const key = jwkKey(k.x);
    if (key && verify(null, message, key, sig)) return { ok: true, requestId, userId, timestamp };
  }
  return { ok: false, reason: 'no matching signature' };
}

/** Signs like fal (for the simulator and tests): the x-fal-webhook-* headers for a delivery. */
export function signFalWebhook(privateKey: KeyObject, requestId: string, userId: string, timestamp: number, rawBody: Buffer | string): Record<string, string> {
  const signature = sign(null, falMessage(requestId, userId, String(timestamp), rawBody), privateKey).toString('hex');
  return { 'x-fal-webhook-request-id': requestId, 'x-fal-webhook-user-id': userId, 'x-fal-webhook-timestamp': String(timestamp), 'x-fal-webhook-signature': signature };
}

/** Fetches fal's JWKS (the gateway caches it; fal asks for at most 24 h). */
export async function fetchFalJwks(url = FAL_JWKS_URL, timeoutMs = 5000): Promise<FalJwks> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`fal JWKS: HTTP ${res.status}`);
  return FalJwks.parse(await res.json());
}

import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'sk_';
/** Sandbox keys (mode 'test') say so in the key, as payment APIs do: sk_test_… */
export const TEST_API_KEY_PREFIX = 'sk_test_';
/** sk_ (or sk_test_) and 43 base64url characters (32 random bytes). */
const SHAPE = /^sk_(test_)?[A-Za-z0-9_-]{43}$/;

export function newApiKey(mode: 'live' | 'test' = 'live'): { key: string; hash: string; prefix: string } {
  const head = mode === 'test' ? TEST_API_KEY_PREFIX : API_KEY_PREFIX;
  const key = `${head}${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, head.length + 8) };
}

/** The key carries 256 random bits, so a fast hash is enough (nothing to brute-force); lookups are by hash. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export const looksLikeApiKey = (token: string): boolean => SHAPE.test(token);

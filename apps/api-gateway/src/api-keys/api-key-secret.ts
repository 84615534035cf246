import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'sk_';
/** sk_ and 43 base64url characters (32 random bytes). */
const SHAPE = /^sk_[A-Za-z0-9_-]{43}$/;

export function newApiKey(): { key: string; hash: string; prefix: string } {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 11) };
}

/** The key carries 256 random bits, so a fast hash is enough (nothing to brute-force); lookups are by hash. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export const looksLikeApiKey = (token: string): boolean => SHAPE.test(token);

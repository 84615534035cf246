import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

export const ADMIN_COOKIE = 'muse_admin_queues';
export const ADMIN_COOKIE_PATH = '/admin/queues';
/** The dashboard session is short: a revoked or leaked cookie is worthless within minutes. */
export const ADMIN_SESSION_SECONDS = 15 * 60;
const AUDIENCE = 'muse:admin-queues';

/**
 * The dashboard's own session token. The browser cannot attach the API's bearer token to the board's
 * page, asset and XHR requests, so an admin trades it once for this token in an HttpOnly,
 * SameSite=Strict cookie scoped to /admin/queues. It is signed with a key derived from JWT_SECRET for
 * this purpose only, so it can never be replayed as an API access token (and vice versa).
 */
export class AdminSessions {
  private readonly key: KeyObject;

  constructor(jwtSecret: string) {
    this.key = createSecretKey(createHmac('sha256', jwtSecret).update('muse admin-queues session v1').digest());
  }

  issue(userId: string): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ADMIN_SESSION_SECONDS}s`)
      .sign(this.key);
  }

  /** The user id, or undefined when the token is forged, expired or meant for something else. */
  async verify(token: string): Promise<string | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], audience: AUDIENCE });
      return typeof payload.sub === 'string' ? payload.sub : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Reads one cookie from a Cookie header (no cookie parser in the gateway). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

export function sessionCookie(token: string, secure: boolean): string {
  return [`${ADMIN_COOKIE}=${token}`, `Path=${ADMIN_COOKIE_PATH}`, `Max-Age=${ADMIN_SESSION_SECONDS}`, 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
}

export function clearedCookie(secure: boolean): string {
  return [`${ADMIN_COOKIE}=`, `Path=${ADMIN_COOKIE_PATH}`, 'Max-Age=0', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
}

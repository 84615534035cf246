import { createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { z } from 'zod';
import type { GatewayConfig } from '../config.js';
import { unauthorized } from '../common/problem.js';
import { CONFIG } from '../core/tokens.js';

export interface AuthenticatedUser {
  id: string;
  claims: JWTPayload;
}

const Claims = z.object({ sub: z.uuid(), role: z.literal('authenticated') });

const CACHE_SIZE = 10_000;

/** Supabase-compatible access tokens: HS256 with JWT_SECRET, or RS256/ES256 from JWKS_URL. */
@Injectable()
export class TokenService {
  // One KeyObject for the process: importing the secret on every request costs more than the HMAC itself.
  private readonly secret: KeyObject;
  private readonly jwks?: ReturnType<typeof createRemoteJWKSet>;
  /**
   * Verified tokens until they expire: a client sends the same token with every request, and the
   * signature check (WebCrypto) was the gateway's largest single CPU cost per request. Bounded; the
   * oldest entry goes first.
   */
  private readonly verified = new Map<string, { user: AuthenticatedUser; expiresAt: number }>();

  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {
    this.secret = createSecretKey(Buffer.from(config.JWT_SECRET, 'utf8'));
    if (config.JWKS_URL) this.jwks = createRemoteJWKSet(new URL(config.JWKS_URL));
  }

  async issue(user: { id: string; email: string }): Promise<{ access_token: string; token_type: 'bearer'; expires_in: number }> {
    const expiresIn = this.config.JWT_EXPIRES_IN;
    const token = await new SignJWT({ role: 'authenticated', email: user.email, aud: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime(`${expiresIn}s`)
      .sign(this.secret);
    return { access_token: token, token_type: 'bearer', expires_in: expiresIn };
  }

  async verify(token: string): Promise<AuthenticatedUser> {
    const cached = this.verified.get(token);
    if (cached && cached.expiresAt > Date.now()) return cached.user;
    if (cached) this.verified.delete(token);
    const user = await this.verifySignature(token);
    if (typeof user.claims.exp === 'number') {
      if (this.verified.size >= CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { user, expiresAt: user.claims.exp * 1000 });
    }
    return user;
  }

  private async verifySignature(token: string): Promise<AuthenticatedUser> {
    let payload: JWTPayload;
    try {
      const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { alg?: string };
      if (header.alg === 'HS256') {
        payload = (await jwtVerify(token, this.secret, { algorithms: ['HS256'] })).payload;
      } else if (this.jwks) {
        payload = (await jwtVerify(token, this.jwks, { algorithms: ['RS256', 'ES256'] })).payload;
      } else {
        throw new Error('unsupported algorithm');
      }
    } catch {
      throw unauthorized('the access token is invalid or expired');
    }
    const claims = Claims.safeParse(payload);
    if (!claims.success) throw unauthorized('the access token does not identify an authenticated user');
    return { id: claims.data.sub, claims: payload };
  }
}

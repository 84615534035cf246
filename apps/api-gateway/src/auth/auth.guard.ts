import { createParamDecorator, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ApiKeysRepository, type Database, type Identity } from '@muse/db';
import { hashApiKey, looksLikeApiKey } from '../api-keys/api-key-secret.js';
import { unauthorized } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import { TokenService, type AuthenticatedUser } from './token.service.js';

type AuthedRequest = Request & { user?: AuthenticatedUser };

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    @Inject(DATABASE) private readonly db: Database,
    private readonly apiKeys: ApiKeysRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match?.[1]) throw unauthorized('missing bearer token');
    req.user = match[1].startsWith('sk_') ? await this.apiKeyUser(match[1]) : await this.tokens.verify(match[1]);
    return true;
  }

  /** An API key stands for its owner exactly as their access token would (same claims, same RLS). */
  private async apiKeyUser(key: string): Promise<AuthenticatedUser> {
    const found = looksLikeApiKey(key) ? await this.apiKeys.findActiveByHash(this.db, hashApiKey(key)) : undefined;
    if (!found) throw unauthorized('the API key is invalid or revoked');
    void this.apiKeys.touch(this.db, found.id).catch(() => undefined); // bookkeeping only; never fails the request
    return { id: found.user_id, claims: { sub: found.user_id, role: 'authenticated', aud: 'authenticated', api_key_id: found.id } };
  }
}

/** The caller as Postgres will see them: their id and their JWT claims. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Identity => {
  const user = ctx.switchToHttp().getRequest<AuthedRequest>().user;
  if (!user) throw unauthorized('not authenticated');
  return { userId: user.id, claims: user.claims as Record<string, unknown> };
});

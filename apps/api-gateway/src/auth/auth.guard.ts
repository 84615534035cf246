import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Identity } from '@muse/db';
import { unauthorized } from '../common/problem.js';
import { TokenService, type AuthenticatedUser } from './token.service.js';

type AuthedRequest = Request & { user?: AuthenticatedUser };

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly tokens: TokenService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match?.[1]) throw unauthorized('missing bearer token');
    if (match[1].startsWith('sk_')) throw unauthorized('API keys are not accepted yet; use an access token');
    req.user = await this.tokens.verify(match[1]);
    return true;
  }
}

/** The caller as Postgres will see them: their id and their JWT claims. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Identity => {
  const user = ctx.switchToHttp().getRequest<AuthedRequest>().user;
  if (!user) throw unauthorized('not authenticated');
  return { userId: user.id, claims: user.claims as Record<string, unknown> };
});

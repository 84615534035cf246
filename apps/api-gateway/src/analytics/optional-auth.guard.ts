import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { unauthorized } from '../common/problem.js';
import { TokenService, type AuthenticatedUser } from '../auth/token.service.js';

/**
 * Signed-in callers are identified by their access token; anonymous visitors may send events too
 * (recorded without a user). A token that is present but wrong is refused, never downgraded to
 * anonymous. API keys would need a database lookup, which this path avoids; servers send events as
 * a user through an access token or through AnalyticsEmitter.
 */
@Injectable()
export class OptionalAuthGuard implements CanActivate {
  constructor(private readonly tokens: TokenService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>();
    const header = req.headers.authorization;
    if (header === undefined) return true;
    const match = header.match(/^Bearer\s+(\S+)$/i);
    if (!match?.[1]) throw unauthorized('malformed authorization header');
    if (match[1].startsWith('sk_')) throw unauthorized('analytics events take an access token, not an API key');
    req.user = await this.tokens.verify(match[1]);
    return true;
  }
}

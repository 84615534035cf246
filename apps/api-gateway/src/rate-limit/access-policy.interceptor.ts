import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, switchMap, type Observable } from 'rxjs';
import { UsersRepository, type Database } from '@muse/db';
import { Problem } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { LimitProblem } from '../credits/limit-problem.js';
import { SettingsService } from '../credits/settings.service.js';
import { RateLimiterService } from './rate-limiter.service.js';

/** Endpoint classes of the rate limits; anything else under /v1 is `api-general`. */
const CLASSES: Array<{ method: string; path: RegExp; cls: string; perIp?: boolean }> = [
  { method: 'POST', path: /^\/v1\/generations\/?$/, cls: 'generate-music' },
  { method: 'POST', path: /^\/v1\/lyrics\/?$/, cls: 'generate-lyrics' },
  { method: 'POST', path: /^\/v1\/auth\/(signup|token)\/?$/, cls: 'auth', perIp: true },
];

/** Paths that stay open in maintenance, so an admin can still sign in and switch it off. */
const MAINTENANCE_OPEN = /^\/v1\/auth\/token\/?$/;
/**
 * Provider callbacks are neither users nor limited by users' plans: they are authenticated per job,
 * and refusing one (503/429) could lose a result a provider does not resend.
 */
const EXEMPT = /^\/v1\/webhooks\//;

export function classify(method: string, path: string): { cls: string; perIp: boolean } {
  const hit = CLASSES.find((c) => c.method === method && c.path.test(path));
  return hit ? { cls: hit.cls, perIp: hit.perIp ?? false } : { cls: 'api-general', perIp: false };
}

/**
 * Runs after the guards (so the caller is known) and before the handler, on every /v1 route:
 * maintenance mode first (503 for everyone but admins), then the caller's token bucket for the
 * endpoint class — per user when signed in, per IP otherwise.
 */
@Injectable()
export class AccessPolicyInterceptor implements NestInterceptor {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly users: UsersRepository,
    private readonly settings: SettingsService,
    private readonly limiter: RateLimiterService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>();
    const res = context.switchToHttp().getResponse<Response>();
    if (!req.path.startsWith('/v1/') || EXEMPT.test(req.path)) return next.handle();
    return from(this.check(req, res)).pipe(switchMap(() => next.handle()));
  }

  private async check(req: Request & { user?: AuthenticatedUser }, res: Response): Promise<void> {
    const maintenance = await this.settings.maintenance();
    if (maintenance?.enabled && !MAINTENANCE_OPEN.test(req.path)) {
      const isAdmin = req.user ? (await this.users.roles(this.db, req.user.id)).includes('admin') : false;
      if (!isAdmin) {
        throw new Problem(503, 'maintenance', maintenance.message ?? 'the platform is under maintenance; please try again later', undefined, { 'Retry-After': '60' });
      }
    }

    const { cls, perIp } = classify(req.method, req.path);
    const subject = !perIp && req.user ? `user:${req.user.id}` : `ip:${req.ip ?? 'unknown'}`;
    const decision = await this.limiter.take(cls, subject);
    if (!decision) return;
    const headers: Record<string, string> = {
      'RateLimit-Limit': String(decision.limit),
      'RateLimit-Remaining': String(decision.remaining),
      'RateLimit-Reset': String(decision.allowed ? decision.reset : decision.retryAfter),
      'RateLimit-Policy': `${decision.rule.requests};w=${decision.rule.per_seconds}`,
    };
    if (decision.allowed) {
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      return;
    }
    const resetsAt = new Date(Date.now() + decision.retryAfter * 1000).toISOString();
    throw new LimitProblem(
      429,
      'rate-limited',
      `rate limit '${cls}' is ${decision.rule.requests} requests per ${decision.rule.per_seconds} s ${perIp || !req.user ? 'per IP address' : 'per user'}; the next request is admitted in ${decision.retryAfter} s`,
      { name: `rate_limit:${cls}`, limit: decision.limit, remaining: 0, resets_at: resetsAt, retry_after_seconds: decision.retryAfter },
      { ...headers, 'Retry-After': String(decision.retryAfter) },
    );
  }
}

import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { QueueName } from '@muse/contracts';
import type { Logger } from '@muse/platform';
import { Problem } from '../common/problem.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { classifyAction, isReadOnly } from './admin-actions.js';
import { ADMIN_COOKIE, AdminSessions, clearedCookie, readCookie, sessionCookie } from './admin-session.js';
import { LOGIN_PAGE } from './login-page.js';

export const DASHBOARD_PATH = '/admin/queues';

export interface QueueDashboardDeps {
  queues: Map<QueueName, Queue>;
  jwtSecret: string;
  /** Cookies get the Secure flag (always in production; otherwise when the request came over TLS). */
  secureCookies: boolean;
  logger: Logger;
  /** The API's access-token check (same as AuthGuard). */
  verifyAccessToken: (token: string) => Promise<AuthenticatedUser>;
  /** Whether the user holds the admin role now (read on every request, so a revocation bites at once). */
  isAdmin: (userId: string) => Promise<boolean>;
}

type DashboardRequest = Request & { adminId?: string };

const QUEUE_DESCRIPTIONS: Record<QueueName, string> = {
  generation: 'generation-worker: music generation',
  stems: 'stems-worker: stem separation',
  archiving: 'archiver: moves old tracks to the archive bucket',
  analytics: 'analytics-ingest: play and event ingestion',
  webhooks: 'webhook-sender: signed deliveries to callback_url',
};

function sendProblem(req: Request, res: Response, problem: Problem): void {
  for (const [k, v] of Object.entries(problem.headers)) res.setHeader(k, v);
  res.status(problem.getStatus()).type('application/problem+json').send(JSON.stringify(problem.toBody(req.originalUrl)));
}

const bearer = (req: Request): string | undefined => req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];

/**
 * Bull Board for every queue, mounted inside the gateway (no separate port) behind the API's own
 * authentication and the admin role. State-changing board calls are checked against a short allow-list
 * and written to the log as audit records (who, what, which queue and job, outcome).
 */
export function queueDashboard(deps: QueueDashboardDeps): express.Router {
  const sessions = new AdminSessions(deps.jwtSecret);
  const secure = (req: Request) => deps.secureCookies || req.secure;
  const router = express.Router();

  const board = new ExpressAdapter();
  board.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: [...deps.queues.entries()].map(([name, queue]) => new BullMQAdapter(queue, { description: QUEUE_DESCRIPTIONS[name] })),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Muse queues', hideRedisDetails: false } },
  });

  router.get('/login', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(LOGIN_PAGE);
  });

  // Who is calling: the API bearer token (then the session cookie is set) or the session cookie.
  const authenticate = async (req: DashboardRequest, res: Response, next: NextFunction) => {
    try {
      const token = bearer(req);
      let userId: string | undefined;
      if (token) {
        userId = (await deps.verifyAccessToken(token)).id;
      } else {
        const cookie = readCookie(req.headers.cookie, ADMIN_COOKIE);
        userId = cookie ? await sessions.verify(cookie) : undefined;
        if (!userId) {
          if (cookie) res.setHeader('Set-Cookie', clearedCookie(secure(req)));
          const problem = new Problem(401, 'unauthorized', `sign in at ${DASHBOARD_PATH}/login or send a bearer token`, undefined, { 'WWW-Authenticate': 'Bearer' });
          return sendProblem(req, res, problem);
        }
      }
      if (!(await deps.isAdmin(userId))) {
        deps.logger.warn({ audit: 'queue-dashboard', actor: userId, method: req.method, path: req.path }, 'queue dashboard refused: not an admin');
        return sendProblem(req, res, new Problem(403, 'forbidden', 'the queue dashboard needs the admin role'));
      }
      req.adminId = userId;
      if (token) res.setHeader('Set-Cookie', sessionCookie(await sessions.issue(userId), secure(req)));
      next();
    } catch (error) {
      if (error instanceof Problem) return sendProblem(req, res, error);
      next(error);
    }
  };

  router.post('/session', authenticate, (_req, res) => {
    res.status(204).end();
  });
  router.delete('/session', (req, res) => {
    res.setHeader('Set-Cookie', clearedCookie(secure(req)));
    res.status(204).end();
  });

  router.use(authenticate, (req: DashboardRequest, res, next) => {
    if (isReadOnly(req.method)) return next();
    const action = classifyAction(req.method, req.path);
    const record = { audit: 'queue-dashboard', actor: req.adminId, action: action.action, queue: action.queue, job_id: action.jobId, job_state: action.status };
    if (!action.allowed) {
      deps.logger.warn({ ...record, outcome: 'refused' }, 'queue dashboard action refused');
      return sendProblem(req, res, new Problem(403, 'action-not-allowed', 'jobs are created and edited through the API; the dashboard may retry, promote, remove, pause and resume'));
    }
    res.on('finish', () => {
      const ok = res.statusCode < 400;
      deps.logger[ok ? 'info' : 'warn']({ ...record, outcome: ok ? 'done' : 'failed', status_code: res.statusCode }, `queue dashboard ${action.action}`);
    });
    next();
  });
  router.use(board.getRouter());
  return router;
}

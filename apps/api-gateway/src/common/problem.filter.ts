import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Duplex } from 'node:stream';
import type { Logger } from '@muse/platform';
import { featureProblem } from '../credits/feature-problem.js';
import { Problem, titleFor } from './problem.js';

/** Every error leaves as application/problem+json; unexpected ones are logged, never echoed. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const problem = this.toProblem(exception);
    for (const [k, v] of Object.entries(problem.headers)) res.setHeader(k, v);
    res.status(problem.getStatus()).type('application/problem+json').send(JSON.stringify(problem.toBody(req.originalUrl)));
  }

  private toProblem(exception: unknown): Problem {
    if (exception instanceof Problem) return exception;
    // Database refusals that are the caller's to fix (plan features, raised inside the submission or retry transaction).
    const feature = featureProblem(exception);
    if (feature) return feature;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const detail = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? exception.message);
      return new Problem(status, status === 404 ? 'not-found' : titleFor(status).toLowerCase().replace(/ /g, '-'), String(detail));
    }
    if (databaseUnavailable(exception)) {
      this.logger.warn({ err: exception }, 'database unavailable for this request');
      return new Problem(503, 'unavailable', 'the database is busy or unreachable; try again shortly', undefined, { 'Retry-After': '2' });
    }
    this.logger.error({ err: exception }, 'unhandled error');
    return new Problem(500, 'internal', 'an unexpected error occurred; it has been logged');
  }
}

/**
 * Errors that say the database could not serve this request right now, not that it is wrong: a statement
 * cancelled by statement_timeout (57014), lock_timeout (55P03), the server shutting down or its backend
 * terminated (57P01–57P03), too many connections (53300), a broken connection (class 08, or pg's own
 * errors for a connection that ended, a refused or reset socket). The client may retry them (with its Idempotency-Key).
 */
export function databaseUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (['57014', '55P03', '57P01', '57P02', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET'].includes(code) || code.startsWith('08')) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return !code && /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect)/.test(message);
}

/** body-parser errors happen before Nest routing; turn them into problems too. */
export function bodyParserErrorHandler(err: { type?: string; status?: number }, req: Request, res: Response, next: (e?: unknown) => void) {
  if (!err || typeof err.status !== 'number') return next(err);
  const problem =
    err.type === 'entity.too.large'
      ? new Problem(413, 'body-too-large', 'the request body is larger than allowed')
      : err.type === 'entity.parse.failed'
        ? new Problem(400, 'malformed-json', 'the request body is not valid JSON')
        : err.type === 'encoding.unsupported' || err.type === 'charset.unsupported'
          ? new Problem(415, 'unsupported-encoding', 'unsupported content encoding or charset')
          : new Problem(err.status, 'bad-request', 'the request body could not be read');
  res.status(problem.getStatus()).type('application/problem+json').send(JSON.stringify(problem.toBody(req.originalUrl)));
}

/**
 * Requests Node's HTTP parser refuses before Express sees them (headers over the size limit, a malformed
 * request line or header) get a problem+json answer too, instead of Node's bare status line.
 */
export function httpClientErrorHandler(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const problem =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new Problem(431, 'headers-too-large', 'the request line or headers are larger than allowed')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new Problem(408, 'request-timeout', 'the request took too long to arrive')
        : new Problem(400, 'bad-request', 'the request could not be parsed');
  const body = JSON.stringify(problem.toBody());
  const reason = problem.getStatus() === 431 ? 'Request Header Fields Too Large' : problem.getStatus() === 408 ? 'Request Timeout' : 'Bad Request';
  socket.end(`HTTP/1.1 ${problem.getStatus()} ${reason}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

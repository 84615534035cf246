import { pino, type Logger } from 'pino';
import { requestContext } from './context.js';

/** Structured JSON logs; every line carries the service and, when known, the correlation and job id. */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const ctx = requestContext.getStore();
      return ctx ? { correlation_id: ctx.correlationId, ...(ctx.jobId ? { job_id: ctx.jobId } : {}) } : {};
    },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.access_token'], remove: true },
  });
}
export type { Logger };

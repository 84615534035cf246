import { pino, type Logger } from 'pino';
import { requestContext } from './context.js';
import { activeTraceIds } from './tracing.js';

/** Structured JSON logs; every line carries the service and, when known, the correlation and job id. */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const ctx = requestContext.getStore();
      // trace_id/span_id join the log lines of one request or job across services (W3C trace context).
      return { ...(ctx ? { correlation_id: ctx.correlationId, ...(ctx.jobId ? { job_id: ctx.jobId } : {}) } : {}), ...activeTraceIds() };
    },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.access_token'], remove: true },
  });
}
export type { Logger };

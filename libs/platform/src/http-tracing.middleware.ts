import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { contextFromCarrier, tracer } from './tracing.js';

/**
 * One SERVER span per HTTP request, continuing the caller's W3C `traceparent` when it sent one. Work
 * the request starts (the job row, hence the queue message) carries this span's context onward.
 */
export function httpTracingMiddleware() {
  return (req: Request, res: Response, next: NextFunction) => {
    const traceparent = req.header('traceparent');
    const tracestate = req.header('tracestate');
    const parent = contextFromCarrier(traceparent ? { traceparent, ...(tracestate ? { tracestate } : {}) } : undefined);
    const span = tracer().startSpan(`${req.method}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } }, parent);
    res.on('finish', () => {
      // Route template, never the raw path: span names stay low-cardinality like the metrics.
      const route = req.route?.path ? `${req.baseUrl ?? ''}${req.route.path as string}` : undefined;
      if (route) {
        span.updateName(`${req.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

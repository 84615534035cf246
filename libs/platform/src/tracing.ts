import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { Logger } from './logger.js';

/** W3C trace context header value: version 00, 32-hex trace id, 16-hex span id, 2-hex flags. */
export const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * Writes finished spans to the structured log (debug level), so a job's path can be followed by
 * trace_id with nothing but the logs. An OTLP exporter can be registered instead through
 * initTracing({ exporter }) where a collector exists.
 */
class LogSpanExporter implements SpanExporter {
  constructor(private readonly logger: Logger) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    if (!this.logger.isLevelEnabled('debug')) return done({ code: ExportResultCode.SUCCESS });
    for (const s of spans) {
      const ctx = s.spanContext();
      const ms = s.duration[0] * 1e3 + s.duration[1] / 1e6;
      this.logger.debug(
        { span: s.name, trace_id: ctx.traceId, span_id: ctx.spanId, parent_span_id: s.parentSpanContext?.spanId, kind: SpanKind[s.kind], duration_ms: Math.round(ms * 100) / 100, status: SpanStatusCode[s.status.code], attributes: s.attributes },
        'span',
      );
    }
    done({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

let provider: NodeTracerProvider | undefined;

/**
 * Registers the process-wide OpenTelemetry tracer (W3C trace context propagation, async context that
 * follows every await). Once per process: the first caller's logger and exporter win, later calls
 * (several services in one test process) reuse it.
 */
export function initTracing(logger: Logger, options: { exporter?: SpanExporter } = {}): void {
  if (provider) return;
  provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(options.exporter ?? new LogSpanExporter(logger))] });
  provider.register({ propagator: new W3CTraceContextPropagator() });
}

export const tracer = () => trace.getTracer('muse-platform');

/** The trace context of a W3C traceparent value (or of an object carrier); the root context when absent or malformed. */
export function contextFromCarrier(carrier: Record<string, string> | undefined): Context {
  if (!carrier?.traceparent || !TRACEPARENT.test(carrier.traceparent)) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** traceparent (and tracestate) of the active span, for a queue message or an outgoing HTTP call. */
export function traceCarrier(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

export const currentTraceparent = (): string | undefined => traceCarrier().traceparent;

/** Headers to add to an outgoing HTTP request (provider calls) so the provider's side joins the trace. */
export const traceHeaders = (): Record<string, string> => traceCarrier();

/** The active trace and span id, for log lines. */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  const span = trace.getSpan(context.active());
  const ctx = span?.spanContext();
  if (!ctx || !trace.isSpanContextValid(ctx)) return undefined;
  return { trace_id: ctx.traceId, span_id: ctx.spanId };
}

/**
 * BullMQ's telemetry metadata format (the one bullmq-otel writes and reads): the propagation carrier
 * as JSON in job.opts.telemetry.metadata, so the queue hop carries the trace without touching payloads.
 */
export const toJobTelemetry = (ctx: Context): { metadata: string } => ({ metadata: JSON.stringify(traceCarrier(ctx)) });

export function fromJobTelemetry(metadata: string | undefined, fallbackTraceparent?: unknown): Context {
  if (metadata) {
    try {
      const carrier = JSON.parse(metadata) as Record<string, string>;
      if (carrier && typeof carrier === 'object') return contextFromCarrier(carrier);
    } catch {
      // unreadable metadata: fall through to the payload's traceparent
    }
  }
  return typeof fallbackTraceparent === 'string' ? contextFromCarrier({ traceparent: fallbackTraceparent }) : ROOT_CONTEXT;
}

/** Runs fn in a new span (child of parent), ending it with the outcome. */
export async function withSpan<T>(name: string, options: { kind: SpanKind; parent?: Context; attributes?: Record<string, string | number> }, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind, attributes: options.attributes }, parent);
  try {
    const result = await context.with(trace.setSpan(parent, span), () => fn(span));
    span.setStatus({ code: SpanStatusCode.OK });
    return result;
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

export { SpanKind };

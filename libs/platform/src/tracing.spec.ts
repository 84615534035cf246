import { describe, expect, it } from '@jest/globals';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { pino } from 'pino';
import { contextFromCarrier, fromJobTelemetry, initTracing, toJobTelemetry, TRACEPARENT } from './tracing.js';

initTracing(pino({ level: 'silent' }));
const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const traceIdOf = (ctx: ReturnType<typeof contextFromCarrier>) => trace.getSpanContext(ctx)?.traceId;

describe('trace context helpers', () => {
  it('accepts W3C traceparent values and refuses malformed or all-zero ones', () => {
    expect(TRACEPARENT.test(TP)).toBe(true);
    for (const bad of ['', '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, '00-4bf92f35-00f067aa0ba902b7-01', `${TP}-extra`]) {
      expect([bad, TRACEPARENT.test(bad)]).toEqual([bad, false]);
      expect(contextFromCarrier({ traceparent: bad })).toBe(ROOT_CONTEXT);
    }
  });

  it('round-trips a context through BullMQ telemetry metadata', () => {
    const ctx = contextFromCarrier({ traceparent: TP });
    expect(traceIdOf(ctx)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const { metadata } = toJobTelemetry(ctx);
    expect(JSON.parse(metadata)).toEqual({ traceparent: TP });
    expect(traceIdOf(fromJobTelemetry(metadata))).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('falls back to the payload traceparent, and to no trace, when the metadata is absent or unreadable', () => {
    expect(traceIdOf(fromJobTelemetry(undefined, TP))).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdOf(fromJobTelemetry('{not json', TP))).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(fromJobTelemetry(undefined, 42)).toBe(ROOT_CONTEXT);
    expect(fromJobTelemetry(JSON.stringify({ traceparent: 'garbage' }))).toBe(ROOT_CONTEXT);
  });
});

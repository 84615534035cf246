import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  correlationId: string;
  jobId?: string;
}

/** Carries the correlation id from the HTTP request or queue job through every await. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

export const currentCorrelationId = (): string | undefined => requestContext.getStore()?.correlationId;

export function newCorrelationId(): string {
  return randomUUID();
}

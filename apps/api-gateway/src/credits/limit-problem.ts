import { Problem } from '../common/problem.js';

/** What a refusal was about, for clients to act on: which limit, its value, and when it frees. */
export interface LimitInfo {
  name: string;
  limit: number;
  used?: number;
  remaining?: number;
  /** RFC 3339 time when a retry can succeed, when that is known. */
  resets_at?: string;
  retry_after_seconds?: number;
}

/** A problem for a limit that was hit; the body carries `limit` next to the RFC 9457 fields. */
export class LimitProblem extends Problem {
  constructor(status: number, type: string, detail: string, readonly limit: LimitInfo, headers: Record<string, string> = {}) {
    super(status, type, detail, undefined, headers);
  }

  override toBody(instance?: string) {
    return { ...super.toBody(instance), limit: this.limit };
  }
}

/** The next 00:00 UTC, when the daily counters start over. */
export function nextUtcMidnight(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

import { describe, expect, it } from '@jest/globals';
import { pollDelayMs } from './poll-scheduler.js';

describe('pollDelayMs', () => {
  const timing = { PROVIDER_POLL_BASE_MS: 1000, PROVIDER_POLL_MAX_MS: 30_000 };
  it('doubles per poll, caps, and jitters within the upper half of the window', () => {
    expect([0, 1, 2, 3].map((n) => pollDelayMs(n, timing, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((n) => pollDelayMs(n, timing, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(pollDelayMs(10, timing, () => 1)).toBe(30_000);
    expect(pollDelayMs(10_000, timing, () => 0)).toBe(15_000);
  });
});

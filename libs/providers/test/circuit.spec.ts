import { describe, expect, it } from '@jest/globals';
import { callbackToken, CircuitBreaker, CircuitOpenError, ProviderError, verifyCallbackToken, type CircuitState } from '../src/index.js';

describe('CircuitBreaker', () => {
  it('opens after N transient failures, rests, lets one trial through, and closes on success', async () => {
    let now = 0;
    const states: CircuitState[] = [];
    const breaker = new CircuitBreaker('suno', { failureThreshold: 2, resetTimeoutMs: 1000, now: () => now, onStateChange: (s) => states.push(s) });
    const fail = () => breaker.exec(() => Promise.reject(new ProviderError('suno', 'transient', 'HTTP 503')));
    await expect(fail()).rejects.toThrow('503');
    expect(breaker.state).toBe('closed');
    await expect(fail()).rejects.toThrow('503');
    expect(breaker.state).toBe('open');
    await expect(breaker.exec(async () => 'never')).rejects.toBeInstanceOf(CircuitOpenError);
    now = 1000;
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false); // only one trial at a time
    breaker.success();
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('does not blame the provider for permanent (request) errors, and a failed trial re-opens', async () => {
    let now = 0;
    const breaker = new CircuitBreaker('mureka', { failureThreshold: 1, resetTimeoutMs: 10, now: () => now });
    await expect(breaker.exec(() => Promise.reject(new ProviderError('mureka', 'permanent', 'HTTP 400')))).rejects.toThrow();
    expect(breaker.state).toBe('closed');
    breaker.failure();
    expect(breaker.state).toBe('open');
    now = 10;
    expect(breaker.state).toBe('half-open');
    await expect(breaker.exec(() => Promise.reject(new Error('timeout')))).rejects.toThrow();
    expect(breaker.state).toBe('open');
  });

  it('says when a call may next go out: now, when it half-opens, or shortly after a trial that is out', async () => {
    let now = 5_000;
    const breaker = new CircuitBreaker('suno', { failureThreshold: 1, resetTimeoutMs: 30_000, now: () => now });
    expect(breaker.availableAt()).toBe(5_000);
    breaker.failure();
    now = 6_000;
    expect(breaker.availableAt()).toBe(35_000);
    now = 35_000;
    expect(breaker.availableAt()).toBe(35_000); // half-open, trial free
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.availableAt()).toBe(37_000); // the trial is out: look again a little later
    breaker.failure();
    expect(breaker.availableAt()).toBe(65_000); // the failed trial re-opened it
  });
});

describe('callback tokens', () => {
  const secret = 'a-secret-that-is-at-least-32-characters-long';
  const job = '6b0a3c1e-9f4e-4d1a-8a43-0e4a3b1f2c55';
  it('verify only for the same provider, job and secret', () => {
    const token = callbackToken(secret, 'suno', job);
    expect(verifyCallbackToken(secret, 'suno', job, token)).toBe(true);
    expect(verifyCallbackToken(secret, 'mureka', job, token)).toBe(false);
    expect(verifyCallbackToken(secret, 'suno', job.replace('6b', '7b'), token)).toBe(false);
    expect(verifyCallbackToken(`${secret}x`, 'suno', job, token)).toBe(false);
    expect(verifyCallbackToken(secret, 'suno', job, token.slice(1))).toBe(false);
  });
});

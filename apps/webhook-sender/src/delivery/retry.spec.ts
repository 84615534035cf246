import { describe, expect, it } from '@jest/globals';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS } from '@muse/contracts';
import { loadConfig } from '@muse/platform';
import { allowListOf, WebhookSenderConfig } from '../config.js';
import { retryDelay } from './delivery.service.js';

const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x', REDIS_URL: 'redis://127.0.0.1:6379', S3_ENDPOINT: 'http://127.0.0.1:4569' };

describe('webhook retries', () => {
  it('spreads 8 attempts over hours by default', () => {
    expect(DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS).toHaveLength(7);
    const total = DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(9);
    expect(total / 3_600_000).toBeLessThan(11);
    expect([...DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS]).toEqual([...DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS].sort((a, b) => a - b)); // backing off
  });

  it('jitters each delay by ±20 % and has none after the last', () => {
    const schedule = [1000, 4000];
    expect(retryDelay(schedule, 2, () => 0)).toBe(800);
    expect(retryDelay(schedule, 2, () => 0.999999)).toBe(1200);
    expect(retryDelay(schedule, 3, () => 0.5)).toBe(4000);
    expect(retryDelay(schedule, 4)).toBeUndefined();
  });
});

describe('webhook sender config', () => {
  it('refuses loopback unless asked, and parses the schedule', () => {
    const prod = loadConfig(WebhookSenderConfig, env);
    expect(prod.WEBHOOK_ALLOW_LOOPBACK).toBe(false);
    expect(allowListOf(prod).permits('127.0.0.1')).toBe(false);
    expect(allowListOf(prod).permits('93.184.216.34')).toBe(true);
    const dev = loadConfig(WebhookSenderConfig, { ...env, WEBHOOK_ALLOW_LOOPBACK: 'true', WEBHOOK_RETRY_SCHEDULE_MS: '100, 200' });
    expect(allowListOf(dev).permits('127.0.0.1')).toBe(true);
    expect(allowListOf(dev).permits('::1')).toBe(true);
    expect(allowListOf(dev).permits('10.0.0.1')).toBe(false);
    expect(allowListOf(dev).permits('169.254.169.254')).toBe(false);
    expect(dev.WEBHOOK_RETRY_SCHEDULE_MS).toEqual([100, 200]);
    expect(() => loadConfig(WebhookSenderConfig, { ...env, WEBHOOK_ALLOW_PRIVATE_HOSTS: 'not-an-ip' })).toThrow(/WEBHOOK_ALLOW_PRIVATE_HOSTS/);
    expect(() => loadConfig(WebhookSenderConfig, { ...env, WEBHOOK_RETRY_SCHEDULE_MS: '1,x' })).toThrow(/WEBHOOK_RETRY_SCHEDULE_MS/);
  });
});

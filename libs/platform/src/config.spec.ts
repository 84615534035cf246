import { describe, expect, it } from '@jest/globals';
import { BaseConfig, ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const c = loadConfig(BaseConfig, { S3_ENDPOINT: 'http://127.0.0.1:4569', DATABASE_POOL_SIZE: '7' });
    expect(c).toMatchObject({ DATABASE_POOL_SIZE: 7, REDIS_URL: 'redis://127.0.0.1:6379', QUEUE_PREFIX: '{muse}', LOG_LEVEL: 'info' });
  });

  it('names every wrong or missing variable', () => {
    let error: unknown;
    try {
      loadConfig(BaseConfig, { DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', QUEUE_PREFIX: 'muse' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['DATABASE_URL', 'LOG_LEVEL', 'QUEUE_PREFIX', 'S3_ENDPOINT']) expect(message).toContain(name);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig(BaseConfig, { S3_ENDPOINT: 'http://s3', LOG_LEVEL: '' }).LOG_LEVEL).toBe('info');
  });
});

import { describe, expect, it } from '@jest/globals';
import { BaseConfig, ConfigError, loadConfig } from './config.js';
import { parseRedisUrl } from './redis.js';

describe('REDIS_URL', () => {
  it('reads a single server and a cluster given by seed nodes', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379')).toEqual({ cluster: false, url: 'redis://127.0.0.1:6379' });
    expect(parseRedisUrl('rediss+cluster://app:s%40cret@a.example:7000,10.0.0.2:7001,[::1]:7002')).toEqual({
      cluster: true,
      tls: true,
      username: 'app',
      password: 's@cret',
      nodes: [{ host: 'a.example', port: 7000 }, { host: '10.0.0.2', port: 7001 }, { host: '::1', port: 7002 }],
    });
    expect(parseRedisUrl('redis+cluster://:pw@h:1')).toMatchObject({ cluster: true, tls: false, username: undefined, password: 'pw' });
  });

  it('refuses what is neither, naming the variable at start-up', () => {
    for (const bad of ['redis+cluster://h', 'redis+cluster://h:1,h2', 'redis+cluster://h:99999', 'redis+cluster://h:1/0', 'http://h:1', 'nonsense']) {
      expect(() => parseRedisUrl(bad)).toThrow();
      expect(() => loadConfig(BaseConfig, { S3_ENDPOINT: 'http://s3', REDIS_URL: bad })).toThrow(ConfigError);
      expect(() => loadConfig(BaseConfig, { S3_ENDPOINT: 'http://s3', REDIS_URL: bad })).toThrow(/REDIS_URL/);
    }
    expect(loadConfig(BaseConfig, { S3_ENDPOINT: 'http://s3', REDIS_URL: 'redis+cluster://h:1,h:2' }).REDIS_URL).toBe('redis+cluster://h:1,h:2');
  });

  it('takes a direct database URL for migrations beside a pooled one', () => {
    expect(() => loadConfig(BaseConfig, { S3_ENDPOINT: 'http://s3', DATABASE_DIRECT_URL: 'mysql://x' })).toThrow(/DATABASE_DIRECT_URL/);
  });
});

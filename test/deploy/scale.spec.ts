import { describe, expect, it } from '@jest/globals';
import { parseRedisUrl } from '../../libs/platform/src/redis.js';
import { APPS, readYaml, readYamlDocs } from './deploy-files.js';

// deploy/compose.scale.yml: the compose stack through PgBouncer (transaction mode) on a Redis Cluster.
describe('deploy/compose.scale.yml', () => {
  const base: Record<string, any> = readYaml('docker-compose.yml').services;
  const scale: Record<string, any> = readYaml('deploy/compose.scale.yml').services;
  const all = { ...base, ...scale };

  it('runs PgBouncer in transaction mode in front of the compose Postgres', () => {
    const env = scale.pgbouncer.environment;
    expect(env).toMatchObject({ DB_HOST: 'postgres', POOL_MODE: 'transaction', SERVER_RESET_QUERY: '' });
    expect(String(env.IGNORE_STARTUP_PARAMETERS)).toContain('extra_float_digits');
    expect(scale.pgbouncer.healthcheck?.test).toBeDefined();
  });

  it('points every app at the pooler and the migrations at Postgres directly', () => {
    for (const name of [...APPS, 'migrate']) {
      const env = scale[name].environment;
      expect([name, String(env.DATABASE_URL)]).toEqual([name, expect.stringMatching(/@pgbouncer:6432\/muse$/)]);
      expect([name, String(env.DATABASE_DIRECT_URL)]).toEqual([name, expect.stringMatching(/@postgres:5432\/muse$/)]);
    }
  });

  it('names a cluster of nodes that exist and are joined before any app starts', () => {
    for (const name of APPS) {
      const target = parseRedisUrl(String(scale[name].environment.REDIS_URL));
      expect(target.cluster).toBe(true);
      if (!target.cluster) continue;
      expect(target.nodes.length).toBeGreaterThanOrEqual(3);
      for (const node of target.nodes) expect(Object.keys(all)).toContain(node.host);
      expect(scale[name].depends_on['redis-cluster-init']).toEqual({ condition: 'service_completed_successfully' });
      expect(scale[name].depends_on.pgbouncer).toEqual({ condition: 'service_healthy' });
    }
    const init = String(scale['redis-cluster-init'].command);
    expect(init).toMatch(/--cluster create/);
    for (const n of ['redis-1', 'redis-2', 'redis-3']) {
      expect(scale[n].command).toEqual(expect.arrayContaining(['--cluster-enabled', 'yes', '--maxmemory-policy', 'noeviction']));
      expect(init).toContain(n);
    }
  });
});

describe('k8s Secret template: pooler and cluster forms', () => {
  const secret = readYamlDocs('k8s/base/secret.template.yaml').find((d: any) => d.metadata.name === 'muse-secrets') as any;
  it('documents the direct URL for migrations beside the pooled one', () => {
    expect(Object.keys(secret.stringData)).toEqual(expect.arrayContaining(['DATABASE_URL', 'DATABASE_DIRECT_URL']));
  });
});

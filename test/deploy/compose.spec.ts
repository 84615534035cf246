import { describe, expect, it } from '@jest/globals';
import {
  APPS,
  appEntry,
  BUCKETS,
  CONFIG_ENV,
  CONTAINER_PORT,
  durationSeconds,
  exists,
  GATEWAY,
  interpolationDefault,
  LONGEST_JOB_LOCK_SECONDS,
  MIN_JWT_SECRET_LENGTH,
  MIGRATE_ENTRY,
  PROVIDER_SECRET_ENV,
  PUBLIC_BUCKETS,
  readYaml,
  SECRET_ENV,
  WORKERS,
} from './deploy-files.js';

const compose = readYaml('docker-compose.yml');
const services: Record<string, any> = compose.services;
const ONE_SHOT = ['minio-init', 'migrate'];
const REQUIRED = ['postgres', 'redis', 'minio', 'minio-init', 'migrate', ...APPS];
const longRunning = Object.keys(services).filter((name) => !ONE_SHOT.includes(name));
const asList = (command: unknown): string[] => (Array.isArray(command) ? command.map(String) : String(command ?? '').split(/\s+/));
const healthText = (svc: any): string => asList(svc.healthcheck?.test).join(' ');
const conditionsOf = (svc: any): Record<string, string> => {
  const d = svc.depends_on ?? {};
  if (Array.isArray(d)) return Object.fromEntries(d.map((n: string) => [n, 'service_started']));
  return Object.fromEntries(Object.entries(d).map(([n, v]: [string, any]) => [n, v?.condition ?? 'service_started']));
};

describe('docker-compose.yml', () => {
  it('defines every platform service', () => {
    for (const name of REQUIRED) expect(Object.keys(services)).toContain(name);
  });

  it('uses Postgres 16 and Redis 7', () => {
    expect(services.postgres.image).toMatch(/^postgres:16(\b|[.-])/);
    expect(services.redis.image).toMatch(/^redis:7(\b|[.-])/);
  });

  it('runs Redis with noeviction and AOF persistence on a volume', () => {
    const cmd = asList(services.redis.command).join(' ');
    expect(cmd).toMatch(/--maxmemory-policy\s+noeviction/);
    expect(cmd).toMatch(/--appendonly\s+yes/);
    expect(cmd).not.toMatch(/allkeys-|volatile-/);
    expect((services.redis.volumes ?? []).some((v: string) => /:\/data$/.test(v))).toBe(true);
  });

  it('keeps data of postgres, redis and minio in declared named volumes', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const name of ['postgres', 'redis', 'minio']) expect((services[name].volumes ?? []).length).toBeGreaterThan(0);
    for (const [name, svc] of Object.entries(services)) {
      for (const v of (svc.volumes ?? []) as string[]) {
        const source = String(v).split(':')[0];
        if (source.startsWith('.') || source.startsWith('/')) {
          expect(exists(source)).toBe(true);
        } else {
          expect([name, declared]).toEqual([name, expect.arrayContaining([source])]);
        }
      }
    }
  });

  it('gives every long-running service a health check', () => {
    for (const name of longRunning) {
      expect([name, services[name].healthcheck?.test]).toEqual([name, expect.anything()]);
      expect(services[name].healthcheck.disable).not.toBe(true);
    }
    expect(healthText(services.postgres)).toContain('pg_isready');
    expect(healthText(services.redis)).toContain('ping');
  });

  it('runs every app and the migrations from the one platform image', () => {
    const image = services[GATEWAY].image;
    expect(image).toBeTruthy();
    for (const name of [...APPS, 'migrate']) {
      expect(services[name].image).toBe(image);
      expect(services[name].build?.context).toBe('.');
      expect(services[name].build?.target ?? 'runtime').toBe('runtime');
    }
    expect(exists(services[GATEWAY].build.dockerfile ?? 'Dockerfile')).toBe(true);
    for (const app of APPS) expect(asList(services[app].command)).toEqual(['node', appEntry(app)]);
    expect(asList(services.migrate.command)).toEqual(['node', MIGRATE_ENTRY]);
  });

  it('starts apps only after healthy stores, created buckets and applied migrations', () => {
    for (const app of APPS) {
      expect([app, conditionsOf(services[app])]).toEqual([
        app,
        expect.objectContaining({
          postgres: 'service_healthy',
          redis: 'service_healthy',
          'minio-init': 'service_completed_successfully',
          migrate: 'service_completed_successfully',
        }),
      ]);
    }
    expect(conditionsOf(services.migrate)).toEqual(expect.objectContaining({ postgres: 'service_healthy' }));
    expect(conditionsOf(services['minio-init'])).toEqual(expect.objectContaining({ minio: 'service_healthy' }));
  });

  it('every depends_on names a service and uses a condition that service can meet', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const [dep, condition] of Object.entries(conditionsOf(svc))) {
        expect([name, Object.keys(services)]).toEqual([name, expect.arrayContaining([dep])]);
        if (condition === 'service_healthy') expect([name, dep, services[dep].healthcheck?.test]).toEqual([name, dep, expect.anything()]);
        if (condition === 'service_completed_successfully') expect([name, dep, ONE_SHOT.includes(dep)]).toEqual([name, dep, true]);
      }
    }
  });

  it('one-shot services do not restart; long-running ones do', () => {
    for (const name of ONE_SHOT) expect(['no', undefined]).toContain(services[name].restart);
    for (const app of APPS) expect(services[app].restart).toMatch(/unless-stopped|always|on-failure/);
  });

  it('passes the platform configuration to every app and to the migrations', () => {
    for (const name of [...APPS, 'migrate']) {
      const env = services[name].environment ?? {};
      expect(Array.isArray(env)).toBe(false);
      for (const key of [...SECRET_ENV, ...CONFIG_ENV, ...PROVIDER_SECRET_ENV]) expect([name, key, key in env]).toEqual([name, key, true]);
      expect(String(env.DATABASE_URL)).toMatch(/@postgres:5432\//);
      expect(String(env.REDIS_URL)).toMatch(/^redis:\/\/redis:6379/);
      expect(String(env.S3_ENDPOINT)).toBe('http://minio:9000');
      expect(String(env.DEFAULT_MUSIC_PROVIDER)).toMatch(/local|suno|mureka/);
      expect(interpolationDefault(env.JWT_SECRET).length).toBeGreaterThanOrEqual(MIN_JWT_SECRET_LENGTH);
    }
  });

  it('serves HTTP, health and metrics on port 3000 inside every app container, matching the health check', () => {
    expect(Number(services[GATEWAY].environment.PORT)).toBe(CONTAINER_PORT);
    for (const w of WORKERS) expect(Number(services[w].environment.HEALTH_PORT)).toBe(CONTAINER_PORT);
    for (const app of APPS) {
      const test = healthText(services[app]);
      expect(test).toContain(`127.0.0.1:${CONTAINER_PORT}/health/`);
      expect((services[app].ports ?? []).every((p: string) => String(p).endsWith(`:${CONTAINER_PORT}`))).toBe(true);
    }
  });

  it('lets workers finish a job on stop (drain budget > longest job, docker grace period > drain budget)', () => {
    for (const w of WORKERS) {
      const grace = durationSeconds(services[w].stop_grace_period);
      const drainMs = Number(services[w].environment.SHUTDOWN_GRACE_MS);
      expect(grace).toBeGreaterThan(LONGEST_JOB_LOCK_SECONDS);
      expect(drainMs).toBeGreaterThan(LONGEST_JOB_LOCK_SECONDS * 1000);
      expect(drainMs).toBeLessThan(grace * 1000);
    }
  });

  it('minio-init creates the five buckets, public-read exactly on tracks, stems and covers', () => {
    const script = asList(services['minio-init'].command).join('\n') + '\n' + asList(services['minio-init'].entrypoint).join(' ');
    const loops = [...script.matchAll(/for\s+(\w+)\s+in\s+([^;\n]+);\s*do\s*\n?([^\n]+)/g)].map((m) => ({ items: m[2].trim().split(/\s+/), body: m[3] }));
    const created = loops.filter((l) => /mc mb\b/.test(l.body)).flatMap((l) => l.items);
    const publicRead = loops.filter((l) => /mc anonymous set download\b/.test(l.body)).flatMap((l) => l.items);
    expect([...created].sort()).toEqual([...BUCKETS].sort());
    expect([...publicRead].sort()).toEqual([...PUBLIC_BUCKETS].sort());
    expect(script).toContain('mc alias set local http://minio:9000');
  });

  it('uses the same MinIO credentials for the server, minio-init and the apps', () => {
    const server = services.minio.environment;
    expect(services['minio-init'].environment.MINIO_ROOT_USER).toBe(server.MINIO_ROOT_USER);
    expect(services['minio-init'].environment.MINIO_ROOT_PASSWORD).toBe(server.MINIO_ROOT_PASSWORD);
    expect(services[GATEWAY].environment.S3_ACCESS_KEY_ID).toBe(server.MINIO_ROOT_USER);
    expect(services[GATEWAY].environment.S3_SECRET_ACCESS_KEY).toBe(server.MINIO_ROOT_PASSWORD);
  });

  it('the optional Prometheus scrapes every app on port 3000 and loads rules that exist', () => {
    const prom = readYaml('deploy/prometheus/prometheus.yml');
    const targets = prom.scrape_configs.flatMap((c: any) => (c.static_configs ?? []).flatMap((s: any) => s.targets));
    for (const app of APPS) expect(targets).toContain(`${app}:${CONTAINER_PORT}`);
    for (const t of targets) expect(Object.keys(services)).toContain(String(t).split(':')[0]);
    for (const rule of prom.rule_files ?? []) expect(exists(`deploy/prometheus/${String(rule).split('/').pop()}`)).toBe(true);
  });
});

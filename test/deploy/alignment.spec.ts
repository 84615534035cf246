// The deployment files name queues, metrics, ports and entry points of the code; these checks fail when
// the code and the deployment drift apart (they read the TypeScript sources, they do not run them).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { APPS, exists, METRICS, path, read, REDIS_PREFIX, WORKER_QUEUES } from './deploy-files.js';

function sourceFiles(dir: string): string[] {
  if (!exists(dir)) return [];
  return readdirSync(path(dir)).flatMap((entry) => {
    const rel = join(dir, entry);
    if (statSync(path(rel)).isDirectory()) return entry === 'node_modules' || entry === 'dist' || entry === 'test' ? [] : sourceFiles(rel);
    return /\.ts$/.test(entry) && !/\.(spec|test|d)\.ts$/.test(entry) ? [rel] : [];
  });
}

const sources = ['apps', 'libs'].flatMap((root) => (exists(root) ? readdirSync(path(root)).map((d) => `${root}/${d}/src`) : [])).flatMap(sourceFiles);
const code = sources.map((f) => ({ file: f, text: readFileSync(path(f), 'utf8') }));

/** Metrics defined in the code: `name: 'x'` followed by `labelNames: [...]` in the same constructor call. */
const definedMetrics = new Map<string, string[]>();
for (const { text } of code) {
  for (const m of text.matchAll(/name:\s*'([a-z_:][a-z0-9_:]*)'[^}]*?labelNames:\s*\[([^\]]*)\]/gs)) {
    definedMetrics.set(m[1], [...m[2].matchAll(/'([^']+)'/g)].map((x) => x[1]));
  }
  for (const m of text.matchAll(/new\s+(?:client\.|promClient\.)?(?:Gauge|Counter|Histogram|Summary)\(\s*\{\s*name:\s*'([a-z_:][a-z0-9_:]*)'/g)) {
    if (!definedMetrics.has(m[1])) definedMetrics.set(m[1], []);
  }
}

const queuesFile = 'libs/contracts/src/queues.ts';
const itWithQueues = exists(queuesFile) ? it : it.skip;

describe('deployment files match the code', () => {
  itWithQueues('queue prefix and queue names are the ones the KEDA triggers and dashboards use', () => {
    const text = read(queuesFile);
    expect(text).toMatch(new RegExp(`QUEUE_PREFIX\\s*=\\s*'${REDIS_PREFIX.replace(/[{}]/g, '\\$&')}'`));
    const names = [...text.matchAll(/^\s*\w+:\s*'([a-z-]+)',?$/gm)].map((m) => m[1]);
    for (const queue of Object.values(WORKER_QUEUES)) expect(names).toContain(queue);
  });

  it('every exported metric the code already defines has at least the labels the dashboards use', () => {
    for (const [name, { labels }] of Object.entries(METRICS)) {
      if (!definedMetrics.has(name)) continue; // not implemented yet
      expect([name, definedMetrics.get(name)]).toEqual([name, expect.arrayContaining(labels)]);
    }
  });

  it('every app that exists builds to the entry point the image and manifests start', () => {
    for (const app of APPS) {
      if (!exists(`apps/${app}`)) continue;
      expect(exists(`apps/${app}/src/main.ts`)).toBe(true);
      expect(exists(`apps/${app}/package.json`)).toBe(true);
      const tsconfig = read(`apps/${app}/tsconfig.json`);
      expect(tsconfig).toMatch(/"rootDir":\s*"src"/);
      expect(tsconfig).toMatch(/"outDir":\s*"dist"/);
      expect(read('tsconfig.build.json')).toContain(`apps/${app}`);
    }
  });

  it('the migration CLI and its SQL folder are where the image and manifests expect them', () => {
    expect(exists('libs/db/src/migrate-cli.ts')).toBe(true);
    expect(read('libs/db/src/migrator.ts')).toContain("'../migrations/'");
    expect(readdirSync(path('libs/db/migrations')).some((f) => /^\d{4}_[\w-]+\.sql$/.test(f))).toBe(true);
  });
});

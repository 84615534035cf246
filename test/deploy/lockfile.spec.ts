// The committed lockfile installs with `npm ci` on every platform, and the image installs from it.
// npm ci refuses a lockfile that lacks an entry for any optional (platform-specific) package, e.g.
// "Missing: @swc/core-darwin-arm64 from lock file", so every optionalDependencies name must resolve.
import { describe, expect, it } from '@jest/globals';
import { parseDockerfile, read } from './deploy-files.js';

interface LockEntry {
  version?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
const lock = JSON.parse(read('package-lock.json')) as { lockfileVersion: number; packages: Record<string, LockEntry> };
const manifest = JSON.parse(read('package.json')) as Record<string, Record<string, string> | undefined>;

/** Where Node (and npm ci) would find `name` from the package installed at `key`: its own node_modules, then each parent's. */
function resolveFrom(key: string, name: string): string | undefined {
  let base = key;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut >= 0 ? base.slice(0, cut) : '';
  }
}

describe('package-lock.json', () => {
  it('is a v2/v3 lockfile whose root matches package.json', () => {
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
    const root = lock.packages[''] as Record<string, unknown>;
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) expect(root[field] ?? {}).toEqual(manifest[field] ?? {});
  });

  it('has an entry for every optional dependency of every package (every platform installs from it)', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const [key, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        checked++;
        if (!resolveFrom(key, name)) missing.push(`${key || '(root)'} -> ${name}`);
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(0); // the lockfile does list platform packages (e.g. @swc/core-*)
  });

  it('resolves every regular dependency too, each installed package pinned by version and integrity', () => {
    const missing: string[] = [];
    for (const [key, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.dependencies ?? {})) if (!resolveFrom(key, name)) missing.push(`${key || '(root)'} -> ${name}`);
      if (key.includes('node_modules/') && !entry.link) {
        if (!entry.version || !entry.integrity) missing.push(`${key} has no version/integrity`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('Dockerfile install steps', () => {
  const stages = parseDockerfile(read('Dockerfile')).stages;
  const runs = stages.flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => ({ stage: s.name, args: i.args })));
  const installs = runs.filter((r) => /\bnpm\s+(ci|install|i|add)\b/.test(r.args));

  it('installs only with npm ci (from the committed lockfile), never npm install', () => {
    expect(installs.length).toBeGreaterThan(0);
    for (const r of installs) {
      expect(r.args).toMatch(/\bnpm ci\b/);
      expect(r.args).not.toMatch(/\bnpm\s+(install|i|add)\b/);
    }
  });

  it('copies the committed package-lock.json into every stage that installs', () => {
    const text = read('Dockerfile');
    expect(text).toMatch(/package-lock\.json/);
    for (const r of installs) {
      const stage = stages.find((s) => s.name === r.stage)!;
      const copies = stage.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args).join('\n');
      // Either the lockfile itself or the manifests stage that carries it.
      expect(copies).toMatch(/package-lock\.json|--from=manifests/);
    }
  });
});

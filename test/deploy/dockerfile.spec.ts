import { describe, expect, it } from '@jest/globals';
import { APPS, appEntry, execForm, GATEWAY, MIGRATE_ENTRY, parseCopy, parseDockerfile, read, type DockerStage } from './deploy-files.js';

const dockerfile = parseDockerfile(read('Dockerfile'));
const stages = dockerfile.stages;
const runtime = stages[stages.length - 1];
const stageByName = (name: string): DockerStage | undefined => stages.find((s) => s.name === name);
const resolveImage = (from: string): string => from.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a, b) => dockerfile.args[a ?? b] ?? '');
const ins = (stage: DockerStage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
/** A stage's instructions including those of the stages it is built FROM. */
function lineage(stage: DockerStage): DockerStage[] {
  const parent = stageByName(stage.from);
  return parent ? [...lineage(parent), stage] : [stage];
}
const runs = (stage: DockerStage): string[] => lineage(stage).flatMap((s) => ins(s, 'RUN').map((i) => i.args));

describe('Dockerfile', () => {
  it('is multi-stage (dependencies, build, runtime) with named stages', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    for (const s of stages) expect(s.name).toBeTruthy();
    expect(new Set(stages.map((s) => s.name)).size).toBe(stages.length);
  });

  it('builds on Node 20 and the runtime stage is a slim or alpine image', () => {
    for (const s of stages) {
      if (stageByName(s.from)) continue;
      expect(resolveImage(s.from)).toMatch(/^node:20(\.\d+)*(-[\w.-]+)?$/);
    }
    expect(resolveImage(runtime.from)).toMatch(/slim|alpine/);
  });

  it('COPY --from refers to earlier stages only', () => {
    for (const [i, s] of stages.entries()) {
      for (const c of ins(s, 'COPY')) {
        const from = parseCopy(c.args).flags.from;
        if (!from) continue;
        const source = stageByName(from);
        expect(source).toBeDefined();
        expect(source!.index).toBeLessThan(i);
      }
    }
  });

  it('compiles the workspace with the root build script', () => {
    const build = stages.find((s) => runs(s).some((r) => /npm run build|tsc -b tsconfig\.build\.json/.test(r)));
    expect(build).toBeDefined();
    expect(build).not.toBe(runtime);
    expect(runs(build!).some((r) => /npm ci(?![^&;]*--omit=dev)/.test(r))).toBe(true);
  });

  it('runtime gets production dependencies only (npm ci --omit=dev) and never the dev tree', () => {
    const fromStages = ins(runtime, 'COPY')
      .map((c) => parseCopy(c.args))
      .filter((c) => c.flags.from);
    const prodStage = fromStages.map((c) => stageByName(c.flags.from)!).find((s) => runs(s).some((r) => /npm ci\b.*--omit=dev/.test(r)));
    const runtimePrunes = runs(runtime).some((r) => /npm (ci|prune)\b.*--omit=dev/.test(r));
    expect(prodStage || runtimePrunes).toBeTruthy();
    for (const c of fromStages) {
      const source = stageByName(c.flags.from)!;
      const hasDevTree = runs(source).some((r) => /npm ci(?![^&;]*--omit=dev)/.test(r));
      if (!hasDevTree) continue;
      // From a stage holding dev dependencies only build output may be copied, never node_modules or the whole app.
      for (const src of c.sources) {
        expect(src).not.toMatch(/node_modules/);
        expect(['/app', '/app/', '.', './', '/']).not.toContain(src);
      }
    }
  });

  it('ships the SQL migrations and the migration CLI in the runtime image', () => {
    const copies = ins(runtime, 'COPY').map((c) => parseCopy(c.args));
    expect(copies.some((c) => c.sources.some((s) => /libs\/db\/migrations\/?$/.test(s)) && /libs\/db\/migrations\/?$/.test(c.dest))).toBe(true);
    // migrate-cli.js comes with the compiled output; the build stage asserts it was produced.
    const build = stages.find((s) => runs(s).some((r) => r.includes('npm run build')))!;
    expect(runs(build).join('\n')).toContain(MIGRATE_ENTRY);
  });

  it('runs as a non-root user with NODE_ENV=production', () => {
    const users = ins(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1].args.split(':')[0];
    expect(['root', '0', '']).not.toContain(user);
    const env = ins(runtime, 'ENV').map((e) => e.args).join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
  });

  it('forwards signals through an init (tini) and starts the gateway by default', () => {
    const entrypoint = ins(runtime, 'ENTRYPOINT').pop();
    expect(entrypoint).toBeDefined();
    const ep = execForm(entrypoint!.args);
    expect(ep[0]).toMatch(/tini$/);
    expect(ep).toContain('--');
    expect(runs(runtime).join('\n')).toMatch(/(apt-get install|apk add)[^\n]*\btini\b/);
    const cmd = ins(runtime, 'CMD').pop();
    expect(cmd).toBeDefined();
    expect(cmd!.args.trim().startsWith('[')).toBe(true); // exec form: node is the child of tini, not of a shell
    expect(execForm(cmd!.args)).toEqual(['node', appEntry(GATEWAY)]);
  });

  it('documents every app entry point and health-checks the liveness endpoint', () => {
    const text = read('Dockerfile');
    for (const app of APPS) expect(text).toContain(appEntry(app));
    const healthcheck = ins(runtime, 'HEALTHCHECK').pop();
    expect(healthcheck?.args).toContain('/health/live');
    expect(ins(runtime, 'EXPOSE').map((e) => e.args)).toContain('3000');
  });
});

describe('.dockerignore', () => {
  const patterns = read('.dockerignore')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const ignored = (name: string) => patterns.some((p) => p.replace(/^\*\*\//, '').replace(/\/$/, '') === name);

  it('keeps dependencies, build output, VCS and local data out of the build context', () => {
    for (const name of ['node_modules', 'dist', '.git', 'tmp', '.data', 'coverage']) expect(ignored(name)).toBe(true);
    expect(patterns).toContain('**/node_modules');
    expect(patterns).toContain('**/dist');
  });

  it('does not exclude what the build needs', () => {
    for (const name of ['package.json', 'package-lock.json', 'libs', 'apps', 'tsconfig.base.json', 'tsconfig.build.json', 'libs/db/migrations']) {
      expect(ignored(name)).toBe(false);
    }
    expect(patterns.some((p) => p.startsWith('!'))).toBe(false);
    expect(patterns).not.toContain('*');
    expect(patterns.some((p) => /\.sql$/.test(p) || /migrations/.test(p))).toBe(false);
  });
});

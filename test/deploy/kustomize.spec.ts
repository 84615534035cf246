import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import {
  APPS,
  appEntry,
  CONFIG_ENV,
  CONTAINER_PORT,
  GATEWAY,
  isDir,
  LONGEST_JOB_LOCK_SECONDS,
  MIN_JWT_SECRET_LENGTH,
  MIGRATE_ENTRY,
  MUSIC_PROVIDERS,
  path,
  PROVIDER_SECRET_ENV,
  quantity,
  readYaml,
  readYamlDocs,
  REDIS_PREFIX,
  resolveFrom,
  SECRET_ENV,
  selects,
  WORKER_QUEUES,
  WORKERS,
} from './deploy-files.js';

const BASE = 'k8s/base';
const OVERLAYS = ['k8s/overlays/dev', 'k8s/overlays/prod'];
const SECRET_TEMPLATE = `${BASE}/secret.template.yaml`;

interface Doc {
  file: string;
  obj: any;
}
const base = readYaml(`${BASE}/kustomization.yaml`);
const baseDocs: Doc[] = (base.resources as string[]).flatMap((r) => readYamlDocs(`${BASE}/${r}`).map((obj) => ({ file: r, obj })));
const all = (kind: string) => baseDocs.map((d) => d.obj).filter((o) => o.kind === kind);
const one = (kind: string, name: string) => all(kind).find((o) => o.metadata?.name === name);
const deployment = (app: string) => one('Deployment', app);
const podSpec = (app: string) => deployment(app)?.spec?.template?.spec;
const mainContainer = (app: string) => podSpec(app)?.containers?.find((c: any) => c.name === app);
const allContainers = (app: string): any[] => [...(podSpec(app)?.initContainers ?? []), ...(podSpec(app)?.containers ?? [])];
const templateSecrets = readYamlDocs(SECRET_TEMPLATE);
const secretKeys = (name: string): string[] => {
  const s = templateSecrets.find((d: any) => d.kind === 'Secret' && d.metadata?.name === name);
  return s ? Object.keys({ ...(s.data ?? {}), ...(s.stringData ?? {}) }) : [];
};
const BASE_IMAGE: string = base.images?.[0]?.name;

/** A probe's port resolved against the container's ports. */
function probePort(container: any, probe: any): number | undefined {
  const port = probe?.httpGet?.port;
  if (typeof port === 'number') return port;
  return container.ports?.find((p: any) => p.name === port)?.containerPort;
}

describe('k8s/base kustomization', () => {
  it('lists only files that exist, and every manifest in the folder is listed (except the Secret template)', () => {
    for (const r of base.resources) expect([r, existsSync(path(BASE, r))]).toEqual([r, true]);
    const manifests = readdirSync(path(BASE)).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
    for (const f of manifests) {
      if (f === 'secret.template.yaml') expect(base.resources).not.toContain(f);
      else expect([f, base.resources]).toEqual([f, expect.arrayContaining([f])]);
    }
  });

  it('every document has apiVersion, kind and a unique name', () => {
    const seen = new Set<string>();
    for (const { file, obj } of baseDocs) {
      expect([file, typeof obj.apiVersion, typeof obj.kind, typeof obj.metadata?.name]).toEqual([file, 'string', 'string', 'string']);
      const key = `${obj.kind}/${obj.metadata.name}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });

  it('creates the namespace it deploys into', () => {
    expect(base.namespace).toBeTruthy();
    expect(all('Namespace').map((n) => n.metadata.name)).toEqual([base.namespace]);
  });

  it('has one Deployment per app, using the platform image', () => {
    expect(all('Deployment').map((d) => d.metadata.name).sort()).toEqual([...APPS].sort());
    expect(BASE_IMAGE).toBeTruthy();
    for (const app of APPS) for (const c of allContainers(app)) expect(c.image).toBe(BASE_IMAGE);
  });
});

describe.each(APPS)('Deployment %s', (app) => {
  const isWorker = WORKERS.includes(app);

  it('selects its own pods and leaves the replica count to the autoscaler', () => {
    const d = deployment(app);
    expect(selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
    expect(d.spec.template.metadata.labels['app.kubernetes.io/name']).toBe(app);
    expect(d.spec.template.metadata.labels['app.kubernetes.io/part-of']).toBe('muse');
    expect(d.spec.replicas).toBeUndefined();
  });

  it('runs the app entry point', () => {
    expect(mainContainer(app)).toBeDefined();
    expect([...(mainContainer(app).command ?? []), ...(mainContainer(app).args ?? [])]).toEqual(['node', appEntry(app)]);
  });

  it('sets cpu and memory requests and limits on every container, limits >= requests', () => {
    for (const c of allContainers(app)) {
      for (const r of ['cpu', 'memory']) {
        const req = c.resources?.requests?.[r];
        const lim = c.resources?.limits?.[r];
        expect([c.name, r, req !== undefined, lim !== undefined]).toEqual([c.name, r, true, true]);
        expect(quantity(lim)).toBeGreaterThanOrEqual(quantity(req));
      }
    }
  });

  it('probes /health/live (liveness) and /health/ready (readiness) on the container port', () => {
    const c = mainContainer(app);
    expect(c.livenessProbe?.httpGet?.path).toBe('/health/live');
    expect(c.readinessProbe?.httpGet?.path).toBe('/health/ready');
    expect(probePort(c, c.livenessProbe)).toBe(CONTAINER_PORT);
    expect(probePort(c, c.readinessProbe)).toBe(CONTAINER_PORT);
    if (c.startupProbe) expect(c.startupProbe.httpGet.path).toBe('/health/live');
  });

  it('listens on port 3000 via PORT (gateway) or HEALTH_PORT (workers)', () => {
    const c = mainContainer(app);
    expect(c.ports.map((p: any) => p.containerPort)).toEqual([CONTAINER_PORT]);
    const env = Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value]));
    expect(env[isWorker ? 'HEALTH_PORT' : 'PORT']).toBe(String(CONTAINER_PORT));
    if (isWorker) expect(Number(env.WORKER_CONCURRENCY)).toBeGreaterThan(0);
  });

  it('runs non-root with a read-only root filesystem and a writable emptyDir /tmp', () => {
    const pod = podSpec(app);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    for (const c of allContainers(app)) {
      expect([c.name, c.securityContext?.readOnlyRootFilesystem]).toEqual([c.name, true]);
      expect([c.name, c.securityContext?.allowPrivilegeEscalation]).toEqual([c.name, false]);
      expect(c.securityContext?.capabilities?.drop).toContain('ALL');
      expect(c.securityContext?.runAsUser ?? pod.securityContext.runAsUser).toBeGreaterThan(0);
      const tmp = (c.volumeMounts ?? []).find((m: any) => m.mountPath === '/tmp');
      expect([c.name, tmp]).toEqual([c.name, expect.anything()]);
      const volume = pod.volumes.find((v: any) => v.name === tmp.name);
      expect(volume?.emptyDir).toBeDefined();
    }
  });

  it('gets configuration from the ConfigMap and the Secrets', () => {
    for (const c of allContainers(app)) {
      const refs = c.envFrom ?? [];
      const cm = refs.find((r: any) => r.configMapRef)?.configMapRef.name;
      const secrets = refs.filter((r: any) => r.secretRef).map((r: any) => r.secretRef);
      expect(one('ConfigMap', cm)).toBeDefined();
      expect(secrets.map((s: any) => s.name)).toContain('muse-secrets');
      for (const s of secrets) {
        expect(secretKeys(s.name).length).toBeGreaterThan(0); // documented in the template
        if (s.name !== 'muse-secrets') expect(s.optional).toBe(true);
      }
    }
  });

  it(`drains on SIGTERM before the kubelet kills it (grace period${isWorker ? ' > longest job lock' : ''})`, () => {
    const grace = podSpec(app).terminationGracePeriodSeconds;
    const env = Object.fromEntries((mainContainer(app).env ?? []).map((e: any) => [e.name, e.value]));
    const drainMs = Number(env.SHUTDOWN_GRACE_MS);
    const preStop = mainContainer(app).lifecycle?.preStop?.exec?.command?.join(' ') ?? '';
    const preStopMs = Number(/setTimeout\([^,]+,\s*(\d+)\)/.exec(preStop)?.[1] ?? 0);
    expect(drainMs).toBeGreaterThan(0);
    expect(preStopMs + drainMs).toBeLessThan(grace * 1000);
    if (isWorker) {
      expect(grace).toBeGreaterThan(LONGEST_JOB_LOCK_SECONDS);
      expect(drainMs).toBeGreaterThan(LONGEST_JOB_LOCK_SECONDS * 1000);
    } else {
      expect(grace).toBeGreaterThanOrEqual(30);
    }
  });

  it('is scraped: prometheus annotations and a Service with the metrics label', () => {
    const annotations = deployment(app).spec.template.metadata.annotations ?? {};
    expect(annotations['prometheus.io/scrape']).toBe('true');
    expect(annotations['prometheus.io/port']).toBe(String(CONTAINER_PORT));
    expect(annotations['prometheus.io/path']).toBe('/metrics');
    const svc = all('Service').find((s) => selects(s.spec.selector, deployment(app).spec.template.metadata.labels));
    expect(svc).toBeDefined();
    expect(svc.metadata.labels['muse.studio/metrics']).toBe('true');
    const port = svc.spec.ports.find((p: any) => p.name === 'http');
    expect(port.targetPort === 'http' || port.targetPort === CONTAINER_PORT).toBe(true);
    if (isWorker) expect(svc.spec.clusterIP).toBe('None');
  });

  it('has a PodDisruptionBudget selecting its pods', () => {
    const pdb = all('PodDisruptionBudget').find((p) => selects(p.spec.selector.matchLabels, deployment(app).spec.template.metadata.labels));
    expect(pdb).toBeDefined();
    expect(pdb.spec.maxUnavailable ?? pdb.spec.minAvailable).toBeDefined();
  });
});

describe('api-gateway extras', () => {
  it('runs the migrations in an init container before starting', () => {
    const init = podSpec(GATEWAY).initContainers ?? [];
    expect(init.map((c: any) => [...(c.command ?? []), ...(c.args ?? [])])).toContainEqual(['node', MIGRATE_ENTRY]);
  });

  it('scales on CPU with a HorizontalPodAutoscaler', () => {
    const hpa = all('HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === GATEWAY);
    expect(hpa).toBeDefined();
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef.kind).toBe('Deployment');
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
    expect(hpa.spec.maxReplicas).toBeGreaterThanOrEqual(hpa.spec.minReplicas);
    expect(hpa.spec.metrics.some((m: any) => m.type === 'Resource' && m.resource.name === 'cpu')).toBe(true);
  });

  it('is the only app reachable from outside the namespace (NetworkPolicy)', () => {
    const policies = all('NetworkPolicy');
    const labels = (app: string) => deployment(app).spec.template.metadata.labels;
    const deny = policies.find((p) => p.spec.policyTypes.includes('Ingress') && !p.spec.ingress);
    expect(deny).toBeDefined();
    for (const app of APPS) expect(Object.keys(deny.spec.podSelector).length === 0 || selects(deny.spec.podSelector.matchLabels, labels(app))).toBe(true);
    const gatewayPolicy = policies.find((p) => p.spec.ingress && selects(p.spec.podSelector.matchLabels, labels(GATEWAY)) && !WORKERS.some((w) => selects(p.spec.podSelector.matchLabels, labels(w))));
    expect(gatewayPolicy).toBeDefined();
    expect(gatewayPolicy.spec.ingress.flatMap((r: any) => r.ports.map((p: any) => p.port))).toContain(CONTAINER_PORT);
    // Rules that select workers admit only the metrics port, never a broad "from anywhere".
    for (const p of policies.filter((p) => p.spec.ingress && WORKERS.some((w) => selects(p.spec.podSelector.matchLabels, labels(w))))) {
      for (const rule of p.spec.ingress) {
        expect(rule.from?.length).toBeGreaterThan(0);
        expect(rule.ports.map((x: any) => x.port)).toEqual([CONTAINER_PORT]);
      }
    }
  });

  it('a ServiceMonitor scrapes /metrics on every app Service', () => {
    const sm = one('ServiceMonitor', 'muse') ?? all('ServiceMonitor')[0];
    expect(sm?.apiVersion).toBe('monitoring.coreos.com/v1');
    for (const app of APPS) {
      const svc = all('Service').find((s) => s.metadata.name === app);
      expect(selects(sm.spec.selector.matchLabels, svc.metadata.labels)).toBe(true);
      for (const ep of sm.spec.endpoints) expect(svc.spec.ports.map((p: any) => p.name)).toContain(ep.port);
    }
    expect(sm.spec.endpoints.map((e: any) => e.path)).toContain('/metrics');
  });
});

describe.each(WORKERS)('KEDA ScaledObject for %s', (worker) => {
  const so = () => all('ScaledObject').find((s) => s.spec.scaleTargetRef.name === worker);

  it('targets the worker Deployment with sane bounds', () => {
    expect(so()).toBeDefined();
    expect(so().apiVersion).toBe('keda.sh/v1alpha1');
    expect(so().spec.scaleTargetRef.kind ?? 'Deployment').toBe('Deployment');
    expect(so().spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(so().spec.maxReplicaCount).toBeGreaterThanOrEqual(so().spec.minReplicaCount);
  });

  it(`scales on the BullMQ waiting list of its own queue`, () => {
    const triggers = so().spec.triggers;
    expect(triggers).toHaveLength(1);
    const [t] = triggers;
    expect(t.type).toBe('redis');
    expect(t.metadata.listName).toBe(`${REDIS_PREFIX}:${WORKER_QUEUES[worker]}:wait`);
    expect(Number(t.metadata.listLength)).toBeGreaterThan(0);
    expect(typeof t.metadata.listLength).toBe('string'); // KEDA metadata values are strings
  });

  it('authenticates through a TriggerAuthentication whose secret keys exist', () => {
    const ref = so().spec.triggers[0].authenticationRef?.name;
    const auth = one('TriggerAuthentication', ref);
    expect(auth).toBeDefined();
    const params = auth.spec.secretTargetRef.map((s: any) => s.parameter);
    expect(params).toContain('address');
    for (const s of auth.spec.secretTargetRef) expect([s.name, secretKeys(s.name)]).toEqual([s.name, expect.arrayContaining([s.key])]);
  });
});

describe('configuration', () => {
  it('the ConfigMap holds every non-secret setting and no secret', () => {
    const cm = all('ConfigMap')[0];
    for (const key of CONFIG_ENV) expect(Object.keys(cm.data)).toContain(key);
    for (const key of [...SECRET_ENV, ...PROVIDER_SECRET_ENV]) expect(Object.keys(cm.data)).not.toContain(key);
    expect(MUSIC_PROVIDERS).toContain(cm.data.DEFAULT_MUSIC_PROVIDER);
    for (const v of Object.values(cm.data)) expect(typeof v).toBe('string');
  });

  it('the Secret template documents every secret with clearly marked placeholders', () => {
    expect(secretKeys('muse-secrets')).toEqual(expect.arrayContaining(SECRET_ENV));
    expect(secretKeys('muse-provider-keys')).toEqual(expect.arrayContaining(PROVIDER_SECRET_ENV));
    for (const s of templateSecrets) {
      for (const v of Object.values((s as any).stringData ?? {})) expect(String(v)).toContain('CHANGE_ME');
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
describe.each(OVERLAYS)('overlay %s', (dir) => {
  const k = readYaml(`${dir}/kustomization.yaml`);
  const file = `${dir}/kustomization.yaml`;
  const baseKinds = new Set(baseDocs.map((d) => `${d.obj.kind}/${d.obj.metadata.name}`));

  it('builds on the base and every resource exists', () => {
    expect(k.resources.length).toBeGreaterThan(0);
    for (const r of k.resources) {
      const target = resolveFrom(file, r);
      expect([r, existsSync(target)]).toEqual([r, true]);
      if (isDir(target)) expect(existsSync(join(target, 'kustomization.yaml'))).toBe(true);
    }
    expect(k.resources.map((r: string) => resolveFrom(file, r))).toContain(path(BASE));
  });

  it('every patch file exists, parses and patches an object of the base', () => {
    const patches = [...(k.patches ?? []), ...(k.patchesStrategicMerge ?? []).map((p: string) => ({ path: p }))];
    expect(patches.length).toBeGreaterThan(0);
    for (const p of patches) {
      if (p.path) {
        expect([p.path, existsSync(resolveFrom(file, p.path))]).toEqual([p.path, true]);
        for (const doc of readYamlDocs(`${dir}/${p.path}`)) expect(baseKinds.has(`${doc.kind}/${doc.metadata.name}`)).toBe(true);
      } else {
        expect(p.patch).toBeTruthy();
        expect(p.target?.kind).toBeTruthy();
        expect([...baseKinds].some((key) => key.startsWith(`${p.target.kind}/`))).toBe(true);
        const docs = parseAllDocuments(p.patch);
        for (const d of Array.isArray(docs) ? docs : [docs]) expect(d.errors).toEqual([]);
      }
    }
  });

  it('sets the image of the base and keeps requests <= limits in its resource patches', () => {
    expect(k.images?.map((i: any) => i.name)).toContain(base.images[0].newName ?? BASE_IMAGE);
    for (const p of (k.patches ?? []).filter((x: any) => x.path)) {
      for (const doc of readYamlDocs(`${dir}/${p.path}`).filter((d: any) => d.kind === 'Deployment')) {
        for (const c of doc.spec?.template?.spec?.containers ?? []) {
          if (!c.resources) continue;
          for (const r of ['cpu', 'memory']) {
            if (c.resources.requests?.[r] && c.resources.limits?.[r]) {
              expect(quantity(c.resources.limits[r])).toBeGreaterThanOrEqual(quantity(c.resources.requests[r]));
            }
          }
        }
      }
    }
  });

  it('provides the Secrets: generated in dev, never placeholders in prod', () => {
    const generated = (k.secretGenerator ?? []).find((s: any) => s.name === 'muse-secrets');
    if (dir.endsWith('/dev')) {
      const literals: Record<string, string> = Object.fromEntries(generated.literals.map((l: string) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      expect(Object.keys(literals)).toEqual(expect.arrayContaining([...SECRET_ENV, 'REDIS_ADDRESS', 'REDIS_PASSWORD']));
      expect(literals.JWT_SECRET.length).toBeGreaterThanOrEqual(MIN_JWT_SECRET_LENGTH);
      expect(literals.REDIS_URL).toContain(literals.REDIS_ADDRESS);
      expect(k.generatorOptions?.disableNameSuffixHash).toBe(true); // KEDA refers to the Secret by name
    } else {
      expect(generated).toBeUndefined();
      expect(k.images.every((i: any) => i.newTag && i.newTag !== 'latest')).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Full render through kustomize, when kubectl is installed.
let kubectl = false;
try {
  execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
  kubectl = true;
} catch {
  kubectl = false;
}
const itRender = kubectl ? it : it.skip;

describe('kubectl kustomize render', () => {
  const render = (dir: string): any[] =>
    parseAllDocuments(execFileSync('kubectl', ['kustomize', path(dir)], { encoding: 'utf8' }))
      .map((d: any) => d.toJS())
      .filter(Boolean);

  itRender.each(OVERLAYS)('%s renders every app with the overlay image, namespace and sane scaling', (dir) => {
    const k = readYaml(`${dir}/kustomization.yaml`);
    const objs = render(dir);
    const tag = k.images[0].newTag;
    for (const o of objs) if (o.kind !== 'Namespace') expect([o.kind, o.metadata.name, o.metadata.namespace]).toEqual([o.kind, o.metadata.name, k.namespace]);
    expect(objs.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual([k.namespace]);
    const deployments = objs.filter((o) => o.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...APPS].sort());
    for (const d of deployments) {
      for (const c of [...(d.spec.template.spec.initContainers ?? []), ...d.spec.template.spec.containers]) {
        expect(c.image).toBe(`${base.images[0].newName}:${tag}`);
        for (const r of ['cpu', 'memory']) expect(quantity(c.resources.limits[r])).toBeGreaterThanOrEqual(quantity(c.resources.requests[r]));
      }
    }
    for (const so of objs.filter((o) => o.kind === 'ScaledObject')) expect(so.spec.maxReplicaCount).toBeGreaterThanOrEqual(so.spec.minReplicaCount);
    for (const h of objs.filter((o) => o.kind === 'HorizontalPodAutoscaler')) expect(h.spec.maxReplicas).toBeGreaterThanOrEqual(h.spec.minReplicas);
    const secret = objs.find((o) => o.kind === 'Secret' && o.metadata.name === 'muse-secrets');
    if (dir.endsWith('/dev')) expect(secret).toBeDefined();
    else expect(secret).toBeUndefined();
  });
});

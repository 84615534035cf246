// Issue 8 additions to the Kubernetes base: the gateway's Ingress and the migration Job. Read from the
// YAML files (no cluster, no kubectl needed).
import { describe, expect, it } from '@jest/globals';
import { CONTAINER_PORT, durationSeconds, GATEWAY, MIGRATE_ENTRY, quantity, readYaml, readYamlDocs, WORKERS } from './deploy-files.js';

const BASE = 'k8s/base';
const kustomization = readYaml(`${BASE}/kustomization.yaml`);
const docs = (kustomization.resources as string[]).flatMap((r) => readYamlDocs(`${BASE}/${r}`));
const find = (kind: string, name?: string) => docs.filter((d: any) => d.kind === kind && (!name || d.metadata.name === name));

describe('gateway Ingress', () => {
  const [ingress] = find('Ingress') as any[];

  it('exists, is the only one, and routes every path to the gateway Service', () => {
    expect(find('Ingress')).toHaveLength(1);
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.spec.ingressClassName).toBeTruthy();
    const backends = ingress.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => ({ path: p.path, type: p.pathType, service: p.backend.service })));
    expect(backends).toContainEqual({ path: '/', type: 'Prefix', service: expect.objectContaining({ name: GATEWAY }) });
    for (const b of backends) expect(WORKERS).not.toContain(b.service.name);
    const svc = find('Service', GATEWAY)[0] as any;
    for (const b of backends) {
      const port = svc.spec.ports.find((p: any) => p.name === b.service.port.name || p.port === b.service.port.number);
      expect(port).toBeDefined();
    }
  });

  it('terminates TLS for every host it serves', () => {
    const hosts = ingress.spec.rules.map((r: any) => r.host);
    const tlsHosts = ingress.spec.tls.flatMap((t: any) => t.hosts);
    for (const h of hosts) expect(tlsHosts).toContain(h);
    for (const t of ingress.spec.tls) expect(t.secretName).toBeTruthy();
  });

  it('admits traffic from the ingress controller through the gateway NetworkPolicy on the container port', () => {
    const policy = find('NetworkPolicy').find((p: any) => p.spec.podSelector?.matchLabels?.['app.kubernetes.io/name'] === GATEWAY) as any;
    expect(policy.spec.ingress.flatMap((r: any) => r.ports.map((p: any) => p.port))).toContain(CONTAINER_PORT);
  });
});

describe('migration Job', () => {
  const [job] = find('Job') as any[];
  const pod = job?.spec.template.spec;
  const container = pod?.containers[0];

  it('runs migrate-cli once from the platform image, with retries and a deadline', () => {
    expect(job.apiVersion).toBe('batch/v1');
    expect([...(container.command ?? []), ...(container.args ?? [])]).toEqual(['node', MIGRATE_ENTRY]);
    expect(container.image).toBe(kustomization.images[0].name);
    expect(['OnFailure', 'Never']).toContain(pod.restartPolicy);
    expect(job.spec.backoffLimit).toBeGreaterThan(0);
    expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(0);
    // Finished Jobs must go away, or the next release's apply hits the immutable pod template.
    expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
  });

  it('has limits, runs non-root with a read-only root filesystem, and reads config and secrets by reference', () => {
    for (const r of ['cpu', 'memory']) expect(quantity(container.resources.limits[r])).toBeGreaterThanOrEqual(quantity(container.resources.requests[r]));
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(container.securityContext.capabilities.drop).toContain('ALL');
    expect(container.envFrom.map((e: any) => e.configMapRef?.name ?? e.secretRef?.name)).toEqual(['muse-config', 'muse-secrets']);
    expect(container.env ?? []).toEqual([]);
  });
});

describe('every image and grace period', () => {
  it('no workload names a floating tag itself (the overlays pin the tag)', () => {
    const containers = docs.flatMap((d: any) => [...(d.spec?.template?.spec?.initContainers ?? []), ...(d.spec?.template?.spec?.containers ?? [])]);
    expect(containers.length).toBeGreaterThan(0);
    for (const c of containers) expect([c.name, c.image]).toEqual([c.name, kustomization.images[0].name]);
    for (const dir of ['k8s/overlays/dev', 'k8s/overlays/prod']) {
      const tags = (readYaml(`${dir}/kustomization.yaml`).images as any[]).map((i) => String(i.newTag));
      expect(tags.every((t) => t && t !== 'latest')).toBe(true);
    }
  });

  it('worker grace periods outlast the slowest job lock the workers are configured with', () => {
    for (const w of WORKERS) {
      const d = find('Deployment', w)[0] as any;
      const env = Object.fromEntries((d.spec.template.spec.containers[0].env ?? []).map((e: any) => [e.name, e.value]));
      const lockSeconds = Number(env.JOB_LOCK_MS ?? 60_000) / 1000;
      expect(d.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(Math.max(lockSeconds, durationSeconds('300s')));
    }
  });
});

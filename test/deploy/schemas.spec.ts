// Schema validation, offline: docker-compose.yml against the Compose Specification JSON schema
// (shipped by the dclint package), every Kubernetes object of the base (and, when kubectl is installed, of each
// rendered overlay) against the API schemas compiled into kubernetes-models and its KEDA and
// Prometheus Operator CRD packages. Each validator is shown to reject a broken copy first, so a pass
// means something.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import Ajv from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { path, readYaml, readYamlDocs } from './deploy-files.js';

const require = createRequire(import.meta.url);
const composeSchema = JSON.parse(readFileSync(join(dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json'), 'utf8')) as Record<string, unknown>;

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: any) => Validatable;

/** apiVersion/kind -> the model whose schema validates it. A kind missing here fails the test. */
const MODELS: Record<string, ModelClass> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

/** The schema errors of one object ('' when valid). */
function k8sErrors(obj: any): string {
  // kustomize wraps long base64 Secret values over lines; the API server's decoder skips the newlines.
  if (obj.kind === 'Secret' && obj.data) obj = { ...obj, data: Object.fromEntries(Object.entries(obj.data).map(([k, v]) => [k, String(v).replace(/\s+/g, '')])) };
  const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!Model) return `no schema for ${obj.apiVersion}/${obj.kind}`;
  try {
    new Model(obj).validate();
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('docker-compose.yml against the Compose Specification schema', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  // The schema names draft-07 by an https URI without '#', which Ajv does not know by that name.
  const { $schema: _meta, ...schema } = composeSchema;
  const validate = ajv.compile(schema);
  const compose = readYaml('docker-compose.yml');
  // Compose's extension fields (x-*) hold the YAML anchors; the spec allows them at the top level.
  const errors = (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));

  it('the validator rejects a broken file', () => {
    const broken = clone(compose);
    const [first] = Object.keys(broken.services);
    broken.services[first].depends_on = { postgres: { condition: 'when_it_feels_like_it' } };
    broken.services[first].healthcheck = { test: ['CMD', 'true'], interval: 5 };
    broken.services[first].not_a_compose_key = true;
    expect(errors(broken).length).toBeGreaterThanOrEqual(2);
  });

  it('is valid', () => {
    expect(errors(compose)).toEqual([]);
  });
});

describe('Kubernetes objects against the API schemas', () => {
  const kustomization = readYaml('k8s/base/kustomization.yaml');
  const baseDocs = [...(kustomization.resources as string[]), 'secret.template.yaml'].flatMap((r) => readYamlDocs(`k8s/base/${r}`).map((obj: any) => ({ file: r, obj })));

  it('the validators reject broken objects', () => {
    const deployment = clone(baseDocs.find((d) => d.obj.kind === 'Deployment')!.obj);
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'three thousand';
    expect(k8sErrors(deployment)).toContain('containerPort');
    const so = clone(baseDocs.find((d) => d.obj.kind === 'ScaledObject')!.obj);
    so.spec.triggers[0].metadata.listLength = 8; // KEDA wants strings
    expect(k8sErrors(so)).toContain('listLength');
    const job = clone(baseDocs.find((d) => d.obj.kind === 'Job')!.obj);
    job.spec.backoffLimit = 'three';
    expect(k8sErrors(job)).toContain('backoffLimit');
    expect(k8sErrors({ apiVersion: 'example.com/v1', kind: 'Unknown' })).toContain('no schema');
  });

  it('every base object (and the Secret template) is valid', () => {
    expect(baseDocs.length).toBeGreaterThan(20);
    const problems = baseDocs.map((d) => [d.file, d.obj.kind, d.obj.metadata?.name, k8sErrors(d.obj)]).filter((p) => p[3]);
    expect(problems).toEqual([]);
  });

  let kubectl = false;
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    kubectl = true;
  } catch {
    kubectl = false;
  }
  (kubectl ? it.each : it.skip.each)(['k8s/overlays/dev', 'k8s/overlays/prod'])('every object rendered by %s is valid and names no :latest image', (dir) => {
    const objs = parseAllDocuments(execFileSync('kubectl', ['kustomize', path(dir)], { encoding: 'utf8' }))
      .map((d: any) => d.toJS())
      .filter(Boolean);
    expect(objs.length).toBeGreaterThan(20);
    expect(objs.map((o: any) => [o.kind, o.metadata.name, k8sErrors(o)]).filter((p) => p[2])).toEqual([]);
    const images = objs.flatMap((o: any) => [...(o.spec?.template?.spec?.initContainers ?? []), ...(o.spec?.template?.spec?.containers ?? [])].map((c: any) => c.image as string));
    for (const image of images) expect([image, /:latest$|^[^:]+$/.test(image)]).toEqual([image, false]);
  });
});

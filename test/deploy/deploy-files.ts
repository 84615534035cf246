// Shared facts and small parsers for the deployment-file tests (Dockerfile, compose, kustomize, dashboards).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/** Jest runs from the repository root. */
export const ROOT = process.cwd();

export const path = (...parts: string[]): string => join(ROOT, ...parts);
export const read = (file: string): string => readFileSync(path(file), 'utf8');
export const exists = (file: string): boolean => existsSync(path(file));
export const isDir = (file: string): boolean => existsSync(file) && statSync(file).isDirectory();

/** One YAML document; merge keys (`<<: *anchor`) are resolved as Docker Compose does. */
export function readYaml<T = any>(file: string): T {
  return parse(read(file), { merge: true }) as T;
}

/** Every document of a multi-document YAML file; fails on any YAML error. */
export function readYamlDocs<T = any>(file: string): T[] {
  const docs = parseAllDocuments(read(file), { merge: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: T[] = [];
  for (const doc of list) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS();
    if (value != null) out.push(value as T);
  }
  return out;
}

export const dirOf = (file: string): string => dirname(path(file));
export const resolveFrom = (file: string, ref: string): string => resolve(dirOf(file), ref);

// ---------------------------------------------------------------------------------------------------------
// The platform being deployed.

export const GATEWAY = 'api-gateway';
/** Worker app -> the BullMQ queue it consumes. */
export const WORKER_QUEUES: Record<string, string> = {
  'generation-worker': 'generation',
  'stems-worker': 'stems',
  archiver: 'archiving',
  'analytics-ingest': 'analytics',
  'webhook-sender': 'webhooks',
};
export const WORKERS = Object.keys(WORKER_QUEUES);
export const APPS = [GATEWAY, ...WORKERS];
export const REDIS_PREFIX = '{muse}';
/** Seconds: the longest BullMQ job lock (generation) is about five minutes. */
export const LONGEST_JOB_LOCK_SECONDS = 300;
/** The gateway's config rejects a JWT_SECRET shorter than this. */
export const MIN_JWT_SECRET_LENGTH = 32;
/** "${VAR:-default}" (compose interpolation) -> "default"; other values unchanged. */
export const interpolationDefault = (value: unknown): string => String(value ?? '').replace(/\$\{\w+:?-([^}]*)\}/g, '$1');
export const CONTAINER_PORT = 3000;
export const appEntry = (app: string): string => `apps/${app}/dist/main.js`;
export const MIGRATE_ENTRY = 'libs/db/dist/migrate-cli.js';

export const BUCKETS = ['tracks', 'tracks-archive', 'stems', 'audio-library', 'covers'];
export const PUBLIC_BUCKETS = ['tracks', 'stems', 'covers'];

export const SECRET_ENV = ['DATABASE_URL', 'REDIS_URL', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'JWT_SECRET'];
export const PROVIDER_SECRET_ENV = ['SUNO_API_KEY', 'MUREKA_API_KEY', 'REPLICATE_API_TOKEN', 'FAL_KEY'];
export const CONFIG_ENV = ['LOG_LEVEL', 'PUBLIC_BASE_URL', 'S3_ENDPOINT', 'S3_REGION', 'S3_PUBLIC_URL', 'DEFAULT_MUSIC_PROVIDER', 'WORKER_CONCURRENCY'];
export const MUSIC_PROVIDERS = ['local', 'suno', 'mureka'];

// ---------------------------------------------------------------------------------------------------------
// Metrics the apps export (the dashboard and alert rules may use nothing else).

export type MetricType = 'gauge' | 'counter' | 'histogram';
export const METRICS: Record<string, { type: MetricType; labels: string[] }> = {
  bullmq_queue_jobs: { type: 'gauge', labels: ['queue', 'state'] },
  bullmq_job_duration_seconds: { type: 'histogram', labels: ['queue', 'job_name', 'outcome'] },
  bullmq_job_wait_seconds: { type: 'histogram', labels: ['queue', 'job_name'] },
  bullmq_jobs_completed_total: { type: 'counter', labels: ['queue', 'job_name'] },
  bullmq_jobs_failed_total: { type: 'counter', labels: ['queue', 'job_name'] },
  http_request_duration_seconds: { type: 'histogram', labels: ['method', 'route', 'status_code'] },
  provider_request_duration_seconds: { type: 'histogram', labels: ['provider'] },
  provider_circuit_state: { type: 'gauge', labels: ['provider'] },
  outbox_pending_messages: { type: 'gauge', labels: [] },
  outbox_oldest_message_age_seconds: { type: 'gauge', labels: [] },
};
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'];
/** Labels every scraped series carries besides its own: target labels added by Prometheus / relabelling,
 *  and `service`, the default label of every app's registry (createMetricsRegistry). */
const TARGET_LABELS = ['job', 'instance', 'namespace', 'pod', 'service', 'container', 'app'];

const PROMQL_FUNCTIONS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group',
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'histogram_quantile', 'clamp_min', 'clamp_max', 'clamp',
  'abs', 'ceil', 'floor', 'round', 'sqrt', 'exp', 'ln', 'log2', 'log10', 'time', 'vector', 'scalar', 'absent',
  'absent_over_time', 'max_over_time', 'min_over_time', 'avg_over_time', 'sum_over_time', 'last_over_time',
  'label_replace', 'label_join', 'sort', 'sort_desc', 'changes', 'resets', 'timestamp',
]);
const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

export interface PromqlUse {
  /** Metric series names as written (e.g. http_request_duration_seconds_bucket). */
  series: string[];
  /** Label names used in matchers, per series name. */
  matchers: { series: string; label: string; op: string; value: string }[];
  /** Labels in by (...), without (...), on (...), ignoring (...) clauses. */
  groupingLabels: string[];
  functions: string[];
  problems: string[];
}

/** A light PromQL reader: enough to tell which metrics, labels and functions an expression uses. */
export function analysePromql(expr: string): PromqlUse {
  const use: PromqlUse = { series: [], matchers: [], groupingLabels: [], functions: [], problems: [] };
  let s = expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m');
  // selectors with label matchers
  s = s.replace(/([a-zA-Z_:][\w:]*)?\s*\{([^}]*)\}/g, (_m, name: string | undefined, body: string) => {
    if (!name) {
      use.problems.push(`selector without metric name: {${body}}`);
      return ' ';
    }
    for (const part of body.split(',').map((p) => p.trim()).filter(Boolean)) {
      const m = /^([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"$/.exec(part);
      if (!m) use.problems.push(`unreadable matcher "${part}" on ${name}`);
      else use.matchers.push({ series: name, label: m[1], op: m[2], value: m[3] });
    }
    return ` ${name} `;
  });
  s = s.replace(/\[[^\]]*\]/g, ' '); // range / subquery durations
  s = s.replace(/"(?:[^"\\]|\\.)*"/g, ' '); // string literals (label_replace arguments)
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_m, _kw, labels: string) => {
    use.groupingLabels.push(...labels.split(',').map((l) => l.trim()).filter(Boolean));
    return ' ';
  });
  s = s.replace(/(^|[^\w.])\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.])/gi, '$1 ');
  const tokens = s.matchAll(/([a-zA-Z_:][\w:]*)\s*(\()?/g);
  for (const [, word, call] of tokens) {
    if (call) {
      if (PROMQL_FUNCTIONS.has(word)) use.functions.push(word);
      else use.problems.push(`unknown function ${word}()`);
    } else if (!PROMQL_KEYWORDS.has(word.toLowerCase())) {
      use.series.push(word);
    }
  }
  if (!use.series.length) use.problems.push('no metric referenced');
  return use;
}

/** The catalog metric a series name belongs to, or undefined. */
export function catalogMetric(series: string): { name: string; suffix: string } | undefined {
  if (METRICS[series]) return { name: series, suffix: '' };
  const m = /^(.*)_(bucket|sum|count)$/.exec(series);
  if (m && METRICS[m[1]]?.type === 'histogram') return { name: m[1], suffix: m[2] };
  return undefined;
}

/** Every problem of one expression against the metric catalog ([] = fine). */
export function checkPromql(expr: string): string[] {
  const use = analysePromql(expr);
  const problems = [...use.problems];
  const known = new Set<string>(TARGET_LABELS);
  let usesBucket = false;
  for (const series of use.series) {
    const metric = catalogMetric(series);
    if (!metric) {
      problems.push(`unknown metric ${series}`);
      continue;
    }
    METRICS[metric.name].labels.forEach((l) => known.add(l));
    if (metric.suffix === 'bucket') {
      usesBucket = true;
      known.add('le');
    }
    if (METRICS[metric.name].type === 'histogram' && metric.suffix === '') problems.push(`histogram ${series} used without _bucket/_sum/_count`);
  }
  for (const m of use.matchers) {
    const metric = catalogMetric(m.series);
    if (!metric) continue;
    const labels = [...METRICS[metric.name].labels, ...TARGET_LABELS];
    if (!labels.includes(m.label)) problems.push(`${m.series} has no label ${m.label}`);
    if (m.label === 'state' && metric.name === 'bullmq_queue_jobs' && !m.op.includes('~')) {
      if (!QUEUE_STATES.includes(m.value)) problems.push(`unknown queue state "${m.value}"`);
    }
    if (m.label === 'state' && m.op === '=~') {
      for (const v of m.value.split('|')) if (!QUEUE_STATES.includes(v)) problems.push(`unknown queue state "${v}"`);
    }
  }
  for (const l of use.groupingLabels) if (!known.has(l)) problems.push(`grouping label ${l} is not a label of the metrics used`);
  if (use.functions.includes('histogram_quantile')) {
    if (!usesBucket) problems.push('histogram_quantile over a non-_bucket series');
    else if (!use.groupingLabels.includes('le')) problems.push('histogram_quantile without "le" in by (...)');
  }
  if (usesBucket && !use.functions.includes('histogram_quantile')) problems.push('_bucket series outside histogram_quantile');
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// Dockerfile reader.

export interface DockerInstruction {
  keyword: string;
  args: string;
  line: number;
}
export interface DockerStage {
  index: number;
  name?: string;
  from: string;
  instructions: DockerInstruction[];
}
export interface Dockerfile {
  args: Record<string, string>;
  stages: DockerStage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const logical: DockerInstruction[] = [];
  const lines = text.split(/\r?\n/);
  let buffer = '';
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (!buffer && /^\s*#/.test(raw)) continue; // comment / parser directive
    if (buffer && /^\s*#/.test(raw)) continue; // comment inside a continuation
    if (!buffer) start = i + 1;
    if (/\\\s*$/.test(raw)) {
      buffer += raw.replace(/\\\s*$/, ' ');
      continue;
    }
    buffer += raw;
    const trimmed = buffer.trim();
    buffer = '';
    if (!trimmed) continue;
    const m = /^(\w+)\s*(.*)$/s.exec(trimmed);
    if (m) logical.push({ keyword: m[1].toUpperCase(), args: m[2].trim(), line: start });
  }
  const result: Dockerfile = { args: {}, stages: [] };
  for (const ins of logical) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`unreadable FROM on line ${ins.line}`);
      result.stages.push({ index: result.stages.length, from: m[1], name: m[2], instructions: [] });
    } else if (!result.stages.length) {
      if (ins.keyword === 'ARG') {
        const [k, v = ''] = ins.args.split('=');
        result.args[k.trim()] = v.trim();
      }
    } else {
      result.stages[result.stages.length - 1].instructions.push(ins);
    }
  }
  return result;
}

/** JSON (exec) form of CMD / ENTRYPOINT / HEALTHCHECK CMD, or the shell string split on spaces. */
export function execForm(args: string): string[] {
  const t = args.trim();
  if (t.startsWith('[')) return JSON.parse(t) as string[];
  return t.split(/\s+/);
}

/** "COPY --from=x --chown=y src... dest" -> its flags, sources and destination. */
export function parseCopy(args: string): { flags: Record<string, string>; sources: string[]; dest: string } {
  const parts = args.split(/\s+/).filter(Boolean);
  const flags: Record<string, string> = {};
  while (parts[0]?.startsWith('--')) {
    const [k, v = 'true'] = parts.shift()!.slice(2).split('=');
    flags[k] = v;
  }
  const dest = parts.pop() ?? '';
  return { flags, sources: parts, dest };
}

// ---------------------------------------------------------------------------------------------------------
// Kubernetes helpers.

/** "500m" -> 0.5, "2" -> 2, "512Mi" -> bytes. */
export function quantity(value: string | number): number {
  if (typeof value === 'number') return value;
  const m = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(value);
  if (!m) throw new Error(`unreadable quantity ${value}`);
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  const factor: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return n * factor[unit];
}

/** "330s", "6m", "1m30s" -> seconds. */
export function durationSeconds(value: string | number): number {
  if (typeof value === 'number') return value;
  let total = 0;
  let matched = '';
  for (const m of value.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : m[2] === 'ms' ? n / 1000 : n / 1e6;
    matched += m[0];
  }
  if (matched !== value) throw new Error(`unreadable duration ${value}`);
  return total;
}

/** true when every matchLabels pair is among the labels. */
export const selects = (matchLabels: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean =>
  !!matchLabels && Object.keys(matchLabels).length > 0 && Object.entries(matchLabels).every(([k, v]) => labels?.[k] === v);

/**
 * What the dashboard may change. Jobs belong to job rows in Postgres (the outbox publishes them), so
 * the board may retry, promote, remove and pause/resume, but never create jobs, rewrite their data, or
 * empty/obliterate a queue: those would make the queue disagree with the job rows.
 */
export interface DashboardAction {
  action: string;
  queue?: string;
  jobId?: string;
  status?: string;
  allowed: boolean;
}

const RULES: { method: string; pattern: RegExp; action: string; allowed: boolean }[] = [
  { method: 'PUT', pattern: /^\/api\/queues\/pause$/, action: 'queues.pause', allowed: true },
  { method: 'PUT', pattern: /^\/api\/queues\/resume$/, action: 'queues.resume', allowed: true },
  { method: 'PUT', pattern: /^\/api\/queues\/(?<queue>[^/]+)\/retry\/(?<status>[^/]+)$/, action: 'queue.retry-all', allowed: true },
  { method: 'PUT', pattern: /^\/api\/queues\/(?<queue>[^/]+)\/promote$/, action: 'queue.promote-all', allowed: true },
  { method: 'PUT', pattern: /^\/api\/queues\/(?<queue>[^/]+)\/clean\/(?<status>[^/]+)$/, action: 'queue.clean', allowed: true },
  { method: 'PUT', pattern: /^\/api\/queues\/(?<queue>[^/]+)\/pause$/, action: 'queue.pause', allowed: true },
  { method: 'PUT', pattern: /^\/api\/queues\/(?<queue>[^/]+)\/resume$/, action: 'queue.resume', allowed: true },
  { method: 'PUT', pattern: /^\/api\/queues\/(?<queue>[^/]+)\/(?<job>[^/]+)\/retry$/, action: 'job.retry', allowed: true },
  { method: 'PUT', pattern: /^\/api\/queues\/(?<queue>[^/]+)\/(?<job>[^/]+)\/clean$/, action: 'job.remove', allowed: true },
  { method: 'PUT', pattern: /^\/api\/queues\/(?<queue>[^/]+)\/(?<job>[^/]+)\/promote$/, action: 'job.promote', allowed: true },
];

/** Classifies a state-changing request to the board's API (path relative to /admin/queues). */
export function classifyAction(method: string, path: string): DashboardAction {
  const clean = decodeURI(path.split('?')[0] ?? '').replace(/\/+$/, '');
  for (const rule of RULES) {
    if (rule.method !== method.toUpperCase()) continue;
    const m = rule.pattern.exec(clean);
    if (m) return { action: rule.action, queue: m.groups?.queue, jobId: m.groups?.job, status: m.groups?.status, allowed: rule.allowed };
  }
  return { action: `${method.toUpperCase()} ${clean}`, allowed: false };
}

export const isReadOnly = (method: string): boolean => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';

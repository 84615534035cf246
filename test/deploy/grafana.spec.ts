import { describe, expect, it } from '@jest/globals';
import { analysePromql, catalogMetric, checkPromql, exists, METRICS, read, readYaml } from './deploy-files.js';

const DASHBOARD = 'deploy/grafana/muse-dashboard.json';
const dashboard = JSON.parse(read(DASHBOARD));
const flatPanels = (panels: any[]): any[] => panels.flatMap((p) => [p, ...flatPanels(p.panels ?? [])]);
const panels = flatPanels(dashboard.panels ?? []);
const dataPanels = panels.filter((p) => p.type !== 'row');
const targets = dataPanels.flatMap((p) => (p.targets ?? []).map((t: any) => ({ panel: p.title as string, expr: t.expr as string })));
const exprs = targets.map((t) => t.expr);
const usedMetrics = new Set(exprs.flatMap((e) => analysePromql(e).series.map((s) => catalogMetric(s)?.name).filter(Boolean)));
const panelUsing = (pattern: RegExp) => targets.filter((t) => pattern.test(t.expr));

describe('checkPromql (the checker itself)', () => {
  it('accepts catalog metrics and rejects unknown metrics, labels, states and misused histograms', () => {
    expect(checkPromql('sum by (queue) (rate(bullmq_jobs_completed_total{queue=~"$queue"}[$__rate_interval]))')).toEqual([]);
    expect(checkPromql('histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))')).toEqual([]);
    expect(checkPromql('sum(rate(bullmq_jobs_total[5m]))')).not.toEqual([]);
    expect(checkPromql('sum by (route) (bullmq_queue_jobs)')).not.toEqual([]);
    expect(checkPromql('bullmq_queue_jobs{state="queued"}')).not.toEqual([]);
    expect(checkPromql('bullmq_queue_jobs{status="waiting"}')).not.toEqual([]);
    expect(checkPromql('rate(http_request_duration_seconds[5m])')).not.toEqual([]);
    expect(checkPromql('histogram_quantile(0.5, sum by (route) (rate(http_request_duration_seconds_bucket[5m])))')).not.toEqual([]);
    expect(checkPromql('sum(rate(provider_calls_total[5m]))')).not.toEqual([]);
    expect(checkPromql('1 + 1')).not.toEqual([]);
  });
});

describe('Grafana dashboard', () => {
  it('is a dashboard with a stable uid, a title and panels', () => {
    expect(typeof dashboard.uid).toBe('string');
    expect(typeof dashboard.title).toBe('string');
    expect(dataPanels.length).toBeGreaterThanOrEqual(8);
  });

  it('panel ids are unique and panels sit on the 24-column grid without overlapping', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const boxes = panels.map((p) => p.gridPos);
    for (const b of boxes) {
      expect(b.x + b.w).toBeLessThanOrEqual(24);
      expect(b.w).toBeGreaterThan(0);
      expect(b.h).toBeGreaterThan(0);
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect([panels[i].title, panels[j].title, overlap]).toEqual([panels[i].title, panels[j].title, false]);
      }
    }
  });

  it('every data panel queries Prometheus through the datasource variable', () => {
    expect(dashboard.templating.list.find((v: any) => v.type === 'datasource')?.query).toBe('prometheus');
    for (const p of dataPanels) {
      expect([p.title, (p.targets ?? []).length > 0]).toEqual([p.title, true]);
      for (const t of p.targets) {
        expect(t.expr).toBeTruthy();
        expect((t.datasource ?? p.datasource)?.uid).toBe('${datasource}');
      }
    }
  });

  it('every panel expression uses only the exported metrics, their labels and valid queue states', () => {
    for (const t of targets) expect([t.panel, t.expr, checkPromql(t.expr)]).toEqual([t.panel, t.expr, []]);
  });

  it('template variables query exported metrics', () => {
    for (const v of dashboard.templating.list.filter((x: any) => x.type === 'query')) {
      const q = typeof v.query === 'string' ? v.query : v.query.query;
      const m = /label_values\(\s*([a-zA-Z_:][\w:]*)\s*,\s*(\w+)\s*\)/.exec(q);
      expect(m).not.toBeNull();
      expect(METRICS[m![1]]?.labels).toContain(m![2]);
    }
  });

  it('uses every exported metric at least once', () => {
    expect([...usedMetrics].sort()).toEqual(Object.keys(METRICS).sort());
  });

  it('shows queue depth and queue wait per queue', () => {
    expect(panelUsing(/bullmq_queue_jobs\{[^}]*state="waiting"/).some((t) => /by \([^)]*queue/.test(t.expr))).toBe(true);
    expect(panelUsing(/histogram_quantile\([^,]+,\s*sum by \([^)]*queue[^)]*\) \(rate\(bullmq_job_wait_seconds_bucket/).length).toBeGreaterThan(0);
  });

  it('shows throughput and failure rate per queue', () => {
    expect(panelUsing(/rate\(bullmq_jobs_completed_total/).some((t) => /by \(queue\)/.test(t.expr))).toBe(true);
    expect(panelUsing(/rate\(bullmq_jobs_failed_total[^/]*\/.*bullmq_jobs_completed_total/).length).toBeGreaterThan(0);
  });

  it('shows provider circuit state and latency per provider', () => {
    expect(panelUsing(/provider_circuit_state/).some((t) => /by \(provider\)/.test(t.expr))).toBe(true);
    expect(panelUsing(/provider_request_duration_seconds_bucket/).some((t) => /by \(provider, le\)/.test(t.expr))).toBe(true);
  });

  it('shows gateway latency p50 and p99', () => {
    const quantiles = panelUsing(/http_request_duration_seconds_bucket/).map((t) => /histogram_quantile\(\s*([0-9.]+)/.exec(t.expr)?.[1]);
    expect(quantiles).toContain('0.5');
    expect(quantiles).toContain('0.99');
  });
});

describe('Prometheus alert rules', () => {
  const rules = readYaml('deploy/prometheus/alerts.yml').groups.flatMap((g: any) => g.rules);

  it('every rule expression uses only exported metrics', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect(r.alert).toBeTruthy();
      expect(['warning', 'critical']).toContain(r.labels?.severity);
      expect([r.alert, checkPromql(r.expr.replace(/\s+/g, ' '))]).toEqual([r.alert, []]);
    }
  });
});

describe('Grafana provisioning (compose)', () => {
  it('the datasource and dashboard providers exist', () => {
    const ds = readYaml('deploy/grafana/provisioning/datasources/prometheus.yml').datasources[0];
    expect(ds.type).toBe('prometheus');
    expect(ds.url).toBe('http://prometheus:9090');
    expect(exists('deploy/grafana/provisioning/dashboards/muse.yml')).toBe(true);
  });
});

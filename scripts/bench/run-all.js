#!/usr/bin/env node
// npm run bench: runs the gateway, worker and studio benchmarks on this machine and writes bench/results.md
// (this run in full, the profile's top frames, and one more row in the history table, old rows kept).
// The studio bench also writes its detailed report, bench/studio-results.md; results.md gets its summary.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { gatewayBench } from './gateway-bench.js';
import { workerBench } from './worker-bench.js';
import { STUDIO_GOAL, STUDIO_KINDS, studioBench } from './studio-bench.js';
import { fmt, machine } from './support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const RESULTS = new URL('../../bench/results.md', import.meta.url);
const BEFORE = new URL('../../bench/gateway-profile-before.md', import.meta.url);
const loadAtStart = loadavg();
const startedAt = new Date();
const machineLine = machine();
const results = {};
for (const [name, run] of [['gateway', gatewayBench], ['worker', workerBench], ['studio', studioBench]]) {
  if (process.env.BENCH_ONLY && process.env.BENCH_ONLY !== name) continue;
  results[name] = await run();
  console.log(JSON.stringify({ bench: name, ratio: results[name].ratio, rows: results[name].rows }));
}
const loadAtEnd = loadavg();
const pct = (x) => `${(x * 100).toFixed(0)} %`;
const yes = (ok) => (ok ? 'met' : '**not met**');

const table = (r) => [`| ${r.header.join(' | ')} |`, `|${r.header.map(() => '---').join('|')}|`, ...r.rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

const frames = (list) => ['| % of busy | ms | frame |', '|---|---|---|', ...list.map((f) => `| ${f.pct.toFixed(1)} | ${f.ms.toFixed(0)} | \`${f.frame.replace(/\|/g, '\\|')}\` |`)].join('\n');

function gatewaySection(g) {
  const [a, b] = g.runs;
  const lines = [
    `## ${g.title}`,
    '',
    table(g),
    '',
    `Ratio platform / raw: **${pct(a.platform.perSecond / a.raw.perSecond)}** at ${a.clients} clients (goal ≥ 50 %: ${yes(a.platform.perSecond / a.raw.perSecond >= 0.5)}), ${pct(b.platform.perSecond / b.raw.perSecond)} at ${b.clients} clients.`,
    `p99 at ${a.clients} clients ${fmt(a.platform.p99, 1)} ms (goal < 50 ms: ${yes(a.platform.p99 < 50)}); at ${b.clients} clients ${fmt(b.platform.p99, 1)} ms with ${b.platform.errors} errors (goal < 100 ms, no error: ${yes(b.platform.p99 < 100 && b.platform.errors === 0)}).`,
    '',
    `Gateway CPU per accepted job (user + system time of the gateway process from /proc over the measured ${g.seconds} s, divided by the jobs accepted): ${a.clients} clients ${fmt(a.gatewayCpuMs, 2)} ms, ${b.clients} clients ${fmt(b.gatewayCpuMs, 2)} ms. This is the number that does not depend on what else the machine runs.`,
    '',
    '**Relay publishing lag** (BullMQ job timestamp − the job row\'s `created_at`, i.e. publish time − submission transaction, every job of the run; goal p99 < 100 ms):',
    '',
    '| clients | jobs | p50 ms | p99 ms | max ms | not published |',
    '|---|---|---|---|---|---|',
    ...g.runs.map((r) => `| ${r.clients} | ${r.lag.jobs} | ${fmt(r.lag.p50, 1)} | ${fmt(r.lag.p99, 1)} | ${fmt(r.lag.max, 1)} | ${r.lag.missing} |`),
    '',
  ];
  if (g.profile) {
    lines.push(
      `### Gateway CPU profile, this run (${g.profileClients} clients, ${g.profileSeconds} s under \`node --cpu-prof\`, summarised by \`scripts/bench/profile-summary.js\`)`,
      '',
      `Busy ${g.profile.busyMs.toFixed(0)} ms of ${g.profile.totalMs.toFixed(0)} ms sampled; ${fmt(g.profile.perRequestMs, 2)} ms of sampled busy time per accepted job (the profile is wall-clock: a socket write that wakes Postgres and is pre-empted by it counts as \`writev\`).`,
      '',
      'Top self time:',
      '',
      frames(g.profile.self),
      '',
      'Top inclusive time:',
      '',
      frames(g.profile.inclusive),
      '',
    );
  }
  return lines.join('\n');
}

function workerSection(w) {
  return [
    `## ${w.title}`,
    '',
    table(w),
    '',
    `Ratio platform / raw: **${pct(w.ratio)}** (goal ≥ 70 %: ${yes(w.ratio >= 0.7)}).`,
    '',
    `Submit → completed at low load (one job at a time through the gateway, relay and worker, ${w.latency.jobs} jobs): p50 **${fmt(w.latency.p50, 1)} ms**, p99 ${fmt(w.latency.p99, 1)} ms (goal p50 < 150 ms: ${yes(w.latency.p50 < 150)}).`,
    '',
    ...(w.notes ?? []),
  ].join('\n');
}

// Studio kinds (issue 15): each kind's speed on a 3-minute song against the goal, by wall clock (what "× real
// time" means to the user waiting for the job; the transformation and the MP3 halves use both cores) and by
// CPU time of all threads (what the work costs, whatever else shares the cores: a worker already running two
// jobs at once gains nothing from the threads). Kinds with two jobs (effects) count their slowest.
function studioKinds(s) {
  return STUDIO_KINDS.map((kind) => {
    const rows = s.rows.filter((r) => r.kind === kind);
    return { kind, rows, xCpu: Math.min(...rows.map((r) => r.xCpu)), x: Math.min(...rows.map((r) => r.x)) };
  }).filter((k) => k.rows.length > 0);
}

function studioSection(s) {
  const kinds = studioKinds(s);
  const met = kinds.filter((k) => k.x >= STUDIO_GOAL).length;
  return [
    `## Studio kinds (local engine, ${s.seconds} s song)`,
    '',
    `${s.seconds} s song, median of ${s.runs} runs each, engine code only (no S3/DB); MP3 encoder ${s.encoder}. Load average at start ${fmt(s.load, 1)}, at end ${s.loadAtEnd.map((l) => l.toFixed(1)).join(' / ')}. Goal: every kind ≥ ${STUDIO_GOAL}× real time by wall clock (on a quiet machine: wall clock moves with the load); CPU time is of all the process's threads, so the kinds that use both cores show less × by CPU than by wall clock. The full report (what each kind runs, the encoder A/B, CPU profiles, history) is bench/studio-results.md.`,
    '',
    '| kind | × real time (CPU, all threads) | × real time (wall) | ≥ 30× (wall) |',
    '|---|---:|---:|---|',
    ...kinds.map((k) => `| ${k.kind} | ${k.rows.map((r) => `${fmt(r.xCpu, 1)}×`).join(' · ')} | ${k.rows.map((r) => `${fmt(r.x, 1)}×`).join(' · ')} | ${yes(k.x >= STUDIO_GOAL)} |`),
    '',
    `${met} of ${kinds.length} kinds meet the goal.`,
    ...s.rows.filter((r) => r.kind.startsWith('stems')).map((r) => `Stem separation (stems worker, not a studio kind), ${r.kind}: ${fmt(r.xCpu, 1)}× real time (CPU).`),
    '',
  ].join('\n');
}

// History: one row per run, old rows kept (read back from the previous file).
const HISTORY_HEADER = '| run (UTC) | load 1 min start/end | submit/s 32 | raw/s 32 | ratio 32 | p99 ms 32 | submit/s 64 | p99 ms 64 | errors 64 | gateway CPU ms/job 32 | relay lag p99 ms | worker jobs/s | raw jobs/s | ratio | submit→completed p50 ms | note | studio kinds ≥ 30× (CPU up to 2026-12-05 07:33, wall after) | studio slowest kind (same) | transformation / effects chain (same) |';
const previous = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '';
const historyStart = previous.indexOf('## History');
const oldRows = historyStart < 0 ? [] : previous.slice(historyStart).split('\n').filter((l) => l.startsWith('| 20'));
const g = results.gateway;
const w = results.worker;
const st = results.studio && studioKinds(results.studio);
const stKind = (name) => st?.find((k) => k.kind === name);
const row = [
  startedAt.toISOString().slice(0, 16).replace('T', ' '),
  `${loadAtStart[0].toFixed(1)} / ${loadAtEnd[0].toFixed(1)}`,
  g ? fmt(g.runs[0].platform.perSecond) : '',
  g ? fmt(g.runs[0].raw.perSecond) : '',
  g ? pct(g.runs[0].platform.perSecond / g.runs[0].raw.perSecond) : '',
  g ? fmt(g.runs[0].platform.p99, 1) : '',
  g ? fmt(g.runs[1].platform.perSecond) : '',
  g ? fmt(g.runs[1].platform.p99, 1) : '',
  g ? g.runs[1].platform.errors : '',
  g ? fmt(g.runs[0].gatewayCpuMs, 2) : '',
  g ? fmt(Math.max(...g.runs.map((r) => r.lag.p99)), 1) : '',
  w ? fmt(w.platform.perSecond) : '',
  w ? fmt(w.raw.perSecond) : '',
  w ? pct(w.ratio) : '',
  w ? fmt(w.latency.p50, 1) : '',
  process.env.BENCH_NOTE ?? '',
  st ? `${st.filter((k) => k.x >= STUDIO_GOAL).length} / ${st.length}` : '',
  st ? (([k]) => `${k.kind} ${fmt(k.x, 1)}×`)([...st].sort((a, b) => a.x - b.x)) : '',
  st ? `${fmt(stKind('transformation')?.x ?? NaN, 1)}× / ${fmt(stKind('effects (transformation_type effects)')?.x ?? NaN, 1)}×` : '',
];
const history = [...oldRows, `| ${row.join(' | ')} |`];

const report = [
  '# Benchmark results',
  '',
  `Run: ${startedAt.toISOString()} on ${machineLine}; load average (1/5/15 min) at start ${loadAtStart.map((l) => l.toFixed(1)).join(' / ')}, at end ${loadAtEnd.map((l) => l.toFixed(1)).join(' / ')}. Postgres, Redis, the S3 server, the load generator and the measured processes share this machine's cores, so absolute rates move with the load; the ratios compare phases of the same run and the CPU per job is the process's own. Written by \`npm run bench\`; benchmarks are never timed tests (nothing in CI fails on speed).`,
  '',
  ...(g ? [gatewaySection(g)] : []),
  ...(existsSync(BEFORE) ? [readFileSync(BEFORE, 'utf8').trim(), ''] : []),
  ...(w ? [workerSection(w)] : []),
  ...(results.studio ? [studioSection(results.studio)] : []),
  '## History',
  '',
  'One row per `npm run bench` (32/64: concurrent clients). Rows before 2026-12-04 used a different raw baseline (the 2026-11-22 worker raw baseline processed empty jobs).',
  '',
  HISTORY_HEADER,
  `|${HISTORY_HEADER.split('|').slice(1, -1).map(() => '---').join('|')}|`,
  ...history,
  '',
].join('\n');
if (!process.env.BENCH_ONLY) writeFileSync(RESULTS, report);
console.log(report);
process.exit(0);

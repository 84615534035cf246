#!/usr/bin/env node
// npm run bench: runs every benchmark on this machine and writes bench/results.md.
import { writeFileSync } from 'node:fs';
import { gatewayBench } from './gateway-bench.js';
import { workerBench } from './worker-bench.js';
import { machine } from './support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const results = [];
for (const [name, run] of [['gateway', gatewayBench], ['worker', workerBench]]) {
  if (process.env.BENCH_ONLY && process.env.BENCH_ONLY !== name) continue;
  const r = await run();
  results.push(r);
  console.log(JSON.stringify({ bench: name, ratio: r.ratio, rows: r.rows }));
}

const table = (r) => [
  `### ${r.title}`,
  '',
  `| ${r.header.join(' | ')} |`,
  `|${r.header.map(() => '---').join('|')}|`,
  ...r.rows.map((row) => `| ${row.join(' | ')} |`),
  '',
  `Ratio platform / raw: **${(r.ratio * 100).toFixed(0)} %**`,
  '',
].join('\n');

const report = [
  '# Benchmark results',
  '',
  `Run: ${new Date().toISOString()} on ${machine()}. Postgres, Redis and the S3 server run on the same machine as the load generator.`,
  '',
  ...results.map(table),
].join('\n');
if (!process.env.BENCH_ONLY) writeFileSync(new URL('../../bench/results.md', import.meta.url), report);
console.log(report);
process.exit(0);

#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof): top frames by self time and by inclusive time.
// Usage: node scripts/bench/profile-summary.js <file.cpuprofile> [top=15] [last seconds]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const IDLE = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Returns { totalMs, busyMs, self: [...], inclusive: [...] } where each entry is { frame, ms, pct }. */
/** `lastSeconds`: only the samples of the profile's last n seconds (the measured phase, not start-up). */
export function summariseProfile(file, { top = 15, lastSeconds } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const from = lastSeconds ? profile.endTime - lastSeconds * 1e6 : -Infinity;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const dt = new Map();
  const deltas = profile.timeDeltas ?? [];
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += deltas[i] ?? 0;
    if (t < from) continue;
    dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  const name = (n) => {
    const f = n.callFrame;
    const where = f.url ? `${relative(process.cwd(), f.url.replace(/^file:\/\//, ''))}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
  };
  const self = new Map();
  const inclusive = new Map();
  let totalMs = 0;
  let idleMs = 0;
  for (const [id, ms] of dt) {
    const n = nodes.get(id);
    totalMs += ms;
    const key = name(n);
    if (n.callFrame.functionName === '(idle)') idleMs += ms;
    self.set(key, (self.get(key) ?? 0) + ms);
    // inclusive: each distinct frame on the stack once (recursion counted once)
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = name(nodes.get(cur));
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  }
  const busyMs = totalMs - idleMs;
  const rank = (m, skip) =>
    [...m.entries()]
      .filter(([k]) => !skip(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, ms]) => ({ frame, ms, pct: (100 * ms) / busyMs }));
  return {
    totalMs,
    busyMs,
    self: rank(self, (k) => k.startsWith('(idle)')),
    // inclusive frames that are everything (root, event loop plumbing) say nothing
    inclusive: rank(inclusive, (k) => IDLE.has(k.split(' ')[0]) || /^(processTicksAndRejections|listOnTimeout|processTimers|emit|runMicrotasks) /.test(k) || k === '(anonymous)'),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = summariseProfile(process.argv[2], { top: Number(process.argv[3] ?? 15), lastSeconds: process.argv[4] ? Number(process.argv[4]) : undefined });
  console.log(`total ${s.totalMs.toFixed(0)} ms, busy ${s.busyMs.toFixed(0)} ms`);
  console.log('\nself:');
  for (const e of s.self) console.log(`${e.pct.toFixed(1).padStart(5)} %  ${e.ms.toFixed(0).padStart(6)} ms  ${e.frame}`);
  console.log('\ninclusive:');
  for (const e of s.inclusive) console.log(`${e.pct.toFixed(1).padStart(5)} %  ${e.ms.toFixed(0).padStart(6)} ms  ${e.frame}`);
}

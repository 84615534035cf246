// Audio fuzz: malformed and truncated audio uploaded through the library (POST /v1/library/uploads, the
// presigned PUT, the confirm) and handed to every kind of job that reads a user's file — recognition (by
// library id and by URL), description, upscale, and a Studio Nexus transformation of a project made from
// the upload. Each file is refused with a 4xx problem+json and nothing written, or its jobs end `failed`
// at once (no retry of a hopeless input) with a readable error and a refund, or they complete; the workers
// stay alive throughout, and valid files of every kind still succeed afterwards. Then the audit.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { sql } from 'kysely';
import { corpus, mutants, validFiles, type AudioCase } from './bad-audio.js';
import { ChaosPlatform, CLEAN, FULL, PROFILE, record, sleep, verdict } from './platform.js';

const MUTANTS = Number(process.env.AUDIO_FUZZ_RUNS ?? (FULL ? 80 : 24));
// Reduced (CI): one fixed seed, so a red run is a regression; full: a fresh draw each run (printed, to replay).
const SEED = Number(process.env.AUDIO_FUZZ_SEED ?? (FULL ? Date.now() % 2 ** 31 : 20261204));
/** The gateway's limit for one upload (apps/api-gateway/src/library/library.body.ts). */
const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
/** Priced, so that every failure must be refunded (the kinds are free by default). */
const PRICES = { recognition: 2, description: 3, upscale: 4, transformation: 5 };
/** Every job reaches a terminal state within this (generous: a loaded 2-core machine). */
const SETTLE_MS = 600_000;
/**
 * From a worker taking a job to its terminal state (the queue's wait excluded: it grows with the machine's
 * load, not with the file): minutes under load, never the hang of a decoder or a stall loop.
 */
const JOB_BOUND_SECONDS = 240;
/**
 * Peak resident memory of a worker process: the valid files here need a few hundred MB; a decompression
 * bomb decoded and resampled in full takes gigabytes (an OOM kill in a container).
 */
const PEAK_RSS_MB = 1200;

type Kind = 'recognition-by-id' | 'recognition-by-url' | 'description' | 'upscale' | 'transformation';
const KINDS: Kind[] = ['recognition-by-id', 'recognition-by-url', 'description', 'upscale', 'transformation'];
const LEAK = /\n\s+at |node_modules|\.[tj]s:\d+|\/work\/|\/app\/|\/dist\/|\/tmp\/|stack|Error: |\[object /i;

interface Accepted {
  case: AudioCase;
  itemId: string;
  url: string;
}

interface Sent {
  jobId: string;
  kind: Kind;
  case: AudioCase;
}

describe(`chaos: malformed and truncated audio for every kind that reads an upload (${PROFILE} profile)`, () => {
  const p = new ChaosPlatform();
  const began = Date.now();
  const problems: string[] = [];
  const sent: Sent[] = [];
  const accepted: Accepted[] = [];
  let refused = 0;
  let user: { id: string; token: string };
  let files: { mp3: Buffer; wav: Buffer };
  let settledMs = 0;
  const retried = new Set<string>();

  beforeAll(async () => {
    files = validFiles();
    await p.start({ generationWorkers: 1, stemsWorkers: 1, env: { CREDIT_PRICES: JSON.stringify(PRICES) } });
    await p.signup(1, 100_000);
    user = p.users[0]!;
    // A worker logs each failed attempt it will retry ("final":false). A stall under load also re-runs a job
    // (attempts 2) but logs no failure: only the first is the platform retrying what cannot succeed.
    for (const app of p.apps) {
      let carry = '';
      app.proc.stdout!.on('data', (d: Buffer) => {
        const lines = (carry + d.toString()).split('\n');
        carry = lines.pop()!;
        for (const line of lines) if (line.includes('"final":false')) retried.add(/"job_id":"([^"]+)"/.exec(line)?.[1] ?? line.slice(0, 200));
      });
    }
  }, 600_000);
  afterAll(async () => {
    await p.stop();
  }, 60_000);

  /** A refusal must be a 4xx problem+json naming the problem, without internals. */
  function judgeRefusal(where: string, status: number, body: unknown): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    if (status >= 500) problems.push(`${where} → ${status} ${text.slice(0, 300)}`);
    else if (status < 400) problems.push(`${where} → expected a refusal, got ${status}`);
    const b = body as { status?: number; title?: string } | null;
    if (!b || typeof b !== 'object' || b.status !== status || !b.title) problems.push(`${where} → not a problem body: ${text.slice(0, 200)}`);
    if (LEAK.test(text)) problems.push(`${where} → leaks internals: ${text.slice(0, 300)}`);
  }

  async function audioLibraryKeys(): Promise<string[]> {
    const client = new S3Client({ endpoint: p.s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const page = await client.send(new ListObjectsV2Command({ Bucket: 'audio-library' }));
    client.destroy();
    return (page.Contents ?? []).map((o) => o.Key!);
  }

  /** The library's flow as a client runs it: start (reserve), PUT to the presigned URL, confirm. */
  async function upload(c: AudioCase, n: number): Promise<Accepted | undefined> {
    const where = `upload ${c.what}`;
    const start = await p.call('POST', '/v1/library/uploads', { token: user.token, body: { file_name: `fuzz-${n}.bin`, content_type: c.contentType, size_bytes: c.declaredSize ?? c.bytes.length } });
    if (start.status !== 201) {
      judgeRefusal(`${where}: start`, start.status, start.body);
      refused++;
      return undefined;
    }
    const put = await fetch(start.body.url, { method: 'PUT', headers: { 'content-type': c.putType ?? c.contentType }, body: c.bytes });
    await put.arrayBuffer();
    const done = await p.call('POST', `/v1/library/uploads/${start.body.id}/complete`, { token: user.token });
    if (done.status !== 201) {
      judgeRefusal(`${where}: complete (PUT ${put.status})`, done.status, done.body);
      refused++;
      // A refused upload leaves no object behind (its reservation is checked by the audit of usage below).
      const left = (await audioLibraryKeys()).filter((k) => k.startsWith(`${user.id}/${start.body.id}/`));
      if (left.length) problems.push(`${where}: refused but its object stayed: ${left.join(', ')}`);
      return undefined;
    }
    // The object's public URL: the presigned PUT's address without its signature.
    return { case: c, itemId: done.body.id, url: String(start.body.url).split('?')[0]! };
  }

  /** Submits one job; a plan's concurrency limit (10 at once) is waited out, as a client would. */
  async function submit(a: Accepted, kind: Kind): Promise<void> {
    const key = `audio-fuzz-${sent.length}-${kind}-${a.itemId}`;
    let path: string;
    let body: unknown;
    if (kind === 'recognition-by-id') [path, body] = ['/v1/recognitions', { audio_library_id: a.itemId }];
    else if (kind === 'recognition-by-url') [path, body] = ['/v1/recognitions', { audio_file_url: a.url }];
    else if (kind === 'description') [path, body] = ['/v1/descriptions', { audio_file_url: a.url }];
    else if (kind === 'upscale') [path, body] = ['/v1/upscales', { input_audio_url: a.url }];
    else {
      const project = await p.call('POST', '/v1/projects', { token: user.token, body: { title: `fuzz ${a.case.what}`.slice(0, 100), audio_library_id: a.itemId } });
      if (project.status !== 201) {
        problems.push(`project from ${a.case.what} → ${project.status} ${JSON.stringify(project.body).slice(0, 200)}`);
        return;
      }
      [path, body] = [`/v1/projects/${project.body.id}/transformations`, { transformation_type: 'effects', parameters: { effects_chain: [{ type: 'equalizer', settings: { low: 1.5, high: 0.8 } }] } }];
    }
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      const res = await p.call('POST', path, { token: user.token, headers: { 'idempotency-key': key }, body });
      if (res.status === 403 && JSON.stringify(res.body).includes('concurrency-limit') && Date.now() < deadline) {
        await sleep(500);
        continue;
      }
      if (res.status === 202) {
        sent.push({ jobId: res.body.id, kind, case: a.case });
        p.submitted.push({ jobId: res.body.id, trackId: res.body.resource.id, userId: user.id, kind: 'analysis' });
      } else if (a.case.valid) problems.push(`${kind} of ${a.case.what} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      else judgeRefusal(`${kind} of ${a.case.what}`, res.status, res.body);
      return;
    }
  }

  /** Every app still the process it started as (no crash, no restart), ready, and its memory peak bounded. */
  async function alive(): Promise<{ problems: string[]; peakMb: number }> {
    const out: string[] = [];
    let peakMb = 0;
    for (const app of p.apps) {
      if (app.proc.exitCode !== null || app.proc.signalCode !== null) {
        out.push(`${app.name} exited (${app.proc.exitCode ?? app.proc.signalCode}): ${app.log.join('').slice(-1500)}`);
        continue;
      }
      if (!(await fetch(`http://127.0.0.1:${app.port}/health/ready`).then((r) => r.ok, () => false))) out.push(`${app.name} not ready`);
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${app.proc.pid}/status`, 'utf8'));
      const mb = hwm ? Number(hwm[1]) / 1024 : 0;
      peakMb = Math.max(peakMb, mb);
      if (mb > PEAK_RSS_MB) out.push(`${app.name}: peak memory ${mb.toFixed(0)} MB > ${PEAK_RSS_MB} MB`);
    }
    return { problems: out, peakMb };
  }

  it(`bad uploads are refused (4xx) or fail their jobs once with a readable error and a refund; workers survive (seed ${SEED})`, async () => {
    const fixed = corpus(files.mp3, files.wav, MAX_UPLOAD_BYTES);
    const cases = [...fixed, ...mutants(files.mp3, files.wav, MUTANTS, SEED)];
    let n = 0;
    for (const c of cases) {
      const a = await upload(c, n++);
      if (!a) continue;
      accepted.push(a);
      // The fixed corpus goes to every kind; a mutant to two of them in turn (all of them in the full profile).
      const kinds = FULL || n <= fixed.length ? KINDS : [KINDS[n % 5]!, KINDS[(n + 2) % 5]!];
      for (const kind of kinds) await submit(a, kind);
    }
    settledMs = await p.settle(SETTLE_MS);

    // The valid files once more, after all the damage: every kind still works.
    for (const c of corpus(files.mp3, files.wav, MAX_UPLOAD_BYTES).filter((x) => x.what === 'valid MP3' || x.what === 'valid WAV')) {
      const a = await upload({ ...c, what: `${c.what} (after)` }, n++);
      if (!a) problems.push(`${c.what} (after) refused`);
      else {
        accepted.push(a);
        for (const kind of KINDS) await submit(a, kind);
      }
    }
    settledMs = Math.max(settledMs, await p.settle(SETTLE_MS));

    const jobs = new Map(
      (
        await sql<{ id: string; status: string; attempts: number; error: { code?: string; message?: string } | null; kind: string; seconds: number }>`
          select id, status, attempts, error, kind, extract(epoch from coalesce(completed_at, updated_at) - coalesce(started_at, created_at))::float8 as seconds from jobs`.execute(p.t.db)
      ).rows.map((j) => [j.id, j]),
    );
    const codes: Record<string, number> = {};
    const messages = new Set<string>();
    for (const s of sent) {
      const job = jobs.get(s.jobId)!;
      const where = `${s.kind} of ${s.case.what}`;
      if (job.seconds > JOB_BOUND_SECONDS) problems.push(`${where}: took ${job.seconds.toFixed(0)} s to end ${job.status}`);
      const code = job.status === 'failed' ? (job.error?.code ?? '?') : job.status;
      codes[code] = (codes[code] ?? 0) + 1;
      if (job.status === 'failed') messages.add(`${code}: ${(job.error?.message ?? '').replace(/\d+/g, 'N')}`);
      if (s.case.valid && job.status !== 'completed') problems.push(`${where}: a valid file ended ${job.status}: ${JSON.stringify(job.error)}`);
      if (job.status === 'failed') {
        const message = job.error?.message ?? '';
        if (!message) problems.push(`${where}: failed without a message`);
        if (LEAK.test(message)) problems.push(`${where}: its error leaks internals: ${message.slice(0, 300)}`);
        // A file that cannot be decoded will not decode on a retry: one attempt, a code that says what is wrong.
        if (retried.has(s.jobId)) problems.push(`${where}: retried after failing on a hopeless input (${message.slice(0, 120)})`);
        if (!job.error?.code || job.error.code.endsWith('-failed')) problems.push(`${where}: unclassified failure ${job.error?.code}: ${message.slice(0, 200)}`);
      }
      // The API's view of the job, as the client reads it.
      const res = await p.call('GET', `/v1/jobs/${s.jobId}`, { token: user.token });
      if (res.status !== 200 || LEAK.test(JSON.stringify(res.body.error ?? ''))) problems.push(`${where}: GET /v1/jobs → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    }
    const health = await alive();
    problems.push(...health.problems);
    const mine = new Set(sent.map((x) => x.jobId));
    for (const r of retried) if (!mine.has(r)) problems.push(`a failed attempt retried outside the fuzzed jobs: ${r}`);

    // Nothing written for a refused upload: library rows and objects are the accepted uploads' only.
    const items = (await sql<{ n: number }>`select count(*)::int as n from audio_library`.execute(p.t.db)).rows[0]!.n;
    if (items !== accepted.length) problems.push(`${items} library items for ${accepted.length} accepted uploads`);
    const keys = await audioLibraryKeys();
    if (keys.length !== accepted.length) problems.push(`${keys.length} objects in audio-library for ${accepted.length} accepted uploads`);
    // Storage reservations: every refused upload gave its megabytes back (only the accepted files count).
    const reserved = (await sql<{ mb: string | null }>`select sum(quantity)::text as mb from usage_tracking where user_id = ${user.id} and resource_type = 'storage_mb'`.execute(p.t.db)).rows[0]!.mb;
    const expected = accepted.reduce((s, a) => s + Math.ceil((a.case.bytes.length / (1024 * 1024)) * 1000) / 1000, 0);
    if (Math.abs(Number(reserved ?? 0) - expected) > 0.001 * accepted.length) problems.push(`storage_mb reserved ${reserved}, accepted files ${expected.toFixed(3)}`);

    // Each priced job charged once and, when failed, refunded once.
    const ledger = new Map((await sql<{ job_id: string; debits: number; refunds: number }>`select job_id, count(*) filter (where amount < 0)::int as debits, count(*) filter (where amount > 0)::int as refunds from credit_transactions where job_id is not null group by job_id`.execute(p.t.db)).rows.map((l) => [l.job_id, l]));
    for (const s of sent) {
      const l = ledger.get(s.jobId) ?? { debits: 0, refunds: 0 };
      const failed = jobs.get(s.jobId)!.status === 'failed';
      if (l.debits !== 1 || l.refunds !== (failed ? 1 : 0)) problems.push(`${s.kind} of ${s.case.what}: ${l.debits} debits, ${l.refunds} refunds (${jobs.get(s.jobId)!.status})`);
    }

    const report = await p.audit();
    // Upscales of a library file and transformations store their results in the tracks bucket under their own rows.
    const owned = async (key: string) =>
      (await sql<{ n: number }>`select (select count(*) from audio_upscale_jobs u where to_jsonb(u)::text like ${'%' + key + '%'}) + (select count(*) from ai_transformations t where to_jsonb(t)::text like ${'%' + key + '%'}) as n`.execute(p.t.db)).rows[0]!.n > 0;
    const orphans: string[] = [];
    for (const o of report.orphanObjects) if (!(await owned(o.replace(/^tracks\//, '')))) orphans.push(o);
    report.orphanObjects = orphans;
    const failed = sent.filter((s) => jobs.get(s.jobId)!.status === 'failed').length;
    const completed = sent.filter((s) => jobs.get(s.jobId)!.status === 'completed').length;
    const runSeconds = (Date.now() - began) / 1000;
    // eslint-disable-next-line no-console
    console.log(`audio fuzz: ${cases.length} files (${MUTANTS} mutants, seed ${SEED}), ${refused} refused at upload, ${accepted.length} accepted, ${sent.length} jobs: ${completed} completed, ${failed} failed; settled in ${(settledMs / 1000).toFixed(1)} s, slowest job ${Math.max(...[...jobs.values()].map((j) => j.seconds)).toFixed(1)} s; peak worker memory ${health.peakMb.toFixed(0)} MB; outcomes ${JSON.stringify(codes)}; ${problems.length} problems`);
    // eslint-disable-next-line no-console
    console.log(`audio fuzz: what the failed jobs told their users:\n  ${[...messages].sort().join('\n  ')}`);
    // recovered = the bad inputs handled cleanly: jobs failed once with their reason and refunded (asserted above).
    record('audio-fuzz', {
      jobs: sent.length,
      faults: `${cases.length + 2} uploads (${MUTANTS} mutants, seed ${SEED}): ${refused} refused 4xx at upload, ${failed} jobs failed + refunded, ${completed} completed; peak worker RSS ${health.peakMb.toFixed(0)} MB`,
      recovered: failed,
      lost: report.missingRows + report.unfinished,
      duplicated: report.duplicated,
      retries: report.retries,
      recoverSeconds: (settledMs / 1000).toFixed(1),
      runSeconds,
    });
    expect([...new Set(problems)].slice(0, 60)).toEqual([]);
    // Failed jobs are this experiment's expected outcome; everything else of the audit must be clean.
    expect(verdict(report)).toEqual({ ...CLEAN, failed, lost: failed });
  }, 3_600_000);
});

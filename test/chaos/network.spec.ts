// Chaos: network faults between the apps and their servers, through a TCP proxy (tcp-proxy.ts) that only
// the apps use — the audit talks to Redis and S3 directly.
// 1. Redis partitioned for 10 s (blackhole, then refused) while generations run and new ones are submitted:
//    submissions still answered 202 during the partition (the outbox), every job completes once, no false
//    queue-loss sweep; time from the heal until every unfinished job is on its queue and until all complete.
// 2. S3 unavailable for 10 s (refused, then blackholed) while workers upload audio and covers: the uploads
//    are retried, every job completes once, no orphan object, no row pointing at a missing object.
// 3. A PUT cut part-way through its body: the object that ends up referenced is complete (its size is the
//    one recorded, its MP3 frames walk to the end and last as long as the song), nothing failed unrefunded.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { scanMp3Frames } from '@muse/audio-engine';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { waitFor } from '../support/env.js';
import { auditAndRecord, ChaosPlatform, FULL, sleep } from './platform.js';
import { httpRequest, type ProxyMode } from './tcp-proxy.js';

const PARTITION_MS = 10_000;
const WAVE = FULL ? 10 : 4;
const DURING = FULL ? 6 : 3;
const ROUNDS = FULL ? 2 : 1;

const countWhere = async (p: ChaosPlatform, status: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from jobs where status = ${status}`.execute(p.t.db)).rows[0].n;

/** The counter's total over its labels in the gateway's /metrics, 0 when absent. */
async function metricTotal(p: ChaosPlatform, name: string, labelFilter = ''): Promise<number> {
  const text = await (await fetch(`${p.base}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && l.includes(labelFilter))
    .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
}

describe(`chaos: Redis network partition (${FULL ? 'full' : 'reduced'} profile)`, () => {
  const p = new ChaosPlatform();
  const requeued: number[] = [];
  const completedAfter: number[] = [];
  const answeredIn: number[] = [];
  let faults = 0;
  let sweepsAtStart = 0;
  const began = Date.now();

  beforeAll(async () => {
    await p.start({ generationWorkers: 2, stemsWorkers: 0, proxy: { redis: true } });
    await p.signup(FULL ? 6 : 3);
    // A fresh Redis has no sentinel yet: the gateway's first check sweeps once (finding nothing to recover).
    sweepsAtStart = await metricTotal(p, 'job_recovery_seconds_count', 'cause="queue-lost"');
  }, 600_000);
  afterAll(async () => {
    await p.stop();
  }, 60_000);

  /** ms from `since` until every unfinished job has its BullMQ entry (read from the real Redis, not through the proxy). */
  async function timeToRequeue(since: number): Promise<number> {
    const redis = new Redis(p.redis.url, { maxRetriesPerRequest: 1 });
    try {
      await waitFor(
        async () => {
          const open = (await sql<{ id: string }>`select id from jobs where status in ('pending', 'processing')`.execute(p.t.db)).rows;
          const pipeline = redis.pipeline();
          for (const j of open) pipeline.exists(`${p.prefix}:generation:${j.id}`);
          return ((await pipeline.exec()) ?? []).every(([, n]) => n === 1);
        },
        'every unfinished job to be on its queue',
        120_000,
        100,
      );
      return Date.now() - since;
    } finally {
      redis.disconnect();
    }
  }

  /** `lose`: the partition outlives the connections (loseHeld): they stay silent forever, new ones work. */
  async function partition(mode: ProxyMode, lose = false): Promise<void> {
    // 20-second songs: still rendering when the partition starts, so lock renewals and completions meet it.
    await Promise.all(Array.from({ length: WAVE }, (_, i) => p.submitGeneration(p.users[i % p.users.length], 20)));
    await waitFor(async () => (await countWhere(p, 'processing')) > 0 || undefined, 'a job to be running', 120_000, 50);
    const errorsBefore = p.serverErrors;
    p.redisProxy!.setMode(mode);
    faults++;
    const cutAt = Date.now();
    // The heal comes on time whatever the submissions do: one that hangs until Redis is back shows up as slow.
    const healed = sleep(PARTITION_MS).then(() => {
      if (lose) p.redisProxy!.loseHeld();
      else p.redisProxy!.setMode('pass');
      return Date.now();
    });
    await sleep(1_000);
    const during = await Promise.all(
      Array.from({ length: DURING }, async (_, i) => {
        const t0 = Date.now();
        const status = await p.submitGeneration(p.users[i % p.users.length], 5);
        return { status, ms: Date.now() - t0, answeredBeforeHeal: Date.now() < cutAt + PARTITION_MS };
      }),
    );
    const healedAt = await healed;
    answeredIn.push(...during.map((d) => d.ms));
    // Accepted into the outbox while Redis is unreachable, answered then — not held until the partition heals.
    expect(during.map((d) => d.status)).toEqual(during.map(() => 202));
    expect(during.filter((d) => !d.answeredBeforeHeal)).toEqual([]);
    expect(p.serverErrors).toBe(errorsBefore);
    requeued.push(await timeToRequeue(healedAt));
    // Bounded: a worker waiting forever on a lost connection must show up as a failure, not as a slow run.
    await p.settle(600_000);
    completedAfter.push(Date.now() - healedAt);
  }

  it('blackholed for 10 s: submissions still accepted, every job completes once', async () => {
    for (let r = 0; r < ROUNDS; r++) await partition('blackhole');
  }, 1_800_000);

  it('connections refused and reset for 10 s: submissions still accepted, every job completes once', async () => {
    for (let r = 0; r < ROUNDS; r++) await partition('refuse');
  }, 1_800_000);

  it('blackholed for 10 s and every connection lost with it: nobody waits on a dead connection, every job completes once', async () => {
    for (let r = 0; r < ROUNDS; r++) await partition('blackhole', true);
    expect(p.redisProxy!.stats.lost).toBeGreaterThan(0);
  }, 1_800_000);

  it('audit: nothing lost, nothing twice, no false queue-loss recovery', async () => {
    await auditAndRecord(p, 'Redis network partition (blackhole, refuse, lost connections)', {
      began,
      figures: async () => {
        // Redis kept its data: the gateway must not have taken the partition for a lost queue and re-published.
        expect(await metricTotal(p, 'jobs_recovered_total', 'cause="queue-lost"')).toBe(0);
        expect(await metricTotal(p, 'job_recovery_seconds_count', 'cause="queue-lost"')).toBe(sweepsAtStart);
        const secs = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(1)).join(' / ');
        return {
          faults: `${faults} partitions of ${PARTITION_MS / 1000} s (${ROUNDS} blackhole, ${ROUNDS} refuse/reset, ${ROUNDS} blackhole losing its ${p.redisProxy!.stats.lost} connections) during load; ${DURING * faults} submissions during them, answered in ≤ ${(Math.max(...answeredIn) / 1000).toFixed(1)} s`,
          recoverSeconds: `on queue ${secs(requeued)} s, all complete ${secs(completedAfter)} s after the heal`,
        };
      },
    });
  }, 120_000);
});

describe(`chaos: S3 unavailable and a half-written upload (${FULL ? 'full' : 'reduced'} profile)`, () => {
  const p = new ChaosPlatform();
  const completedAfter: number[] = [];
  let faults = 0;
  let hitUploads = 0;
  const began = Date.now();

  beforeAll(async () => {
    await p.start({ generationWorkers: 2, stemsWorkers: 0, proxy: { s3: true } });
    await p.signup(FULL ? 6 : 3);
  }, 600_000);
  afterAll(async () => {
    await p.stop();
  }, 60_000);

  async function outage(mode: ProxyMode, lose = false): Promise<void> {
    const proxy = p.s3Proxy!;
    // Short songs of different lengths: renders finish, and upload, all through the outage.
    // The outage starts with the first upload, which meets it, and lasts 10 s.
    const started = proxy.faultOnNext(mode, httpRequest('PUT'));
    const wave = Promise.all(Array.from({ length: WAVE }, (_, i) => p.submitGeneration(p.users[i % p.users.length], 5 + 3 * i)));
    await Promise.race([started, sleep(300_000).then(() => Promise.reject(new Error('no upload came')))]);
    const before = { ...proxy.stats };
    faults++;
    await sleep(PARTITION_MS);
    if (lose) proxy.loseHeld();
    else proxy.setMode('pass');
    const healedAt = Date.now();
    // Uploads met the fault: retried on new connections that were refused, or requests held by the blackhole.
    const hit = mode === 'refuse' ? proxy.stats.refusedNew - before.refusedNew : proxy.stats.heldRequests - before.heldRequests + 1;
    hitUploads += hit;
    expect(hit).toBeGreaterThan(0);
    await wave;
    await p.settle(600_000);
    completedAfter.push(Date.now() - healedAt);
  }

  it('S3 refusing connections for 10 s during uploads: uploads retried, every job completes once', async () => {
    for (let r = 0; r < ROUNDS; r++) await outage('refuse');
  }, 1_800_000);

  it('S3 blackholed for 10 s during uploads: every job completes once', async () => {
    for (let r = 0; r < ROUNDS; r++) await outage('blackhole');
  }, 1_800_000);

  it('S3 blackholed for 10 s and the held uploads’ connections lost: they time out and are retried, every job completes once', async () => {
    for (let r = 0; r < ROUNDS; r++) await outage('blackhole', true);
    expect(p.s3Proxy!.stats.lost).toBeGreaterThan(0);
  }, 1_800_000);

  it('a PUT cut part-way through its body: the referenced object is complete', async () => {
    const cuts = FULL ? 3 : 1;
    for (let c = 0; c < cuts; c++) {
      // The audio of a 20-second song is ~300 kB: cut 64 kB into its body.
      const cut = p.s3Proxy!.cutNext(64 * 1024, httpRequest('PUT', 'audio.mp3'));
      expect(await p.submitGeneration(p.users[c % p.users.length], 20)).toBe(202);
      await Promise.race([cut, sleep(300_000).then(() => Promise.reject(new Error('no audio PUT was cut')))]);
      faults++;
    }
    await p.settle(900_000);
  }, 1_800_000);

  it('audit: nothing lost, nothing twice, every referenced object complete', async () => {
    await auditAndRecord(p, 'S3 unavailable + half-written upload', {
      began,
      figures: async (report) => {
        // S3 PUT is atomic, but a store that kept a truncated body would show here: every referenced MP3 has the size
        // the worker recorded, walks frame by frame to its end, and lasts as long as its song.
        const client = new S3Client({ endpoint: p.s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
        const versions = (
          await sql<{ audio_url: string; duration: number | null; metadata: { audio_bytes?: number }; requested: number }>`
            select v.audio_url, v.duration, v.metadata, (j.payload->>'duration_seconds')::int as requested
              from track_versions v join jobs j on j.resource_id = v.parent_track_id`.execute(p.t.db)
        ).rows;
        const problems: string[] = [];
        for (const v of versions) {
          const key = decodeURIComponent(new URL(v.audio_url).pathname.replace(/^\/tracks\//, ''));
          const body = Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: 'tracks', Key: key }))).Body!.transformToByteArray());
          if (v.metadata.audio_bytes !== undefined && body.length !== v.metadata.audio_bytes) problems.push(`${key}: ${body.length} bytes, recorded ${v.metadata.audio_bytes}`);
          try {
            const scan = scanMp3Frames(body);
            if (Math.abs(scan.durationSeconds - v.requested) > 1.5) problems.push(`${key}: ${scan.durationSeconds.toFixed(2)} s of MP3 for a ${v.requested}-second song`);
          } catch (error) {
            problems.push(`${key}: ${(error as Error).message}`);
          }
        }
        client.destroy();
        expect(problems).toEqual([]);
        expect(versions.length).toBe(report.completed * 2);
        return {
          faults: `${ROUNDS} S3 refuse/reset, ${ROUNDS} blackhole and ${ROUNDS} blackhole-losing-its-connections outages of ${PARTITION_MS / 1000} s during uploads (${hitUploads} upload attempts met them), ${p.s3Proxy!.stats.cut} PUT cut mid-body`,
          recoverSeconds: `all complete ${completedAfter.map((x) => (x / 1000).toFixed(1)).join(' / ')} s after S3 returned`,
        };
      },
    });
  }, 300_000);
});

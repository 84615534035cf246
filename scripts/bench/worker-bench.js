// Jobs completed per second through one generation-worker whose provider answers instantly (every
// other step real: claim, events, S3 uploads, versions, completion transaction, notification), against
// a raw BullMQ worker at the same concurrency that does the same work by hand: the same four S3 PUTs
// (same bytes, same client library) and the same completion transaction (versions upsert, track, job,
// notification). Then the end-to-end latency at low load: POST /v1/generations → job completed, one
// job at a time, through a real gateway process, its relay and the worker.
import { spawn } from 'node:child_process';
import { Queue, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { encodeMp3, renderCover, renderSong } from '../../libs/audio-engine/dist/index.js';
import { startGenerationWorker, GenerationWorkerConfig } from '../../apps/generation-worker/dist/bootstrap.js';
import { loadConfig } from '../../libs/platform/dist/index.js';
import { StorageService } from '../../libs/storage/dist/index.js';
import { embeddedS3, fmt, percentile, scratchDatabase } from './support.js';

const JOBS = Number(process.env.BENCH_WORKER_JOBS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 8);
const LATENCY_JOBS = Number(process.env.BENCH_LATENCY_JOBS ?? 30);
const REDIS = 'redis://127.0.0.1:6379';

function instantProvider(name) {
  const song = renderSong({ prompt: 'bench', durationSeconds: 5, seed: 1 }, 0);
  const audio = encodeMp3(song.mix, song.sampleRate);
  const cover = renderCover(song.params, 'bench');
  return {
    name,
    audio,
    cover,
    async generate() {
      return {
        model: 'instant',
        hasVocals: false,
        title: 'Bench',
        variants: [0, 1].map((variantIndex) => ({ variantIndex, audio, audioContentType: 'audio/mpeg', cover, coverContentType: 'image/jpeg', durationSeconds: 5, metadata: {} })),
      };
    },
  };
}

async function timeUntil(done, pollMs = 50) {
  for (;;) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Tracks and jobs for the bench: `status` pending (the worker claims them) or processing (the raw path starts after the claim). */
async function seedJobs(pool, userId, provider, status) {
  const ids = [];
  for (let i = 0; i < JOBS; i++) ids.push({ trackId: randomUUID(), jobId: randomUUID() });
  await pool.query(
    `insert into tracks (id, user_id, prompt, provider) select t, $2, 'bench', $3 from unnest($1::uuid[]) t`,
    [ids.map((x) => x.trackId), userId, provider],
  );
  await pool.query(
    `insert into jobs (id, user_id, kind, queue_name, job_name, provider, resource_type, resource_id, payload, status, attempts)
     select j, $3, 'generation', 'generation', 'generation.run', $4, 'track', t, '{}', $5, case when $5 = 'processing' then 1 else 0 end
       from unnest($1::uuid[], $2::uuid[]) as x(j, t)`,
    [ids.map((x) => x.jobId), ids.map((x) => x.trackId), userId, provider, status],
  );
  return ids;
}

/** The raw baseline: the same S3 PUTs and the completion transaction of GenerationService.complete, written by hand. */
async function rawBaseline(url, s3, prefix, userId, provider) {
  const pool = new pg.Pool({ connectionString: url, max: CONCURRENCY });
  pool.on('error', () => undefined);
  const storage = new StorageService({ endpoint: s3.endpoint, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
  const ids = await seedJobs(pool, userId, provider.name, 'processing');
  const queue = new Queue('raw', { connection: { url: REDIS }, prefix });
  let completed = 0;
  const worker = new Worker(
    'raw',
    async (job) => {
      const { jobId, trackId } = job.data;
      const stored = [];
      for (const variantIndex of [0, 1]) {
        const dir = variantIndex === 0 ? `${userId}/${trackId}` : `${userId}/${trackId}/variants/${variantIndex}`; // trackObjectKey
        const audioKey = `${dir}/audio.mp3`;
        const coverKey = `${dir}/cover.jpg`;
        const audio = await storage.put('tracks', audioKey, provider.audio, 'audio/mpeg');
        const cover = await storage.put('tracks', coverKey, provider.cover, 'image/jpeg');
        stored.push({ variantIndex, audioUrl: audio.url, coverUrl: cover.url, bytes: audio.size });
      }
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query('update track_versions set is_primary_variant = false where parent_track_id = $1', [trackId]);
        const versions = await client.query(
          `insert into track_versions (parent_track_id, variant_index, audio_url, cover_url, duration, lyrics, is_primary_variant, metadata)
           select $1, v.i, v.a, v.c, 5, null, v.i = 0, jsonb_build_object('audio_bytes', v.b)
             from unnest($2::int[], $3::text[], $4::text[], $5::int[]) as v(i, a, c, b)
           on conflict (parent_track_id, variant_index) do update set audio_url = excluded.audio_url, cover_url = excluded.cover_url,
             duration = excluded.duration, lyrics = excluded.lyrics, is_primary_variant = excluded.is_primary_variant, metadata = excluded.metadata
           returning *`,
          [trackId, stored.map((s) => s.variantIndex), stored.map((s) => s.audioUrl), stored.map((s) => s.coverUrl), stored.map((s) => s.bytes)],
        );
        await client.query(
          `update tracks set status = 'completed', progress_percent = 100, error_message = null, audio_url = $2, cover_url = $3, duration = 5,
             duration_seconds = 5, has_vocals = false, model_name = 'instant', title = coalesce(title, 'Bench'), metadata = metadata || '{"variants": 2}'::jsonb
           where id = $1`,
          [trackId, stored[0].audioUrl, stored[0].coverUrl],
        );
        const result = { track_id: trackId, versions: versions.rows.map((v) => ({ id: v.id, variant_index: v.variant_index, audio_url: v.audio_url, cover_url: v.cover_url, duration: v.duration, is_primary_variant: v.is_primary_variant })) };
        const done = await client.query(
          `update jobs set status = 'completed', progress = 100, result = $2, error = null, completed_at = now() where id = $1 and status = 'processing' returning *`,
          [jobId, JSON.stringify(result)],
        );
        if (done.rowCount !== 1) throw new Error('job not processing');
        await client.query(`insert into notifications (user_id, type, title, message, link) values ($1, 'success', 'Your song is ready', $2, $3)`, [userId, '"Bench" has 2 new variants.', `/tracks/${trackId}`]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      } finally {
        client.release();
      }
    },
    { connection: { url: REDIS, maxRetriesPerRequest: null }, prefix, concurrency: CONCURRENCY },
  );
  worker.on('completed', () => completed++);
  worker.on('failed', (_job, error) => console.error('raw job failed:', error.message));
  await worker.waitUntilReady();
  const started = performance.now();
  await queue.addBulk(ids.map((x) => ({ name: 'generation.run', data: x, opts: { jobId: x.jobId, attempts: 3, removeOnComplete: true } })));
  await timeUntil(async () => completed >= JOBS, 5);
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  storage.destroy();
  await pool.end();
  return { perSecond: JOBS / seconds, seconds };
}

async function waitReady(base) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/health/ready`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('gateway did not become ready');
}

/** POST /v1/generations → completed, one job at a time (low load), through a gateway process, its relay and the worker. */
async function submitToCompleted(dbUrl, s3, prefix, pool) {
  const port = 4900 + Math.floor(Math.random() * 90);
  const base = `http://127.0.0.1:${port}`;
  const gateway = spawn(process.execPath, ['apps/api-gateway/dist/main.js'], {
    env: { ...process.env, PORT: String(port), DATABASE_URL: dbUrl, S3_ENDPOINT: s3.endpoint, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn', JWT_SECRET: 'bench-secret-bench-secret-bench-secret!', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', RATE_LIMITS: JSON.stringify({ 'generate-music': { requests: 100_000, per_seconds: 1 } }) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitReady(base);
    const signup = await (await fetch(`${base}/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'latency@bench.test', password: 'bench password' }) })).json();
    // a plan without limits: the probe is about latency, not the daily generation limit
    await pool.query(`insert into subscription_plans (name, display_name, credits_monthly, credits_daily_limit, max_concurrent_generations, max_projects, max_tracks_per_project)
                      values ('bench', 'Bench', -1, -1, -1, -1, -1) on conflict (name) do nothing`);
    await pool.query(`update profiles set subscription_plan = 'bench' where id = $1`, [signup.user.id]);
    await pool.query(`select admin_adjust_credits($1, 100000, 'bench')`, [signup.user.id]);
    const latencies = [];
    for (let i = 0; i < LATENCY_JOBS + 3; i++) {
      const t0 = Date.now();
      const res = await fetch(`${base}/v1/generations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${signup.access_token}` }, body: JSON.stringify({ prompt: 'latency probe', duration_seconds: 5 }) });
      if (res.status !== 202) throw new Error(`submit failed: ${res.status} ${await res.text()}`);
      const { id } = await res.json();
      let completedAt;
      await timeUntil(async () => {
        const { rows } = await pool.query(`select status, extract(epoch from completed_at) * 1000 as at from jobs where id = $1`, [id]);
        if (rows[0]?.status === 'failed') throw new Error(`latency job failed`);
        completedAt = rows[0]?.status === 'completed' ? Number(rows[0].at) : undefined;
        return completedAt !== undefined;
      }, 2);
      if (i >= 3) latencies.push(completedAt - t0); // the first three warm the paths up
    }
    latencies.sort((a, b) => a - b);
    return { jobs: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    gateway.kill('SIGTERM');
    await new Promise((r) => gateway.once('exit', r));
  }
}

export async function workerBench() {
  const db = await scratchDatabase();
  const s3 = await embeddedS3();
  const prefix = `{benchw${Date.now()}}`;
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => undefined); // the scratch database is dropped with force at the end
  const queue = new Queue('generation', { connection: { url: REDIS }, prefix });
  try {
    const { rows } = await pool.query(`insert into auth.users (email, encrypted_password) values ('w@bench.test', 'x') returning id`);
    const userId = rows[0].id;
    const instant = instantProvider('instant');
    const ids = await seedJobs(pool, userId, 'instant', 'pending');
    const messages = ids.map(({ jobId }) => ({ name: 'generation.run', data: { jobId, userId, correlationId: jobId }, opts: { jobId, attempts: 3 } }));
    const config = loadConfig(GenerationWorkerConfig, { ...process.env, DATABASE_URL: db.url, S3_ENDPOINT: s3.endpoint, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn', WORKER_CONCURRENCY: String(CONCURRENCY), HEALTH_PORT: '0' });
    // 'local' answered instantly too, for the end-to-end latency through the gateway (which submits local jobs).
    const worker = await startGenerationWorker(config, { extraProviders: [instant, { ...instant, name: 'local' }], listen: false });
    const started = performance.now();
    await queue.addBulk(messages);
    await timeUntil(async () => (await pool.query(`select count(*)::int n from jobs where status = 'completed'`)).rows[0].n >= JOBS, 20);
    const seconds = (performance.now() - started) / 1000;
    const platform = { perSecond: JOBS / seconds, seconds };
    const latency = await submitToCompleted(db.url, s3, prefix, pool);
    await worker.close();
    const raw = await rawBaseline(db.url, s3, `${prefix}raw`, userId, instant);
    return {
      title: `Job processing: ${JOBS} jobs, one worker process, concurrency ${CONCURRENCY}`,
      header: ['path', 'jobs/s', 'total s'],
      rows: [
        ['generation-worker, instant provider (claim, events, 4 S3 PUTs, progress, versions + completion transaction, notification, analytics)', fmt(platform.perSecond), fmt(platform.seconds, 2)],
        ['raw BullMQ worker, same 4 S3 PUTs + the same completion transaction by hand (versions upsert, track, job, notification)', fmt(raw.perSecond), fmt(raw.seconds, 2)],
      ],
      ratio: platform.perSecond / raw.perSecond,
      platform,
      raw,
      latency,
    };
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await pool.end();
    await s3.close();
    await db.drop();
  }
}

// Jobs completed per second through one generation-worker whose provider answers instantly (every
// other step real: claim, S3 uploads, versions, completion, events), against raw BullMQ processing of
// empty jobs at the same concurrency.
import { Queue, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { encodeMp3, renderCover, renderSong } from '../../libs/audio-engine/dist/index.js';
import { startGenerationWorker, GenerationWorkerConfig } from '../../apps/generation-worker/dist/bootstrap.js';
import { loadConfig } from '../../libs/platform/dist/index.js';
import { embeddedS3, fmt, scratchDatabase } from './support.js';

const JOBS = Number(process.env.BENCH_WORKER_JOBS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 8);
const REDIS = 'redis://127.0.0.1:6379';

function instantProvider() {
  const song = renderSong({ prompt: 'bench', durationSeconds: 5, seed: 1 }, 0);
  const audio = encodeMp3(song.mix, song.sampleRate);
  const cover = renderCover(song.params, 'bench');
  return {
    name: 'instant',
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

async function rawBaseline(prefix) {
  const queue = new Queue('raw', { connection: { url: REDIS }, prefix });
  let completed = 0;
  const worker = new Worker('raw', async () => undefined, { connection: { url: REDIS, maxRetriesPerRequest: null }, prefix, concurrency: CONCURRENCY });
  worker.on('completed', () => completed++);
  await worker.waitUntilReady();
  const started = performance.now();
  await queue.addBulk(Array.from({ length: JOBS }, (_, i) => ({ name: 'noop', data: { i }, opts: { jobId: `raw-${i}`, removeOnComplete: true } })));
  await timeUntil(async () => completed >= JOBS, 5);
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return { perSecond: JOBS / seconds, seconds };
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
    const messages = [];
    for (let i = 0; i < JOBS; i++) {
      const trackId = randomUUID();
      const jobId = randomUUID();
      await pool.query(`insert into tracks (id, user_id, prompt, provider) values ($1, $2, 'bench', 'instant')`, [trackId, userId]);
      await pool.query(`insert into jobs (id, user_id, kind, queue_name, job_name, provider, resource_type, resource_id, payload) values ($1, $2, 'generation', 'generation', 'generation.run', 'instant', 'track', $3, '{}')`, [jobId, userId, trackId]);
      messages.push({ name: 'generation.run', data: { jobId, userId, correlationId: jobId }, opts: { jobId, attempts: 3 } });
    }
    const config = loadConfig(GenerationWorkerConfig, { ...process.env, DATABASE_URL: db.url, S3_ENDPOINT: s3.endpoint, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn', WORKER_CONCURRENCY: String(CONCURRENCY), HEALTH_PORT: '0' });
    const worker = await startGenerationWorker(config, { extraProviders: [instantProvider()], listen: false });
    const started = performance.now();
    await queue.addBulk(messages);
    await timeUntil(async () => (await pool.query(`select count(*)::int n from jobs where status = 'completed'`)).rows[0].n >= JOBS);
    const seconds = (performance.now() - started) / 1000;
    await worker.close();
    const platform = { perSecond: JOBS / seconds, seconds };
    const raw = await rawBaseline(`${prefix}raw`);
    return {
      title: `Job processing: ${JOBS} jobs, one worker process, concurrency ${CONCURRENCY}`,
      header: ['path', 'jobs/s', 'total s'],
      rows: [
        ['generation-worker, instant provider (claim, 4 S3 uploads, versions + completion transaction, events)', fmt(platform.perSecond), fmt(platform.seconds, 2)],
        ['raw BullMQ worker, empty jobs', fmt(raw.perSecond), fmt(raw.seconds, 2)],
      ],
      ratio: platform.perSecond / raw.perSecond,
    };
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await pool.end();
    await s3.close();
    await db.drop();
  }
}

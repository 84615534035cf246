// Inputs of deploy/CAPACITY.md that the other benchmarks do not give: CPU-seconds and bytes of one
// local generation (both variants, MP3 192 kbps, covers) and Redis bytes per queued/completed job,
// per job event in the stream and per rate-limit bucket. CPU is process CPU time (user + system),
// which a busy machine inflates far less than wall time. Redis sizes are MEMORY USAGE of the keys the
// platform writes (exact, independent of other tenants of the same Redis).
// Usage: npm run build && node scripts/bench/capacity-bench.js [songSeconds=30] [redisUrl]
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { encodeMp3, renderCover, renderSong } from '../../libs/audio-engine/dist/index.js';

const songSeconds = Number(process.argv[2] ?? 30);
const redisUrl = process.argv[3] ?? process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const cpuS = (u) => (u.user + u.system) / 1e6;
const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

// --- one local generation, as the worker renders it: two variants, MP3 192 kbps, a cover each ---
const generate = (seed) => {
  let mp3 = 0;
  let cover = 0;
  for (const variant of [0, 1]) {
    const song = renderSong({ prompt: 'energetic electronic pop anthem with female vocals', durationSeconds: songSeconds, seed, instrumental: false }, variant);
    mp3 += encodeMp3(song.mix, song.sampleRate, 192).length;
    const c = renderCover(song.params, 'Capacity');
    cover += c.length ?? c.byteLength ?? 0;
  }
  return { mp3, cover };
};
generate(1); // JIT warm-up, wavetables
const runs = 3;
let c0 = process.cpuUsage();
let bytes;
for (let i = 0; i < runs; i++) bytes = generate(10 + i);
const generationCpuS = cpuS(process.cpuUsage(c0)) / runs;

// --- Redis: bytes per job, per event, per bucket ---
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
const prefix = `{capbench${randomUUID().slice(0, 8)}}`;
const N = 2000;
const keysOf = async (pattern) => {
  const out = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out;
};
const usage = async (keys) => {
  let total = 0;
  for (const k of keys) total += Number(await redis.call('memory', 'usage', k, 'samples', '0')) || 0;
  return total;
};
const queue = new Queue('generation', { connection: redis, prefix });
const message = () => ({ jobId: randomUUID(), userId: randomUUID(), correlationId: randomUUID(), traceparent: `00-${randomUUID().replace(/-/g, '')}-${randomUUID().replace(/-/g, '').slice(0, 16)}-01` });
// The relay's options (outbox-relay.service.ts): attempts with backoff, completed kept 24 h / 10,000.
for (let i = 0; i < N; i += 200) {
  await queue.addBulk(Array.from({ length: 200 }, () => {
    const data = message();
    return { name: 'generation.run', data, opts: { jobId: data.jobId, attempts: 3, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: { age: 86400, count: 10000 }, removeOnFail: { age: 604800 } } };
  }));
}
const waitingBytes = (await usage(await keysOf(`${prefix}:generation:*`))) / N;
// Completed: what a finished job leaves (its hash with return value and timestamps, the completed zset entry).
const worker = await import('bullmq').then(({ Worker }) => new Worker('generation', async () => ({ ok: true }), { connection: redis.duplicate(), prefix, concurrency: 50 }));
await new Promise((resolve) => {
  const tick = setInterval(async () => {
    if ((await queue.getJobCounts('wait', 'active')).wait + (await queue.getJobCounts('active')).active === 0) {
      clearInterval(tick);
      resolve();
    }
  }, 200);
});
await worker.close();
const completedBytes = (await usage(await keysOf(`${prefix}:generation:*`))) / N;
await queue.obliterate({ force: true });
await queue.close();

// Stream: a job event as JobEventsPublisher writes it (libs/platform/src/job-events.ts).
const streamKey = `${prefix}:job-events`;
const now = new Date().toISOString();
for (let i = 0; i < N; i++) {
  const event = { user_id: randomUUID(), job: { id: randomUUID(), kind: 'generation', status: 'processing', progress: 40, resource: { type: 'track', id: randomUUID() }, provider: 'local', attempts: 1, error: null, result: null, created_at: now, updated_at: now, completed_at: null } };
  await redis.xadd(streamKey, 'MAXLEN', '~', '100000', '*', 'event', JSON.stringify(event));
}
const eventBytes = Number(await redis.call('memory', 'usage', streamKey, 'samples', '0')) / N;
await redis.del(streamKey);

// Rate-limit bucket: the token bucket hash one request leaves (rate-limiter.service.ts key shape).
const { TOKEN_BUCKET_LUA } = await import('../../apps/api-gateway/dist/rate-limit/token-bucket.lua.js');
for (let i = 0; i < N; i++) await redis.eval(TOKEN_BUCKET_LUA, 1, `${prefix}:ratelimit:generate-music:10/60:${randomUUID()}`, 10, 60000);
const bucketKeys = await keysOf(`${prefix}:ratelimit:*`);
const bucketBytes = (await usage(bucketKeys)) / bucketKeys.length;
if (bucketKeys.length) await redis.del(...bucketKeys);
redis.disconnect();

console.log(JSON.stringify({
  measured_at: new Date().toISOString(),
  node: process.version,
  load_average: loadavg().map((l) => round(l, 1)),
  local_generation: { song_seconds: songSeconds, variants: 2, cpu_seconds: round(generationCpuS), mp3_bytes: bytes.mp3, cover_bytes: bytes.cover, runs },
  redis_bytes: { per_waiting_job: Math.round(waitingBytes), per_completed_job: Math.round(completedBytes), per_stream_event: Math.round(eventBytes), per_rate_limit_bucket: Math.round(bucketBytes) },
}, null, 2));

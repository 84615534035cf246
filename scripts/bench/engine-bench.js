// Benchmark of @muse/audio-engine: render + MP3 encode (+ cover) of both variants for 30 s and 120 s songs.
// Usage: npx tsc -b libs/audio-engine && node scripts/bench/engine-bench.js [durations...]
// Prints JSON. realtimeFactor = song seconds / wall seconds for the whole job (both variants).
import { availableParallelism, cpus } from 'node:os';
import {
  ENGINE_NAME, ENGINE_VERSION, closeEngineWorkers, encodeMp3, generateSongFilesParallel, renderCover, renderSong, warmUpEngineWorkers,
} from '../../libs/audio-engine/dist/index.js';

const durations = process.argv.slice(2).map(Number).filter((d) => Number.isFinite(d));
const DURATIONS = durations.length > 0 ? durations : [30, 120];
const request = (durationSeconds, seed = 1234) => ({
  prompt: 'energetic electronic pop anthem with female vocals', durationSeconds, seed, instrumental: false,
});
const round = (x) => Math.round(x * 10) / 10;

function sequential(durationSeconds, seed) {
  const stages = { renderMs: 0, encodeMs: 0, coverMs: 0 };
  const start = performance.now();
  let mp3Bytes = 0;
  for (const variant of [0, 1]) {
    let t = performance.now();
    const song = renderSong(request(durationSeconds, seed), variant);
    stages.renderMs += performance.now() - t;
    t = performance.now();
    mp3Bytes += encodeMp3(song.mix, song.sampleRate, 192).length;
    stages.encodeMs += performance.now() - t;
    t = performance.now();
    renderCover(song.params, 'Benchmark');
    stages.coverMs += performance.now() - t;
  }
  const wallMs = performance.now() - start;
  return {
    wallMs: round(wallMs),
    renderMs: round(stages.renderMs),
    encodeMs: round(stages.encodeMs),
    coverMs: round(stages.coverMs),
    renderRealtimeFactor: round((2 * durationSeconds * 1000) / stages.renderMs),
    realtimeFactor: round((durationSeconds * 1000) / wallMs),
    mp3Bytes,
  };
}

async function parallel(durationSeconds, seed) {
  const start = performance.now();
  const { variants } = await generateSongFilesParallel(request(durationSeconds, seed));
  const wallMs = performance.now() - start;
  return { wallMs: round(wallMs), realtimeFactor: round((durationSeconds * 1000) / wallMs), mp3Bytes: variants.reduce((a, v) => a + v.mp3.length, 0) };
}

// Cold start (first call in the process: JIT warm-up, wavetables, kits) is reported separately.
let t = performance.now();
sequential(5, 1);
const coldStartMs = round(performance.now() - t);
t = performance.now();
await warmUpEngineWorkers();
const workerColdStartMs = round(performance.now() - t);
// A second short round lets the workers' JIT settle, as it would in a long-running service.
sequential(5, 3);
await parallel(5, 4);

const results = [];
for (const d of DURATIONS) {
  results.push({ songSeconds: d, variants: 2, sequential: sequential(d, 7), parallelWorkers: await parallel(d, 8) });
}
await closeEngineWorkers();

console.log(JSON.stringify({
  engine: `${ENGINE_NAME}@${ENGINE_VERSION}`,
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  parallelism: availableParallelism(),
  coldStartMs: { sequential5s: coldStartMs, workers5s: workerColdStartMs },
  results,
}, null, 2));

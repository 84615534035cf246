#!/usr/bin/env node
// Tuning harness for the detectors (not part of bench:audio): renders engine songs for a seed range,
// caches the analyzer's raw listening pass per song in $TUNE_CACHE (default /tmp/audio-tune), then
// scores tempo / key / metre / vocal detection from the cache, so estimator changes are re-scored
// in seconds. Usage: node scripts/bench/audio-tune.js <firstSeed> <count> [held]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { serialize, deserialize } from 'node:v8';
import { renderSong } from '@muse/audio-engine';
import { listen } from '@muse/audio-analysis';
import { songsFor, scoreDetection } from './audio-accuracy.js';

const [first = '4000', count = '100', which = 'tune'] = process.argv.slice(2);
const dir = process.env.TUNE_CACHE ?? '/tmp/audio-tune';
mkdirSync(dir, { recursive: true });
const items = [];
for (const req of songsFor(which, Number(first), Number(count))) {
  const file = `${dir}/${req.seed}-${req.instrumental ? 'i' : 'v'}-${req.prompt.replace(/\W+/g, '_')}.bin`;
  let entry;
  if (existsSync(file)) entry = deserialize(readFileSync(file));
  else {
    const song = renderSong(req, 0);
    const { image, imageCount, ...raw } = listen({ ...song.mix, sampleRate: song.sampleRate, durationSeconds: song.durationSeconds });
    void image; void imageCount;
    entry = { params: song.params, raw };
    writeFileSync(file, serialize(entry));
  }
  items.push(entry);
}
const result = scoreDetection(items, { verbose: process.env.VERBOSE === '1' });
console.log(JSON.stringify(result.summary, null, 1));

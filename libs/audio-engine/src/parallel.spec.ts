import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { generateVariant } from './generate.js';
import { decodeMp3 } from './mp3-decode.js';
import { generateSongFilesParallel, VariantWorkerPool } from './parallel.js';

// The worker entry only exists once the library is compiled (npm test builds first).
const distWorker = new URL('../dist/variant-worker.js', import.meta.url);
const haveDist = existsSync(distWorker);

describe('generateSongFilesParallel', () => {
  it('validates the request before doing any work', async () => {
    await expect(generateSongFilesParallel({ prompt: 'x', durationSeconds: 2 })).rejects.toThrow(RangeError);
  });

});

describe('VariantWorkerPool (compiled worker)', () => {
  const pool = new VariantWorkerPool(2, distWorker);
  afterAll(() => pool.close());

  (haveDist ? it : it.skip)('renders in worker threads, identically in separate isolates', async () => {
    const req = { prompt: 'funky disco groove', durationSeconds: 5, seed: 6 };
    // Two concurrent jobs land on two different workers.
    const [a, a2] = await Promise.all([pool.run(req, 1), pool.run(req, 1)]);
    expect(a!.variantIndex).toBe(1);
    expect(Buffer.isBuffer(a!.mp3)).toBe(true);
    expect(a!.mp3.equals(a2!.mp3)).toBe(true);
    expect(a!.cover.equals(a2!.cover)).toBe(true);
    // The MP3 encoder (WebAssembly, instantiated once per thread) gives the main thread's bytes too.
    expect(a!.mp3.equals(generateVariant(req, 1).mp3)).toBe(true);
    const decoded = await decodeMp3(a!.mp3);
    expect(Math.abs(decoded.durationSeconds - 5)).toBeLessThanOrEqual(0.15);
  });

  (haveDist ? it : it.skip)('reports worker-side validation errors as RangeError', async () => {
    await expect(pool.run({ prompt: 'x', durationSeconds: 999 }, 0)).rejects.toThrow(RangeError);
  });
});

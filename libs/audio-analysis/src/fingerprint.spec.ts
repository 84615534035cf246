import { describe, expect, it } from '@jest/globals';
import { renderSong } from '@muse/audio-engine';
import { bestMatch, fingerprint, FP_FPS, type FingerprintHit } from './fingerprint.js';

function noisyExcerpt(mix: { left: Float32Array; right: Float32Array }, startSeconds: number, snrDb: number) {
  const from = Math.round(startSeconds * 44100), n = 10 * 44100;
  const left = mix.left.slice(from, from + n), right = mix.right.slice(from, from + n);
  let p = 0;
  for (let i = 0; i < n; i++) p += (left[i]! ** 2 + right[i]! ** 2) / 2;
  const sd = Math.sqrt(p / n / 10 ** (snrDb / 10));
  let seed = 99;
  const u = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
  for (let i = 0; i < n; i++) { left[i]! += sd * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()); right[i]! += sd * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()); }
  return { left, right, sampleRate: 44100 };
}

describe('landmark fingerprints', () => {
  const songs = [['bright pop song', 1], ['dark trap beat', 2], ['acoustic folk ballad', 3]].map(([p, s]) => renderSong({ prompt: p as string, durationSeconds: 25, seed: s as number }, 0));
  const index: FingerprintHit[] = songs.flatMap((s, i) => fingerprint({ ...s.mix, sampleRate: 44100 }).map((l) => ({ ...l, trackId: `track-${i}` })));

  it('recognises a 10 s excerpt at 10 dB SNR and finds where it starts', () => {
    for (const [i, start] of [[0, 3], [1, 11.5], [2, 14]] as const) {
      const match = bestMatch(fingerprint(noisyExcerpt(songs[i]!.mix, start, 10)), index);
      expect(match?.trackId).toBe(`track-${i}`);
      expect(Math.abs(match!.offsetSeconds - start)).toBeLessThan(2 / FP_FPS + 0.05);
      expect(match!.confidence).toBeGreaterThan(0.3);
    }
  });

  it('matches nothing for a song that is not indexed, even with the same style', () => {
    const stranger = renderSong({ prompt: 'bright pop song', durationSeconds: 12, seed: 77 }, 0);
    expect(bestMatch(fingerprint({ ...stranger.mix, sampleRate: 44100 }), index)).toBeUndefined();
    expect(bestMatch(fingerprint(noisyExcerpt(stranger.mix, 1, 10)), index)).toBeUndefined();
  });
});

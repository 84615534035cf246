import { describe, expect, it } from '@jest/globals';
import { nonSnakeCaseKeys, snakeCaseKey, snakeCaseKeys } from './snake-case.js';

describe('snake_case keys', () => {
  it('converts camelCase, PascalCase and acronyms; leaves snake_case alone', () => {
    expect(['tempoBpm', 'loudnessLufs', 'spectralCentroidHz', 'HTTPStatus', 'audioURL', 'Key', 'already_snake', 'v2Value', 'x'].map(snakeCaseKey)).toEqual(['tempo_bpm', 'loudness_lufs', 'spectral_centroid_hz', 'http_status', 'audio_url', 'key', 'already_snake', 'v2_value', 'x']);
  });

  it('converts nested objects inside arrays, keeps values and dates as strings', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const out = snakeCaseKeys({ features: { tempoBpm: 120, genres: [{ label: 'Hip-Hop', topScore: 0.9 }] }, tags: ['camelCaseValue'], at, none: null });
    expect(out).toEqual({ features: { tempo_bpm: 120, genres: [{ label: 'Hip-Hop', top_score: 0.9 }] }, tags: ['camelCaseValue'], at: at.toISOString(), none: null });
    expect(nonSnakeCaseKeys(out)).toEqual([]);
    expect(nonSnakeCaseKeys({ a: [{ okKey: 1 }], b: { c: { dEe: 2 } } })).toEqual(['$.a[0].okKey', '$.b.c.dEe']);
  });
});

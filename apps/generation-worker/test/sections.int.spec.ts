import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeMp3 } from '@muse/audio-engine';
import { MP3_CODEC_DELAY_FRAMES } from '../src/jobs/audio-source.js';
import { download, StudioPlatform, type User } from './studio-harness.js';

/** Signal-to-difference ratio in dB of b against a over [from, to). */
function snr(a: Float32Array, b: Float32Array, from: number, to: number): number {
  let sig = 0, diff = 0;
  for (let i = from; i < to; i++) {
    sig += a[i]! * a[i]!;
    diff += (a[i]! - b[i]!) ** 2;
  }
  return 10 * Math.log10(sig / Math.max(diff, 1e-20));
}

describe('section replacement over HTTP (local engine + crossfaded splice)', () => {
  const p = new StudioPlatform();
  let alice: User;
  let bob: User;
  let song: { trackId: string; versions: any[] }; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    await p.start();
    alice = await p.signup('sec-alice@example.com');
    bob = await p.signup('sec-bob@example.com');
    song = await p.song(alice, 10);
  }, 120_000);
  afterAll(() => p.stop());

  it('regenerates the range into a NEW version; the original stays and the untouched parts are unchanged', async () => {
    const res = await p.call('POST', `/v1/tracks/${song.trackId}/sections`, { token: alice.token, body: { replaced_start_s: 3, replaced_end_s: 6.5, prompt: 'a wild jazz saxophone break', tags: 'jazz, brass' } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'section_replacement', resource: { type: 'track_section_replacement' } });
    const done = await p.settled(alice, res.body.id);
    expect(done).toMatchObject({ status: 'completed', result: { track_id: song.trackId, source_version_id: song.versions[0].id, version: { variant_index: 2, is_primary_variant: false } } });

    const versions = (await p.call('GET', `/v1/tracks/${song.trackId}/versions`, { token: alice.token })).body.data;
    expect(versions).toHaveLength(3);
    // The original versions are exactly as they were: same URL, still the master.
    expect(versions[0]).toMatchObject({ id: song.versions[0].id, audio_url: song.versions[0].audio_url, is_primary_variant: true });
    const row = await p.t.db.selectFrom('track_section_replacements').selectAll().where('id', '=', res.body.resource.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'completed', replacement_audio_url: versions[2].audio_url, version_id: song.versions[0].id });

    // Both decode with the same codec delay in front; the new version is the song's exact length again.
    const before = await decodeMp3(await download(song.versions[0].audio_url));
    const after = await decodeMp3(await download(versions[2].audio_url));
    expect(versions[2].duration).toBe(10);
    expect(Math.abs(after.left.length - before.left.length)).toBeLessThanOrEqual(1152); // at most the last frame's padding
    const sr = 44100;
    const d = MP3_CODEC_DELAY_FRAMES;
    // Outside the range only MP3 re-encoding separates them (~20 dB SNR, like any 192 kbps generation);
    // inside, it is new music (< 3 dB). The splice itself is bit-exact outside the range (splice.spec.ts).
    expect(snr(before.left, after.left, d, d + 3 * sr - 2048)).toBeGreaterThan(15);
    expect(snr(before.left, after.left, d + Math.round(6.5 * sr) + 2048, d + 10 * sr - 2048)).toBeGreaterThan(15);
    expect(snr(before.left, after.left, d + Math.round(3.2 * sr), d + Math.round(6.3 * sr))).toBeLessThan(3);
    expect(row.metadata).toMatchObject({ new_variant_index: 2, new_version_id: versions[2].id });
  });

  it('refuses a section outside the track, other users\' tracks, providers and bad ranges, creating nothing', async () => {
    const before = { jobs: await p.count('jobs'), rows: await p.count('track_section_replacements'), outbox: await p.count('outbox') };
    const post = (user: User, body: Record<string, unknown>) => p.call('POST', `/v1/tracks/${song.trackId}/sections`, { token: user.token, body });
    const outside = await post(alice, { replaced_start_s: 8, replaced_end_s: 12, prompt: 'x' });
    expect(outside.status).toBe(422);
    expect(outside.body.type).toContain('section-outside-track');
    expect((await post(bob, { replaced_start_s: 1, replaced_end_s: 2, prompt: 'x' })).status).toBe(404);
    expect((await post(alice, { replaced_start_s: 1, replaced_end_s: 2, prompt: 'x', provider: 'suno' })).status).toBe(422);
    expect((await post(alice, { replaced_start_s: 2, replaced_end_s: 1, prompt: 'x' })).status).toBe(400);
    expect((await post(alice, { replaced_start_s: 1, replaced_end_s: 1.5, prompt: 'x' })).status).toBe(400);
    expect((await post(alice, { replaced_start_s: -1, replaced_end_s: 2, prompt: 'x' })).status).toBe(400);
    expect((await post(alice, { replaced_start_s: 1, replaced_end_s: 2 })).status).toBe(400);
    expect((await post(alice, { replaced_start_s: 1, replaced_end_s: 2, prompt: 'x', crossfade_ms: 5000 })).status).toBe(400);
    expect({ jobs: await p.count('jobs'), rows: await p.count('track_section_replacements'), outbox: await p.count('outbox') }).toEqual(before);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeMp3, encodeMp3, renderSong } from '@muse/audio-engine';
import { Bucket } from '@muse/db';
import { waitFor } from '../../../test/support/env.js';
import { Harness } from './harness.js';

/** A 10 s excerpt from `startSeconds`, with white noise at 10 dB SNR, as an MP3 (deterministic noise). */
async function noisyExcerpt(mp3: Buffer, startSeconds: number): Promise<Buffer> {
  const audio = await decodeMp3(mp3);
  const from = Math.round(startSeconds * audio.sampleRate), n = 10 * audio.sampleRate;
  const left = audio.left.slice(from, from + n), right = audio.right.slice(from, from + n);
  let power = 0;
  for (let i = 0; i < n; i++) power += (left[i]! ** 2 + right[i]! ** 2) / 2;
  const sd = Math.sqrt(power / n / 10);
  let seed = 12345;
  const uniform = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
  for (let i = 0; i < n; i++) {
    const g = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    left[i]! += sd * g; right[i]! += sd * g * 0.7;
  }
  return encodeMp3({ left, right }, audio.sampleRate);
}

describe('recognition by fingerprint', () => {
  const h = new Harness();
  beforeAll(() => h.start('recognition'));
  afterAll(() => h.stop());

  const upload = async (userId: string, name: string, bytes: Buffer) => (await h.storage.put(Bucket.AudioLibrary, `${userId}/uploads/${name}`, bytes, 'audio/mpeg')).url;
  const recognize = async (token: string, body: unknown) => {
    const res = await h.call('POST', '/v1/recognitions', token, body);
    expect(res.status).toBe(202);
    const job = await h.settled(res.body.id);
    const row = await h.t.db.selectFrom('song_recognitions').selectAll().where('id', '=', job.resource_id!).executeTakeFirstOrThrow();
    return { job, row };
  };

  it("recognises noisy excerpts of indexed tracks, never reveals another user's private track, and matches nothing unindexed", async () => {
    const pub = await h.engineTrack(h.alice.id, 'upbeat funk groove with horns', 25, 31);
    const priv = await h.engineTrack(h.alice.id, 'dark techno with a rolling bassline', 25, 32);
    await h.t.db.updateTable('tracks').set({ is_public: true, title: 'Public Groove' }).where('id', '=', pub.track.id).execute();
    // The indexer picks up completed tracks by itself.
    await waitFor(async () => (await h.t.db.selectFrom('audio_fingerprint_tracks').selectAll().where('track_id', 'in', [pub.track.id, priv.track.id]).execute()).length === 2, 'both tracks to be indexed', 60_000);
    const profile = await h.t.db.selectFrom('profiles').select(['full_name', 'username']).where('id', '=', h.alice.id).executeTakeFirstOrThrow();

    const fromPublic = await recognize(h.bob.token, { audio_file_url: await upload(h.bob.id, 'clip1.mp3', await noisyExcerpt(pub.mp3, 9.3)) });
    expect(fromPublic.job.status).toBe('completed');
    expect(fromPublic.row).toMatchObject({ status: 'completed', recognized_title: 'Public Groove', recognized_artist: profile.full_name ?? profile.username ?? 'Unknown artist' });
    expect(Number(fromPublic.row.confidence_score)).toBeGreaterThan(0.3);
    expect(Math.abs((fromPublic.job.result as { offset_seconds: number }).offset_seconds - 9.3)).toBeLessThan(0.2);

    // Alice's private track: Bob learns nothing; Alice herself gets it.
    const clip = await noisyExcerpt(priv.mp3, 4);
    const bobAsks = await recognize(h.bob.token, { audio_file_url: await upload(h.bob.id, 'clip2.mp3', clip) });
    expect(bobAsks.row).toMatchObject({ status: 'completed', recognized_title: null, recognized_artist: null });
    expect(JSON.stringify(bobAsks.job.result)).not.toContain(priv.track.id);
    const aliceAsks = await recognize(h.alice.token, { audio_file_url: await upload(h.alice.id, 'clip2.mp3', clip) });
    expect(aliceAsks.row.recognized_title).toBe('Test Song');

    // A song that was never indexed is not matched to anything.
    const other = renderSong({ prompt: 'upbeat funk groove with horns', durationSeconds: 12, seed: 999 }, 0);
    const unknown = await recognize(h.bob.token, { audio_file_url: await upload(h.bob.id, 'clip3.mp3', encodeMp3(other.mix, 44100)) });
    expect(unknown.row).toMatchObject({ status: 'completed', recognized_title: null });
  }, 240_000); // renders and fingerprints two songs: minutes on a loaded 2-core machine

  it('fails on bad audio with a clear error and refuses files that are not the caller’s', async () => {
    const empty = await recognize(h.bob.token, { audio_file_url: await upload(h.bob.id, 'empty.mp3', Buffer.alloc(0)) });
    expect(empty.job.status).toBe('failed');
    expect((empty.job.error as { code: string }).code).toBe('empty-audio');
    expect(empty.row).toMatchObject({ status: 'failed', recognized_title: null });
    const before = await h.jobCount();
    const aliceFile = await upload(h.alice.id, 'mine.mp3', Buffer.alloc(10));
    expect((await h.call('POST', '/v1/recognitions', h.bob.token, { audio_file_url: aliceFile })).status).toBe(422);
    expect((await h.call('POST', '/v1/recognitions', h.bob.token, { audio_library_id: crypto.randomUUID() })).status).toBe(404);
    expect((await h.call('POST', '/v1/recognitions', h.bob.token, { audio_file_url: aliceFile, provider: 'mureka' })).status).toBe(422);
    expect((await h.call('POST', '/v1/recognitions', h.bob.token, {})).status).toBe(400);
    expect(await h.jobCount()).toBe(before);
  });
});

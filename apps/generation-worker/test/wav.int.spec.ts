import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeMp3, decodeWav, encodeWav } from '@muse/audio-engine';
import { Bucket, trackObjectKey } from '@muse/db';
import { StorageService } from '@muse/storage';
import { MP3_CODEC_DELAY_FRAMES } from '../src/jobs/audio-source.js';
import { WavExportService } from '../src/wav/wav.service.js';
import { download, StudioPlatform, type User } from './studio-harness.js';

describe('WAV export over HTTP', () => {
  const p = new StudioPlatform();
  let alice: User;
  let bob: User;
  let song: { trackId: string; versions: any[] }; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    await p.start();
    alice = await p.signup('wav-alice@example.com');
    bob = await p.signup('wav-bob@example.com');
    song = await p.song(alice, 6);
  }, 120_000);
  afterAll(() => p.stop());

  it('exports the master as 16-bit 44.1 kHz PCM of the decoded MP3, stores it and sets wav_url', async () => {
    const res = await p.call('POST', `/v1/tracks/${song.trackId}/wav`, { token: alice.token, body: {} });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/v1/jobs/${res.body.id}`);
    expect(res.body).toMatchObject({ kind: 'wav', status: 'pending', resource: { type: 'wav_job' } });
    const done = await p.settled(alice, res.body.id);
    expect(done).toMatchObject({ status: 'completed', progress: 100, result: { track_id: song.trackId, sample_rate: 44100, bit_depth: 16 } });
    const row = await p.t.db.selectFrom('wav_jobs').selectAll().where('id', '=', res.body.resource.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'completed', wav_url: done.result.wav_url, audio_id: song.versions[0].id });
    expect(row.wav_url).toContain(`/tracks/${alice.id}/${song.trackId}/audio.wav`);

    const wav = decodeWav(await download(row.wav_url!));
    const mp3 = await decodeMp3(await download(song.versions[0].audio_url));
    expect(wav).toMatchObject({ sampleRate: 44100, bitDepth: 16 });
    // Exactly the song's length: the MP3 codec delay and the last frame's padding are not part of it.
    expect(wav.left.length).toBe(6 * 44100);
    expect(mp3.left.length).toBeGreaterThan(6 * 44100 + MP3_CODEC_DELAY_FRAMES);
    // The samples are the decoder's (after its delay), quantised to 16 bit.
    for (let i = 0; i < wav.left.length; i += 997) expect(Math.abs(wav.left[i]! - mp3.left[i + MP3_CODEC_DELAY_FRAMES]!)).toBeLessThanOrEqual(1 / 32767);
  });

  it('exports a named version at 24 bit, and round-trips a WAV version bit for bit', async () => {
    // Put a real 24-bit WAV in as variant 1's audio: the export must reproduce it exactly.
    const storage = new StorageService({ endpoint: process.env.S3_ENDPOINT!, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    const n = 44100;
    const tone = Float32Array.from({ length: n }, (_, i) => 0.6 * Math.sin((2 * Math.PI * 440 * i) / 44100));
    const source = encodeWav({ left: tone, right: tone.map((x) => -x) }, 44100, 24);
    const put = await storage.put(Bucket.Tracks, trackObjectKey(alice.id, song.trackId, 'audio.mp3', 7), source, 'audio/wav');
    storage.destroy();
    const v1 = song.versions[1];
    await p.t.db.updateTable('track_versions').set({ audio_url: put.url }).where('id', '=', v1.id).execute();

    const res = await p.call('POST', `/v1/tracks/${song.trackId}/wav`, { token: alice.token, body: { version_id: v1.id, bit_depth: 24 } });
    expect(res.status).toBe(202);
    const done = await p.settled(alice, res.body.id);
    expect(done).toMatchObject({ status: 'completed', result: { version_id: v1.id, bit_depth: 24 } });
    expect(done.result.wav_url).toContain('/variants/1/audio.wav');
    expect(Buffer.compare(Buffer.from(await download(done.result.wav_url)), source)).toBe(0);
  });

  it('refuses another user\'s track, unknown versions and bad fields with 4xx and creates nothing', async () => {
    const before = { jobs: await p.count('jobs'), wav: await p.count('wav_jobs'), outbox: await p.count('outbox') };
    const other = await p.call('POST', `/v1/tracks/${song.trackId}/wav`, { token: bob.token, body: {} });
    expect(other.status).toBe(404);
    // Public does not make it Bob's to export.
    await p.t.db.updateTable('tracks').set({ is_public: true }).where('id', '=', song.trackId).execute();
    expect((await p.call('POST', `/v1/tracks/${song.trackId}/wav`, { token: bob.token, body: {} })).status).toBe(404);
    const version = await p.call('POST', `/v1/tracks/${song.trackId}/wav`, { token: alice.token, body: { version_id: crypto.randomUUID() } });
    expect(version.status).toBe(404);
    const depth = await p.call('POST', `/v1/tracks/${song.trackId}/wav`, { token: alice.token, body: { bit_depth: 8 } });
    expect(depth.status).toBe(400);
    expect(depth.headers.get('content-type')).toContain('application/problem+json');
    expect((await p.call('POST', `/v1/tracks/${song.trackId}/wav`, { token: alice.token, body: { format: 'flac' } })).status).toBe(400);
    expect((await p.call('POST', '/v1/tracks/not-a-uuid/wav', { token: alice.token, body: {} })).status).toBe(404);
    expect((await p.call('POST', `/v1/tracks/${song.trackId}/wav`, { body: {} })).status).toBe(401);
    expect({ jobs: await p.count('jobs'), wav: await p.count('wav_jobs'), outbox: await p.count('outbox') }).toEqual(before);
  });

  it('retries a failing export with backoff, fails it after 3 attempts (row, job, notice), and ignores redeliveries', async () => {
    const v1 = song.versions[1];
    const missing = song.versions[0].audio_url.replace('audio.mp3', 'gone.mp3');
    await p.t.db.updateTable('track_versions').set({ audio_url: missing }).where('id', '=', v1.id).execute();
    const res = await p.call('POST', `/v1/tracks/${song.trackId}/wav`, { token: alice.token, body: { version_id: v1.id } });
    expect(res.status).toBe(202);
    const done = await p.settled(alice, res.body.id);
    expect(done).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'wav-failed' } });
    const row = await p.t.db.selectFrom('wav_jobs').selectAll().where('id', '=', res.body.resource.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', wav_url: null });
    expect(row.error_message).toBeTruthy();
    const notes = await p.t.db.selectFrom('notifications').selectAll().where('user_id', '=', alice.id).where('type', '=', 'error').execute();
    expect(notes.filter((n) => n.link === `/jobs/${res.body.id}`)).toHaveLength(1);

    // A redelivered message for a finished job (failed or completed) changes nothing.
    const service = p.worker.app.get(WavExportService);
    expect(await service.run({ jobId: res.body.id, userId: alice.id, correlationId: 'redelivery' })).toBeUndefined();
    const after = (await p.call('GET', `/v1/jobs/${res.body.id}`, { token: alice.token })).body;
    expect(after).toEqual(done);
  });

  it('documents every studio endpoint in the OpenAPI document', async () => {
    const spec = await p.call('GET', '/openapi.json');
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/v1/tracks/{id}/wav', '/v1/lyrics', '/v1/upscales', '/v1/tracks/{id}/sections', '/v1/personas', '/v1/projects/{id}/transformations']));
  });

  it('answers a repeated Idempotency-Key with the same job, once', async () => {
    const headers = { 'idempotency-key': 'wav-once' };
    const first = await p.call('POST', `/v1/tracks/${song.trackId}/wav`, { token: alice.token, body: {}, headers });
    const again = await p.call('POST', `/v1/tracks/${song.trackId}/wav`, { token: alice.token, body: {}, headers });
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await p.settled(alice, first.body.id);
    expect(Number((await p.t.db.selectFrom('wav_jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('id', '=', first.body.resource.id).executeTakeFirstOrThrow()).n)).toBe(1);
  });
});

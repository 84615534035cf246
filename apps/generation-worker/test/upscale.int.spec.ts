import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeMp3, decodeWav } from '@muse/audio-engine';
import { fixture, sineFit } from '../../../libs/audio-engine/fixtures/index.js';
import { download, StudioPlatform, type User } from './studio-harness.js';

describe('upscale over HTTP (local 48 kHz / 24-bit resample)', () => {
  const p = new StudioPlatform();
  let alice: User;
  let bob: User;
  let song: { trackId: string; versions: any[] }; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    await p.start();
    alice = await p.signup('up-alice@example.com');
    bob = await p.signup('up-bob@example.com');
    song = await p.song(alice, 5);
  }, 120_000);
  afterAll(() => p.stop());

  it('resamples a track version to 48 kHz / 24-bit with the same duration and content', async () => {
    const res = await p.call('POST', '/v1/upscales', { token: alice.token, body: { track_id: song.trackId, version_id: song.versions[1].id, seed: 3 } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'upscale', provider: 'local', resource: { type: 'audio_upscale_job' } });
    const done = await p.settled(alice, res.body.id);
    expect(done).toMatchObject({ status: 'completed', result: { model_version: 'local-resample-48k', sample_rate: 48000, bit_depth: 24, track_id: song.trackId } });
    const row = await p.t.db.selectFrom('audio_upscale_jobs').selectAll().where('id', '=', res.body.resource.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'completed', model_version: 'local-resample-48k', input_audio_url: song.versions[1].audio_url, seed: 3, user_id: alice.id });
    expect(row.completed_at).not.toBeNull();
    expect(row.output_audio_url).toContain(`/tracks/${alice.id}/${song.trackId}/variants/1/audio-48k.wav`);

    const out = decodeWav(await download(row.output_audio_url!));
    const src = await decodeMp3(await download(song.versions[1].audio_url));
    expect(out).toMatchObject({ sampleRate: 48000, bitDepth: 24 });
    expect(out.left.length).toBe(5 * 48000); // the 5 s song, exactly, at the new rate
    // Same music: the RMS level is kept within 0.1 dB.
    const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
    expect(Math.abs(20 * Math.log10(rms(out.left) / rms(src.left.subarray(1105, 1105 + 5 * 44100))))).toBeLessThan(0.1);
  });

  it('upscales the caller\'s own stored audio by URL', async () => {
    const res = await p.call('POST', '/v1/upscales', { token: alice.token, body: { input_audio_url: song.versions[0].audio_url } });
    expect(res.status).toBe(202);
    const done = await p.settled(alice, res.body.id);
    expect(done.status).toBe('completed');
    expect(done.result.output_audio_url).toContain(`/tracks/${alice.id}/upscales/${res.body.resource.id}/audio-48k.wav`);
    expect(decodeWav(await download(done.result.output_audio_url)).sampleRate).toBe(48000);
  });

  it('upscales FLAC and Ogg Opus library uploads to the tone encoded in them; an M4A fails at once, naming the formats read', async () => {
    const upload = async (name: string, type: string, bytes: Buffer) => {
      const start = await p.call('POST', '/v1/library/uploads', { token: alice.token, body: { file_name: name, content_type: type, size_bytes: bytes.length } });
      expect(start.status).toBe(201);
      expect((await fetch(start.body.url, { method: 'PUT', headers: { 'content-type': type }, body: bytes })).status).toBe(200);
      expect((await p.call('POST', `/v1/library/uploads/${start.body.id}/complete`, { token: alice.token })).status).toBe(201);
      const res = await p.call('POST', '/v1/upscales', { token: alice.token, body: { input_audio_url: String(start.body.url).split('?')[0] } });
      expect(res.status).toBe(202);
      return { done: await p.settled(alice, res.body.id), rowId: res.body.resource.id as string };
    };
    // Real encoder output (libs/audio-engine/fixtures): 2 s, a 440 Hz sine at 0.5 on the left (16 kHz FLAC, 48 kHz Opus).
    for (const [name, type, sourceRate] of [['sine-440-660-stereo-16k.flac', 'audio/flac', 16000], ['sine-440-mono.opus', 'audio/ogg', 48000]] as const) {
      const { done, rowId } = await upload(name, type, fixture(name));
      expect([name, done.status]).toEqual([name, 'completed']);
      const row = await p.t.db.selectFrom('audio_upscale_jobs').selectAll().where('id', '=', rowId).executeTakeFirstOrThrow();
      expect((row.metadata as { source_sample_rate: number }).source_sample_rate).toBe(sourceRate);
      const out = decodeWav(await download(done.result.output_audio_url));
      expect(out.left.length).toBe(2 * 48000);
      const fit = sineFit(out.left, 48000, 440);
      expect(fit.amplitude).toBeCloseTo(0.5, 1);
      expect(fit.residual).toBeLessThan(0.02);
    }
    const m4a = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypM4A isomiso2', 'latin1'), Buffer.alloc(4000)]);
    const { done: refused } = await upload('song.m4a', 'audio/mp4', m4a);
    expect(refused.status).toBe('failed');
    expect(refused.error.code).toBe('invalid-input');
    expect(refused.error.message).toMatch(/MP4\/M4A audio cannot be decoded here; the formats read are MP3, WAV, FLAC, Ogg Vorbis and Ogg Opus/);
  });

  it('refuses others\' tracks and audio, provider models and out-of-range parameters, creating nothing', async () => {
    const before = { jobs: await p.count('jobs'), rows: await p.count('audio_upscale_jobs'), outbox: await p.count('outbox') };
    expect((await p.call('POST', '/v1/upscales', { token: bob.token, body: { track_id: song.trackId } })).status).toBe(404);
    const foreign = await p.call('POST', '/v1/upscales', { token: bob.token, body: { input_audio_url: song.versions[0].audio_url } });
    expect(foreign.status).toBe(422);
    expect((await p.call('POST', '/v1/upscales', { token: alice.token, body: { input_audio_url: 'https://example.com/a.mp3' } })).status).toBe(422);
    const sneaky = song.versions[0].audio_url.replace(`/${alice.id}/`, `/${alice.id}/..%2F${bob.id}/`);
    expect((await p.call('POST', '/v1/upscales', { token: alice.token, body: { input_audio_url: sneaky } })).status).toBe(422);
    const replicate = await p.call('POST', '/v1/upscales', { token: alice.token, body: { track_id: song.trackId, model_version: 'audioldm2' } });
    expect(replicate.status).toBe(422);
    expect(replicate.body.detail).toContain('not configured');
    for (const body of [
      { track_id: song.trackId, guidance_scale: 50 },
      { track_id: song.trackId, ddim_steps: 0 },
      { track_id: song.trackId, model_version: 'magic' },
      {},
      { track_id: song.trackId, input_audio_url: song.versions[0].audio_url },
      { input_audio_url: song.versions[0].audio_url, version_id: song.versions[0].id },
    ]) {
      expect([body, (await p.call('POST', '/v1/upscales', { token: alice.token, body })).status]).toEqual([body, 400]);
    }
    expect({ jobs: await p.count('jobs'), rows: await p.count('audio_upscale_jobs'), outbox: await p.count('outbox') }).toEqual(before);
  });
});

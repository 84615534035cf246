import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeMp3 } from '@muse/audio-engine';
import { MP3_CODEC_DELAY_FRAMES } from '../src/jobs/audio-source.js';
import { download, StudioPlatform, type User } from './studio-harness.js';

/** Energy (dB) of the mono signal through a 4th-order Butterworth high- or low-pass at f (two RBJ biquads, Q of the Butterworth pair). */
function bandDb(x: Float32Array, kind: 'high' | 'low', f: number, sr = 44100): number {
  let y = Float64Array.from(x);
  for (const q of [0.5412, 1.3066]) {
    const w = (2 * Math.PI * f) / sr;
    const alpha = Math.sin(w) / (2 * q);
    const cos = Math.cos(w);
    const a0 = 1 + alpha;
    const b = kind === 'high' ? [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2] : [(1 - cos) / 2, 1 - cos, (1 - cos) / 2];
    const [b0, b1, b2] = b.map((v) => v / a0) as [number, number, number];
    const a1 = (-2 * cos) / a0, a2 = (1 - alpha) / a0;
    const out = new Float64Array(y.length);
    let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (let i = 0; i < y.length; i++) {
      const v = b0 * y[i]! + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
      x2 = x1; x1 = y[i]!; y2 = y1; y1 = v;
      out[i] = v;
    }
    y = out;
  }
  let e = 0;
  for (let i = 2048; i < y.length; i++) e += y[i]! * y[i]!; // skip the filters' settling
  return 10 * Math.log10(e / (y.length - 2048));
}

async function mono(url: string, frames: number): Promise<Float32Array> {
  const d = await decodeMp3(await download(url));
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) out[i] = 0.5 * (d.left[i + MP3_CODEC_DELAY_FRAMES]! + d.right[i + MP3_CODEC_DELAY_FRAMES]!);
  return out;
}

describe('effects jobs over HTTP', () => {
  const p = new StudioPlatform();
  let alice: User;
  let bob: User;
  let song: { trackId: string; versions: any[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
  const rows = async () => ({
    jobs: await p.count('jobs'),
    outbox: await p.count('outbox'),
    versions: Number((await p.t.db.selectFrom('track_versions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
  });

  beforeAll(async () => {
    await p.start();
    alice = await p.signup('fx-alice@example.com');
    bob = await p.signup('fx-bob@example.com');
    song = await p.song(alice, 8, 'bright energetic pop with shimmering cymbals and bells');
  }, 120_000);
  afterAll(() => p.stop());

  it('applies an inline high shelf as a NEW non-primary version: > 8 kHz down by the stated 12 dB, lows unchanged, the original untouched', async () => {
    const before = await p.t.db.selectFrom('track_versions').selectAll().where('parent_track_id', '=', song.trackId).orderBy('variant_index').execute();
    const res = await p.call('POST', `/v1/tracks/${song.trackId}/effects`, { token: alice.token, body: { chain: [{ type: 'equalizer', settings: { high: 0.25 } }] } });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/v1/jobs/${res.body.id}`);
    expect(res.body).toMatchObject({ kind: 'effects', status: 'pending', provider: 'local', resource: { type: 'track_version', id: song.versions[0].id } });
    const done = await p.settled(alice, res.body.id);
    expect(done).toMatchObject({ status: 'completed', progress: 100, result: { track_id: song.trackId, source_version_id: song.versions[0].id, version: { variant_index: 2, is_primary_variant: false } } });

    const after = await p.t.db.selectFrom('track_versions').selectAll().where('parent_track_id', '=', song.trackId).orderBy('variant_index').execute();
    expect(after).toHaveLength(3);
    expect(after.slice(0, 2)).toEqual(before); // the originals, byte for byte the same rows
    const made = after[2]!;
    expect(made).toMatchObject({ id: done.result.version.id, is_primary_variant: false, audio_url: done.result.version.audio_url });
    expect(made.metadata).toMatchObject({ effects: { job_id: res.body.id, source_version_id: song.versions[0].id, effects_chain: [{ type: 'equalizer', settings: { high: 0.25 } }] } });
    const track = await p.t.db.selectFrom('tracks').select(['audio_url']).where('id', '=', song.trackId).executeTakeFirstOrThrow();
    expect(track.audio_url).toBe(song.versions[0].audio_url);

    const frames = 8 * 44100;
    const source = await mono(song.versions[0].audio_url, frames);
    const processed = await mono(made.audio_url!, frames);
    const stated = 20 * Math.log10(0.25); // −12.04 dB: the shelf's gain well above its 4 kHz corner
    const high8 = bandDb(processed, 'high', 8000) - bandDb(source, 'high', 8000);
    const high5 = bandDb(processed, 'high', 5000) - bandDb(source, 'high', 5000);
    const low = bandDb(processed, 'low', 1000) - bandDb(source, 'low', 1000);
    expect(Math.abs(high8 - stated)).toBeLessThan(1.5);
    expect(high5).toBeLessThan(-8); // the shelf's transition still takes most of it above 5 kHz
    expect(Math.abs(low)).toBeLessThan(0.5);
    const note = await p.t.db.selectFrom('notifications').selectAll().where('user_id', '=', alice.id).where('link', '=', `/tracks/${song.trackId}`).where('title', '=', 'Your effects are applied').execute();
    expect(note).toHaveLength(1);
  });

  it("runs the design's system preset 'Ambient Space' by id on a named version, and counts the preset's use", async () => {
    const preset = await p.t.db.selectFrom('effects_presets').selectAll().where('name', '=', 'Ambient Space').where('is_system_preset', '=', true).executeTakeFirstOrThrow();
    const v1 = song.versions[1];
    const res = await p.call('POST', `/v1/tracks/${song.trackId}/effects`, { token: alice.token, body: { preset_id: preset.id, version_id: v1.id } });
    expect(res.status).toBe(202);
    const done = await p.settled(alice, res.body.id);
    expect(done).toMatchObject({ status: 'completed', result: { source_version_id: v1.id, effects_preset_id: preset.id } });
    const made = await p.t.db.selectFrom('track_versions').selectAll().where('id', '=', done.result.version.id).executeTakeFirstOrThrow();
    expect(made.metadata).toMatchObject({ effects: { effects_preset_name: 'Ambient Space', effects_chain: preset.effects_chain } });
    expect((await p.t.db.selectFrom('effects_presets').select('usage_count').where('id', '=', preset.id).executeTakeFirstOrThrow()).usage_count).toBe(preset.usage_count + 1);
    // Reverb and a 0.5 s delay: the processed signal is the source plus a wet tail, so it differs and carries more energy.
    const frames = 8 * 44100;
    const source = await mono(v1.audio_url, frames);
    const processed = await mono(made.audio_url!, frames);
    let diff = 0, ref = 0;
    for (let i = 0; i < frames; i++) { diff += (processed[i]! - source[i]!) ** 2; ref += source[i]! ** 2; }
    expect(diff / ref).toBeGreaterThan(0.05);
  });

  it('refuses another user\'s track, an unknown preset, unknown effects and out-of-range settings with 4xx, and creates nothing', async () => {
    const before = await rows();
    const chain = [{ type: 'equalizer', settings: { high: 0.5 } }];
    expect((await p.call('POST', `/v1/tracks/${song.trackId}/effects`, { token: bob.token, body: { chain } })).status).toBe(404);
    await p.t.db.updateTable('tracks').set({ is_public: true }).where('id', '=', song.trackId).execute();
    expect((await p.call('POST', `/v1/tracks/${song.trackId}/effects`, { token: bob.token, body: { chain } })).status).toBe(404);
    const unknown = await p.call('POST', `/v1/tracks/${song.trackId}/effects`, { token: alice.token, body: { preset_id: crypto.randomUUID() } });
    expect(unknown).toMatchObject({ status: 422, body: { type: expect.stringContaining('unknown-preset'), errors: [{ path: 'preset_id' }] } });
    // Bob's private preset is not Alice's to use.
    const bobs = await p.t.db.insertInto('effects_presets').values({ user_id: bob.id, name: 'mine', effects_chain: JSON.stringify(chain) }).returning('id').executeTakeFirstOrThrow();
    expect((await p.call('POST', `/v1/tracks/${song.trackId}/effects`, { token: alice.token, body: { preset_id: bobs.id } })).status).toBe(422);
    const range = await p.call('POST', `/v1/tracks/${song.trackId}/effects`, { token: alice.token, body: { chain: [{ type: 'equalizer', settings: { high: 100 } }, { type: 'reverb', settings: { room_size: 2 } }, { type: 'delay', settings: { feedback: 0.99 } }] } });
    expect(range.status).toBe(422);
    expect(range.headers.get('content-type')).toContain('application/problem+json');
    expect(range.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['chain.0.settings.high', 'chain.1.settings.room_size', 'chain.2.settings.feedback']));
    expect((await p.call('POST', `/v1/tracks/${song.trackId}/effects`, { token: alice.token, body: { chain: [{ type: 'chorus', settings: {} }] } })).status).toBe(422);
    expect((await p.call('POST', `/v1/tracks/${song.trackId}/effects`, { token: alice.token, body: { chain, preset_id: bobs.id } })).status).toBe(400);
    expect((await p.call('POST', `/v1/tracks/${song.trackId}/effects`, { token: alice.token, body: {} })).status).toBe(400);
    expect((await p.call('POST', `/v1/tracks/${song.trackId}/effects`, { token: alice.token, body: { chain, version_id: crypto.randomUUID() } })).status).toBe(404);
    expect((await p.call('POST', `/v1/tracks/${song.trackId}/effects`, { body: { chain } })).status).toBe(401);
    expect(await rows()).toEqual(before);
  });

  it('documents POST /v1/tracks/{id}/effects in the OpenAPI document', async () => {
    const spec = await p.call('GET', '/openapi.json');
    expect(spec.body.paths['/v1/tracks/{id}/effects'].post.responses).toHaveProperty('422');
  });
});

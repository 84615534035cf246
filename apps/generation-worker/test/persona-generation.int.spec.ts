import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { analyseVoice, decodeMp3 } from '@muse/audio-engine';
import { MP3_CODEC_DELAY_FRAMES } from '../src/jobs/audio-source.js';
import { download, StudioPlatform, type User } from './studio-harness.js';

const counts = async (p: StudioPlatform) => ({
  jobs: await p.count('jobs'),
  outbox: await p.count('outbox'),
  tracks: Number((await p.t.db.selectFrom('tracks').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
});

describe('generation with a persona over HTTP (local engine)', () => {
  const p = new StudioPlatform();
  let alice: User;
  let bob: User;
  let personaId: string;

  const generate = async (user: User, extra: Record<string, unknown>) => {
    const res = await p.call('POST', '/v1/generations', { token: user.token, body: { prompt: 'dark slow ambient ballad with male vocals', duration_seconds: 10, seed: 9, provider: 'local', ...extra } });
    expect(res.status).toBe(202);
    const done = await p.settled(user, res.body.id);
    expect(done.status).toBe('completed');
    return p.t.db.selectFrom('track_versions').selectAll().where('parent_track_id', '=', done.resource.id).where('variant_index', '=', 0).executeTakeFirstOrThrow();
  };

  beforeAll(async () => {
    await p.start();
    alice = await p.signup('pgen-alice@example.com');
    bob = await p.signup('pgen-bob@example.com');
    const source = await p.song(alice, 10, 'bright happy pop with female vocals and bells');
    const res = await p.call('POST', '/v1/personas', { token: alice.token, body: { source_track_id: source.trackId, name: 'Bright Alice', source_music_index: 0 } });
    expect((await p.settled(alice, res.body.id)).status).toBe('completed');
    personaId = res.body.resource.id;
  }, 180_000);
  afterAll(() => p.stop());

  it("sings with the persona's voice: its singer, and a voice analysis closer to the persona's than a default render; usage counted once", async () => {
    const persona = await p.t.db.selectFrom('suno_personas').selectAll().where('id', '=', personaId).executeTakeFirstOrThrow();
    const meta = persona.metadata as { timbre: { brightness: number; breathiness: number }; engine_voice: { gender: string }; analysis: { spectral_centroid_hz: number } };
    expect(meta.engine_voice.gender).toBe('female');

    const withPersona = await generate(alice, { persona_id: personaId });
    const plain = await generate(alice, {});
    expect(withPersona.metadata).toMatchObject({ params: { voice: { gender: 'female' } }, persona: { id: personaId } });
    expect(plain.metadata).toMatchObject({ params: { voice: { gender: 'male' } } });

    const measure = async (url: string) => {
      const d = await decodeMp3(await download(url));
      const n = 10 * 44100;
      return analyseVoice({ left: d.left.subarray(MP3_CODEC_DELAY_FRAMES, MP3_CODEC_DELAY_FRAMES + n), right: d.right.subarray(MP3_CODEC_DELAY_FRAMES, MP3_CODEC_DELAY_FRAMES + n) }, d.sampleRate);
    };
    const distance = (a: Awaited<ReturnType<typeof measure>>) => Math.abs(a.timbre.brightness - meta.timbre.brightness) + Math.abs(a.timbre.breathiness - meta.timbre.breathiness);
    const a = await measure(withPersona.audio_url!);
    const b = await measure(plain.audio_url!);
    expect(distance(a)).toBeLessThan(distance(b));
    expect(Math.abs(Math.log2(a.spectralCentroidHz / meta.analysis.spectral_centroid_hz))).toBeLessThan(Math.abs(Math.log2(b.spectralCentroidHz / meta.analysis.spectral_centroid_hz)));

    const used = await p.t.db.selectFrom('suno_personas').select(['usage_count', 'last_used_at']).where('id', '=', personaId).executeTakeFirstOrThrow();
    expect(used.usage_count).toBe(1);
    expect(used.last_used_at).not.toBeNull();
  });

  it("refuses another user's private persona (422) and an unfinished one (409), creating nothing; a public one may be used", async () => {
    const before = await counts(p);
    const other = await p.call('POST', '/v1/generations', { token: bob.token, body: { prompt: 'a song', provider: 'local', persona_id: personaId } });
    expect(other).toMatchObject({ status: 422, body: { errors: [{ path: 'persona_id' }] } });
    expect((await p.call('POST', '/v1/generations', { token: bob.token, body: { prompt: 'a song', provider: 'local', persona_id: crypto.randomUUID() } })).status).toBe(422);
    const pending = await p.t.db.insertInto('suno_personas').values({ user_id: bob.id, name: 'not yet', metadata: JSON.stringify({ status: 'pending' }) }).returning('id').executeTakeFirstOrThrow();
    expect((await p.call('POST', '/v1/generations', { token: bob.token, body: { prompt: 'a song', provider: 'local', persona_id: pending.id } })).status).toBe(409);
    expect(await counts(p)).toEqual(before);

    await p.t.db.updateTable('suno_personas').set({ is_public: true }).where('id', '=', personaId).execute();
    const borrowed = await generate(bob, { persona_id: personaId, duration_seconds: 5 });
    expect(borrowed.metadata).toMatchObject({ persona: { id: personaId } });
    expect((await p.t.db.selectFrom('suno_personas').select('usage_count').where('id', '=', personaId).executeTakeFirstOrThrow()).usage_count).toBe(2);
  });
});

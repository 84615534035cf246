import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StudioPlatform, type User } from './studio-harness.js';

describe('personas over HTTP (local voice analysis)', () => {
  const p = new StudioPlatform();
  let alice: User;
  let bob: User;
  let song: { trackId: string; versions: any[] }; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    await p.start();
    alice = await p.signup('persona-alice@example.com');
    bob = await p.signup('persona-bob@example.com');
    song = await p.song(alice, 5, 'soulful gospel ballad with a powerful female voice');
  }, 120_000);
  afterAll(() => p.stop());

  it('takes a persona\'s voice from a version of the source track', async () => {
    const res = await p.call('POST', '/v1/personas', { token: alice.token, body: { source_track_id: song.trackId, name: 'Gospel Alice', source_music_index: 1 } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'persona', resource: { type: 'persona' } });
    const done = await p.settled(alice, res.body.id);
    expect(done).toMatchObject({ status: 'completed', result: { persona_id: res.body.resource.id, source_version_id: song.versions[1].id } });
    const row = await p.t.db.selectFrom('suno_personas').selectAll().where('id', '=', res.body.resource.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ user_id: alice.id, name: 'Gospel Alice', source_track_id: song.trackId, source_music_index: 1, usage_count: 0 });
    const meta = row.metadata as { status: string; engine: string; timbre: Record<string, number>; analysis: { spectral_centroid_hz: number } };
    expect(meta).toMatchObject({ status: 'ready', engine: 'muse-local-engine' });
    expect(meta.analysis.spectral_centroid_hz).toBeGreaterThan(100);
    for (const v of Object.values(meta.timbre)) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });

  it('may take a voice from a public track, never from another user\'s private one; bad input creates nothing', async () => {
    const before = { jobs: await p.count('jobs'), rows: await p.count('suno_personas'), outbox: await p.count('outbox') };
    expect((await p.call('POST', '/v1/personas', { token: bob.token, body: { source_track_id: song.trackId, name: 'x' } })).status).toBe(404);
    expect((await p.call('POST', '/v1/personas', { token: alice.token, body: { source_track_id: song.trackId, name: 'x', source_music_index: 9 } })).status).toBe(422);
    expect((await p.call('POST', '/v1/personas', { token: alice.token, body: { source_track_id: song.trackId, name: 'x', provider: 'suno' } })).status).toBe(422);
    expect((await p.call('POST', '/v1/personas', { token: alice.token, body: { source_track_id: song.trackId, name: '' } })).status).toBe(400);
    expect((await p.call('POST', '/v1/personas', { token: alice.token, body: { source_track_id: 'nope', name: 'x' } })).status).toBe(400);
    expect({ jobs: await p.count('jobs'), rows: await p.count('suno_personas'), outbox: await p.count('outbox') }).toEqual(before);

    await p.t.db.updateTable('tracks').set({ is_public: true }).where('id', '=', song.trackId).execute();
    const res = await p.call('POST', '/v1/personas', { token: bob.token, body: { source_track_id: song.trackId, name: 'Borrowed voice' } });
    expect(res.status).toBe(202);
    expect((await p.settled(bob, res.body.id)).status).toBe('completed');
    // Alice cannot see Bob's job.
    expect((await p.call('GET', `/v1/jobs/${res.body.id}`, { token: alice.token })).status).toBe(404);
  });
});

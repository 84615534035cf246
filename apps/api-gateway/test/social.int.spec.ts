import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AccountsHarness, type Res, type User } from './accounts-harness.js';

const NO_SUCH = '00000000-0000-4000-8000-000000000000';

/** Every id across all pages of a list, following next_cursor. */
async function all(call: AccountsHarness['call'], path: string, token: string, limit = 2): Promise<Array<Record<string, any>>> {
  const rows: Array<Record<string, any>> = [];
  let cursor: string | null = null;
  do {
    const res: Res = await call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token });
    expect(res.status).toBe(200);
    rows.push(...res.body.data);
    cursor = res.body.next_cursor;
  } while (cursor);
  return rows;
}

/** Prompts, prompt history, profiles and follows, DAW projects, effects and AI model presets — as the caller, under RLS. */
describe('social, prompts and presets', () => {
  const h = new AccountsHarness();
  const { call } = h;
  const count = async (table: 'project_prompts' | 'prompt_history' | 'user_followers' | 'daw_projects' | 'effects_presets' | 'ai_model_presets' | 'notifications') =>
    Number((await h.t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const makePublic = (u: User) => call('PATCH', '/v1/me', { token: u.token, body: { preferences: { profile_public: true } } });

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it('prompt history: one entry per generation written with the track, settled when it ends; owner-only, deletable', async () => {
    const alice = await h.signup();
    const bob = await h.signup();
    await h.setAccount(alice.id, 'premium', 100);
    const tracks: string[] = [];
    for (const prompt of ['sunny reggae about the sea', 'dark techno', 'lofi rain']) {
      const res = await call('POST', '/v1/generations', { token: alice.token, body: { prompt, genre: 'test', style_tags: ['a', 'b'], title: prompt.toUpperCase() } });
      expect(res.status).toBe(202);
      tracks.push(res.body.resource.id);
    }
    const refused = await call('POST', '/v1/generations', { token: alice.token, body: { prompt: '' } });
    expect(refused.status).toBe(400);

    const history = await all(call, '/v1/prompt-history', alice.token);
    expect(history.map((e) => e.prompt)).toEqual(['lofi rain', 'dark techno', 'sunny reggae about the sea']);
    expect(history[0]).toMatchObject({ user_id: alice.id, track_id: tracks[2], genre: 'test', tags: ['a', 'b'], provider: 'local', generation_status: null, usage_count: 1, metadata: { title: 'LOFI RAIN' } });

    // The worker ends the tracks (as its completion transaction does): the entries settle.
    await h.t.db.updateTable('tracks').set({ status: 'completed' }).where('id', '=', tracks[0]!).execute();
    await h.t.db.updateTable('tracks').set({ status: 'failed' }).where('id', '=', tracks[1]!).execute();
    await h.t.db.updateTable('tracks').set({ status: 'processing' }).where('id', '=', tracks[2]!).execute();
    expect((await all(call, '/v1/prompt-history?status=success', alice.token)).map((e) => e.track_id)).toEqual([tracks[0]]);
    const failed = await all(call, '/v1/prompt-history?status=failed', alice.token);
    expect(failed.map((e) => e.track_id)).toEqual([tracks[1]]);
    expect(failed[0]!.generation_time_ms).toBeGreaterThanOrEqual(0);
    expect((await all(call, '/v1/prompt-history?status=pending', alice.token)).map((e) => e.track_id)).toEqual([tracks[2]]);
    // A retry opens it again; completing settles it.
    await h.t.db.updateTable('tracks').set({ status: 'pending' }).where('id', '=', tracks[1]!).execute();
    expect((await call('GET', `/v1/prompt-history/${failed[0]!.id}`, { token: alice.token })).body.generation_status).toBeNull();
    expect((await all(call, '/v1/prompt-history?q=TECHNO', alice.token)).map((e) => e.prompt)).toEqual(['dark techno']);

    // Statistics (the design's view): the same prompt twice counts twice; only the caller's.
    await call('POST', '/v1/generations', { token: alice.token, body: { prompt: 'lofi rain', genre: 'test', style_tags: ['a', 'b'] } });
    const stats = await all(call, '/v1/prompt-history/statistics', alice.token, 1);
    expect(stats.map((r) => [r.prompt, r.usage_count])).toEqual([['lofi rain', 2], ['dark techno', 1], ['sunny reggae about the sea', 1]]);
    expect(stats.find((r) => r.prompt === 'sunny reggae about the sea')).toMatchObject({ success_count: 1, failure_count: 0, track_count: 1, completed_track_count: 1 });
    expect(await all(call, '/v1/prompt-history/statistics', bob.token)).toEqual([]);
    expect((await call('GET', '/v1/prompt-history/statistics?cursor=abc', { token: alice.token })).status).toBe(400);

    // Another user sees none of it; anonymous is refused.
    expect(await all(call, '/v1/prompt-history', bob.token)).toEqual([]);
    const entry = history[0]!.id as string;
    expect((await call('GET', `/v1/prompt-history/${entry}`, { token: bob.token })).status).toBe(404);
    expect((await call('PATCH', `/v1/prompt-history/${entry}`, { token: bob.token, body: { is_template: true } })).status).toBe(404);
    expect((await call('DELETE', `/v1/prompt-history/${entry}`, { token: bob.token })).status).toBe(404);
    expect((await call('DELETE', '/v1/prompt-history', { token: bob.token })).body).toEqual({ deleted: 0 });
    expect((await call('GET', '/v1/prompt-history')).status).toBe(401);

    for (const body of [{}, { is_template: 'yes' }, { is_template: true, prompt: 'changed' }]) {
      expect((await call('PATCH', `/v1/prompt-history/${entry}`, { token: alice.token, body })).status).toBe(400);
    }
    for (const q of ['status=done', 'limit=500', 'cursor=nope', 'template=1']) expect((await call('GET', `/v1/prompt-history?${q}`, { token: alice.token })).status).toBe(400);
    expect((await call('PATCH', `/v1/prompt-history/${entry}`, { token: alice.token, body: { is_template: true } })).body).toMatchObject({ id: entry, is_template: true, prompt: 'lofi rain' });
    expect((await all(call, '/v1/prompt-history?template=true', alice.token)).map((e) => e.id)).toEqual([entry]);

    expect((await call('DELETE', `/v1/prompt-history/${history[2]!.id}`, { token: alice.token })).status).toBe(204);
    expect((await call('DELETE', `/v1/prompt-history/${history[2]!.id}`, { token: alice.token })).status).toBe(404);
    expect((await call('DELETE', '/v1/prompt-history?keep_templates=maybe', { token: alice.token })).status).toBe(400);
    expect((await call('DELETE', '/v1/prompt-history?keep_templates=true', { token: alice.token })).body).toEqual({ deleted: 2 }); // dark techno, the second lofi rain
    expect((await all(call, '/v1/prompt-history', alice.token)).map((e) => e.id)).toEqual([entry]);
    // Deleting history never touches the tracks.
    expect(await h.t.db.selectFrom('tracks').select('id').where('user_id', '=', alice.id).execute()).toHaveLength(4);
  });

  it('saved prompts: CRUD, filters, use counter, albums must be the caller\'s; others get 404', async () => {
    const alice = await h.signup();
    const bob = await h.signup();
    const album = (await h.t.db.insertInto('music_projects').values({ user_id: alice.id, name: 'Album' } as never).returning('id').executeTakeFirstOrThrow()).id as string;
    const bobAlbum = (await h.t.db.insertInto('music_projects').values({ user_id: bob.id, name: 'Bob album' } as never).returning('id').executeTakeFirstOrThrow()).id as string;

    const made = await call('POST', '/v1/prompts', { token: alice.token, body: { title: ' Chorus ', content: 'catchy hook about summer', category: 'melody', tags: ['pop'], project_id: album } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ user_id: alice.id, title: 'Chorus', category: 'melody', tags: ['pop'], project_id: album, usage_count: 0, is_favorite: false });
    const id = made.body.id as string;

    const before = await count('project_prompts');
    for (const [body, path] of [
      [{ content: 'x' }, 'title'],
      [{ title: 'x', content: '' }, 'content'],
      [{ title: 'x', content: 'y', category: 'drums' }, 'category'],
      [{ title: 'x', content: 'y', user_id: bob.id }, 'user_id'],
      [{ title: 'x', content: 'y', project_id: 'nope' }, 'project_id'],
    ] as const) {
      const res = await call('POST', '/v1/prompts', { token: alice.token, body });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.errors)).toContain(path);
    }
    expect((await call('POST', '/v1/prompts', { token: alice.token, body: { title: 'x', content: 'y', project_id: bobAlbum } })).status).toBe(422);
    expect((await call('POST', '/v1/prompts', { token: alice.token, body: { title: 'x', content: 'y', project_id: NO_SUCH } })).status).toBe(422);
    expect(await count('project_prompts')).toBe(before);

    for (let i = 0; i < 3; i++) await call('POST', '/v1/prompts', { token: alice.token, body: { title: `style ${i}`, content: 'warm analog', category: 'style', is_favorite: i === 1 } });
    const listed = await all(call, '/v1/prompts', alice.token);
    expect(listed).toHaveLength(4);
    expect(listed.at(-1)!.id).toBe(id);
    expect((await all(call, '/v1/prompts?category=style&favorite=true', alice.token)).map((p) => p.title)).toEqual(['style 1']);
    expect((await all(call, `/v1/prompts?project_id=${album}`, alice.token)).map((p) => p.id)).toEqual([id]);
    expect((await all(call, '/v1/prompts?q=SUMMER', alice.token)).map((p) => p.id)).toEqual([id]);
    expect((await all(call, '/v1/prompts?q=100%25', alice.token))).toEqual([]);

    expect((await call('GET', `/v1/prompts/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call('PATCH', `/v1/prompts/${id}`, { token: bob.token, body: { title: 'mine' } })).status).toBe(404);
    expect((await call('POST', `/v1/prompts/${id}/use`, { token: bob.token })).status).toBe(404);
    expect((await call('DELETE', `/v1/prompts/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call('GET', `/v1/prompts/${id}`)).status).toBe(401);
    expect(await all(call, '/v1/prompts', bob.token)).toEqual([]);

    expect((await call('PATCH', `/v1/prompts/${id}`, { token: alice.token, body: {} })).status).toBe(400);
    expect((await call('PATCH', `/v1/prompts/${id}`, { token: alice.token, body: { project_id: bobAlbum } })).status).toBe(422);
    expect((await call('GET', `/v1/prompts/${id}`, { token: alice.token })).body.project_id).toBe(album);
    expect((await call('PATCH', `/v1/prompts/${id}`, { token: alice.token, body: { is_favorite: true, project_id: null, metadata: { bpm: 120 } } })).body).toMatchObject({ is_favorite: true, project_id: null, metadata: { bpm: 120 } });
    await call('POST', `/v1/prompts/${id}/use`, { token: alice.token });
    const used = await call('POST', `/v1/prompts/${id}/use`, { token: alice.token });
    expect(used.body.usage_count).toBe(2);
    expect(used.body.last_used_at).not.toBeNull();
    expect((await call('DELETE', `/v1/prompts/${id}`, { token: alice.token })).status).toBe(204);
    expect((await call('GET', `/v1/prompts/${id}`, { token: alice.token })).status).toBe(404);
  });

  it('profiles and follows: public fields only, idempotent follow, not yourself, unknown or private → 404, lists paginated', async () => {
    const [alice, bob, carol, dave] = [await h.signup(), await h.signup(), await h.signup(), await h.signup()];
    await makePublic(bob);
    await makePublic(carol);
    await h.t.db.updateTable('profiles').set({ full_name: 'Bob Marley', bio: 'reggae' }).where('id', '=', bob.id).execute();

    // Own profile always visible; a private one is 404 to others, like an unknown id.
    expect((await call('GET', `/v1/users/${alice.id}`, { token: alice.token })).status).toBe(200);
    expect((await call('GET', `/v1/users/${alice.id}`, { token: bob.token })).status).toBe(404);
    expect((await call('GET', `/v1/users/${NO_SUCH}`, { token: alice.token })).status).toBe(404);
    expect((await call('GET', '/v1/users/not-a-uuid', { token: alice.token })).status).toBe(404);
    expect((await call('GET', `/v1/users/${bob.id}`)).status).toBe(401);

    const profile = await call('GET', `/v1/users/${bob.id}`, { token: alice.token });
    expect(profile.status).toBe(200);
    expect(Object.keys(profile.body).sort()).toEqual(
      ['avatar_url', 'bio', 'created_at', 'followers_count', 'following_count', 'follows_you', 'full_name', 'id', 'is_followed_by_you', 'public_tracks_count', 'username', 'website_url'],
    );
    expect(profile.body).toMatchObject({ id: bob.id, full_name: 'Bob Marley', bio: 'reggae', followers_count: 0, is_followed_by_you: false });
    expect(JSON.stringify(profile.body)).not.toMatch(/@example\.com|credits/);

    // Follow: idempotent, counted once, notifies once; yourself is 422, unknown/private 404; nothing written.
    const notesBefore = await count('notifications');
    const follows = await count('user_followers');
    expect((await call('PUT', `/v1/users/${alice.id}/follow`, { token: alice.token })).status).toBe(422);
    expect((await call('PUT', `/v1/users/${NO_SUCH}/follow`, { token: alice.token })).status).toBe(404);
    expect((await call('PUT', `/v1/users/${dave.id}/follow`, { token: alice.token })).status).toBe(404);
    expect((await call('PUT', `/v1/users/${bob.id}/follow`)).status).toBe(401);
    expect(await count('user_followers')).toBe(follows);
    for (let i = 0; i < 2; i++) {
      const res = await call('PUT', `/v1/users/${bob.id}/follow`, { token: alice.token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: bob.id, followers_count: 1, is_followed_by_you: true });
    }
    expect(await count('user_followers')).toBe(follows + 1);
    expect(await count('notifications')).toBe(notesBefore + 1);
    const note = (await call('GET', '/v1/notifications', { token: bob.token })).body.data[0];
    expect(note).toMatchObject({ title: 'New follower', link: `/users/${alice.id}` });

    await call('PUT', `/v1/users/${bob.id}/follow`, { token: carol.token });
    await call('PUT', `/v1/users/${bob.id}/follow`, { token: dave.token });
    await call('PUT', `/v1/users/${carol.id}/follow`, { token: bob.token });
    expect((await call('GET', `/v1/users/${bob.id}`, { token: bob.token })).body).toMatchObject({ followers_count: 3, following_count: 1, follows_you: false });
    expect((await call('GET', `/v1/users/${alice.id}`, { token: bob.token })).status).toBe(404);

    // Followers of bob, newest first; a private follower shows only their id.
    const followers = await all(call, `/v1/users/${bob.id}/followers`, carol.token);
    expect(followers.map((f) => f.id)).toEqual([dave.id, carol.id, alice.id]);
    expect(followers[1]).toMatchObject({ id: carol.id, username: expect.any(String) });
    expect(followers[0]).toMatchObject({ id: dave.id, username: null, full_name: null });
    expect(Object.keys(followers[0]!).sort()).toEqual(['avatar_url', 'followed_at', 'full_name', 'id', 'username']);
    expect((await all(call, `/v1/users/${bob.id}/following`, alice.token)).map((f) => f.id)).toEqual([carol.id]);
    expect((await call('GET', `/v1/users/${dave.id}/followers`, { token: alice.token })).status).toBe(404);
    expect((await call('GET', `/v1/users/${bob.id}/followers?limit=0`, { token: alice.token })).status).toBe(400);
    expect((await call('GET', `/v1/users/${bob.id}/followers?cursor=zzz`, { token: alice.token })).status).toBe(400);

    // Public tracks only.
    await h.t.db.insertInto('tracks').values([{ user_id: bob.id, prompt: 'public one', is_public: true, title: 'Out' }, { user_id: bob.id, prompt: 'secret', is_public: false }]).execute();
    const bobTracks = await all(call, `/v1/users/${bob.id}/tracks`, alice.token);
    expect(bobTracks.map((t) => t.title)).toEqual(['Out']);
    expect((await call('GET', `/v1/users/${bob.id}`, { token: alice.token })).body.public_tracks_count).toBe(1);

    // Unfollow: idempotent, works after the profile went private; yourself 422; unknown 404.
    expect((await call('DELETE', `/v1/users/${bob.id}/follow`, { token: alice.token })).status).toBe(204);
    expect((await call('DELETE', `/v1/users/${bob.id}/follow`, { token: alice.token })).status).toBe(204);
    // Following again the same day tells bob nothing new.
    const bobNotes = (await call('GET', '/v1/notifications', { token: bob.token })).body.data.length;
    await call('PUT', `/v1/users/${bob.id}/follow`, { token: alice.token });
    expect((await call('GET', '/v1/notifications', { token: bob.token })).body.data).toHaveLength(bobNotes);
    expect((await call('DELETE', `/v1/users/${bob.id}/follow`, { token: alice.token })).status).toBe(204);
    await call('PATCH', '/v1/me', { token: carol.token, body: { preferences: { profile_public: false } } });
    expect((await call('DELETE', `/v1/users/${carol.id}/follow`, { token: bob.token })).status).toBe(204);
    expect((await call('DELETE', `/v1/users/${carol.id}/follow`, { token: bob.token })).status).toBe(404);
    expect((await call('DELETE', `/v1/users/${bob.id}/follow`, { token: bob.token })).status).toBe(422);
    expect((await call('DELETE', `/v1/users/${NO_SUCH}/follow`, { token: bob.token })).status).toBe(404);
    expect((await call('GET', `/v1/users/${bob.id}`, { token: bob.token })).body).toMatchObject({ followers_count: 2, following_count: 0 });
  });

  it('DAW projects: owner CRUD, public ones readable not writable, validation changes nothing', async () => {
    const alice = await h.signup();
    const bob = await h.signup();
    const made = await call('POST', '/v1/daw-projects', { token: alice.token, body: { name: 'Beat', bpm: 92, data: { tracks: [{ name: 'drums', clips: [] }], timeline: { zoom: 2 } } } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ user_id: alice.id, name: 'Beat', bpm: 92, is_public: false, data: { tracks: [{ name: 'drums', clips: [] }] } });
    expect(made.body.last_saved_at).not.toBeNull();
    const id = made.body.id as string;
    const defaults = await call('POST', '/v1/daw-projects', { token: alice.token, body: { name: 'Empty' } });
    expect(defaults.body).toMatchObject({ bpm: 120, data: { tracks: [], timeline: { zoom: 1.0, scroll_position: 0 } } });

    const before = await count('daw_projects');
    for (const [body, path] of [
      [{}, 'name'],
      [{ name: 'x', bpm: 0 }, 'bpm'],
      [{ name: 'x', data: [1, 2] }, 'data'],
      [{ name: 'x', data: { big: 'y'.repeat(600 * 1024) } }, 'data'],
      [{ name: 'x', thumbnail_url: 'javascript:alert(1)' }, 'thumbnail_url'],
      [{ name: 'x', user_id: bob.id }, 'user_id'],
    ] as const) {
      const res = await call('POST', '/v1/daw-projects', { token: alice.token, body });
      expect([400, 413]).toContain(res.status);
      if (res.status === 400) expect(JSON.stringify(res.body.errors)).toContain(path);
    }
    expect(await count('daw_projects')).toBe(before);

    expect((await call('GET', `/v1/daw-projects/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call('PATCH', `/v1/daw-projects/${id}`, { token: bob.token, body: { name: 'mine' } })).status).toBe(404);
    expect((await call('DELETE', `/v1/daw-projects/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call('GET', `/v1/daw-projects/${id}`)).status).toBe(401);
    expect(await all(call, '/v1/daw-projects', bob.token)).toEqual([]);

    expect((await call('PATCH', `/v1/daw-projects/${id}`, { token: alice.token, body: {} })).status).toBe(400);
    const patched = await call('PATCH', `/v1/daw-projects/${id}`, { token: alice.token, body: { is_public: true, bpm: 100, data: { tracks: [] } } });
    expect(patched.body).toMatchObject({ is_public: true, bpm: 100, data: { tracks: [] } });
    expect((await call('GET', `/v1/daw-projects/${id}`, { token: bob.token })).status).toBe(200);
    expect((await all(call, '/v1/daw-projects?public=true', bob.token)).map((p) => p.id)).toEqual([id]);
    expect((await call('PATCH', `/v1/daw-projects/${id}`, { token: bob.token, body: { name: 'mine' } })).status).toBe(403);
    expect((await call('DELETE', `/v1/daw-projects/${id}`, { token: bob.token })).status).toBe(403);
    expect((await call('GET', `/v1/daw-projects/${id}`, { token: alice.token })).body.name).toBe('Beat');

    expect((await all(call, '/v1/daw-projects', alice.token, 1)).map((p) => p.name)).toEqual(['Empty', 'Beat']);
    expect((await call('DELETE', `/v1/daw-projects/${id}`, { token: alice.token })).status).toBe(204);
    expect((await call('GET', `/v1/daw-projects/${id}`, { token: alice.token })).status).toBe(404);
  });

  it('effects presets: system and shared ones listed for all, own ones CRUD, system read-only (403), others\' private 404', async () => {
    const alice = await h.signup();
    const bob = await h.signup();
    const system = await all(call, '/v1/effects-presets?scope=system', alice.token, 100);
    expect(system.length).toBeGreaterThan(0);
    expect(system.every((p) => p.is_system_preset)).toBe(true);

    const chain = [{ type: 'reverb', settings: { room_size: 0.5, mix: 0.3 } }, { type: 'equalizer', settings: { low: 1.2 } }];
    const made = await call('POST', '/v1/effects-presets', { token: alice.token, body: { name: 'My hall', category: 'vocal', effects_chain: chain } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ user_id: alice.id, name: 'My hall', effects_chain: chain, is_system_preset: false, is_public: false });
    const id = made.body.id as string;

    const before = await count('effects_presets');
    for (const [body, path] of [
      [{ name: 'x' }, 'effects_chain'],
      [{ name: 'x', effects_chain: [] }, 'effects_chain'],
      [{ name: 'x', effects_chain: [{ type: 'flanger', settings: {} }] }, 'effects_chain'],
      [{ name: 'x', effects_chain: [{ type: 'reverb', settings: { mix: 3 } }] }, 'effects_chain'],
      [{ name: 'x', effects_chain: chain, is_system_preset: true }, 'is_system_preset'],
    ] as const) {
      const res = await call('POST', '/v1/effects-presets', { token: alice.token, body });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.errors)).toContain(path);
    }
    expect(await count('effects_presets')).toBe(before);

    // Usable as preset_id of an effects job by its owner; another user's private preset is unknown to them.
    const songOf = async (u: User) => {
      const track = (await h.t.db.insertInto('tracks').values({ user_id: u.id, prompt: 'p', status: 'completed' }).returning('id').executeTakeFirstOrThrow()).id;
      await h.t.db.insertInto('track_versions').values({ parent_track_id: track, variant_index: 0, is_primary_variant: true, audio_url: 'http://127.0.0.1:4569/tracks/x.mp3' } as never).execute();
      return track;
    };
    const applied = await call('POST', `/v1/tracks/${await songOf(alice)}/effects`, { token: alice.token, body: { preset_id: id } });
    expect(applied.status).toBe(202);
    const foreign = await call('POST', `/v1/tracks/${await songOf(bob)}/effects`, { token: bob.token, body: { preset_id: id } });
    expect(foreign.status).toBe(422);
    // Listed for its owner only while private.
    expect((await all(call, '/v1/effects-presets?scope=own', alice.token)).map((p) => p.id)).toEqual([id]);
    expect((await all(call, '/v1/effects-presets', alice.token, 100)).map((p) => p.id)).toContain(id);
    expect((await all(call, '/v1/effects-presets', bob.token, 100)).map((p) => p.id)).not.toContain(id);
    expect((await call('GET', `/v1/effects-presets/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call('PATCH', `/v1/effects-presets/${id}`, { token: bob.token, body: { name: 'x' } })).status).toBe(404);
    expect((await call('DELETE', `/v1/effects-presets/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call('GET', '/v1/effects-presets')).status).toBe(401);

    // System presets: readable, not changeable.
    const sys = system[0]!.id as string;
    expect((await call('GET', `/v1/effects-presets/${sys}`, { token: bob.token })).status).toBe(200);
    expect((await call('PATCH', `/v1/effects-presets/${sys}`, { token: alice.token, body: { name: 'hijacked' } })).status).toBe(403);
    expect((await call('DELETE', `/v1/effects-presets/${sys}`, { token: alice.token })).status).toBe(403);
    expect((await call('GET', `/v1/effects-presets/${sys}`, { token: alice.token })).body.name).toBe(system[0]!.name);

    // Shared: others read it and see it under scope=public, cannot change it.
    expect((await call('PATCH', `/v1/effects-presets/${id}`, { token: alice.token, body: { is_public: true, effects_chain: [chain[0]] } })).body).toMatchObject({ is_public: true, effects_chain: [chain[0]] });
    expect((await all(call, '/v1/effects-presets?scope=public', bob.token)).map((p) => p.id)).toEqual([id]);
    expect((await call('PATCH', `/v1/effects-presets/${id}`, { token: bob.token, body: { name: 'x' } })).status).toBe(403);
    expect((await call('PATCH', `/v1/effects-presets/${id}`, { token: alice.token, body: { effects_chain: [] } })).status).toBe(400);
    expect((await call('DELETE', `/v1/effects-presets/${id}`, { token: alice.token })).status).toBe(204);
    expect((await call('GET', `/v1/effects-presets/${id}`, { token: alice.token })).status).toBe(404);
  });

  it('AI model presets: system catalogue for all, own presets for offered types only, private unless shared', async () => {
    const alice = await h.signup();
    const bob = await h.signup();
    const system = await all(call, '/v1/ai-model-presets?scope=system', alice.token, 100);
    expect(system.map((p) => p.name).sort()).toEqual(['Classical Orchestra', 'Electronic Dance', 'Jazz Ensemble']);

    const before = await count('ai_model_presets');
    const unknownType = await call('POST', '/v1/ai-model-presets', { token: alice.token, body: { name: 'x', transformation_type: 'polka', parameters: {} } });
    expect(unknownType.status).toBe(422);
    for (const body of [{ name: 'x', transformation_type: 'jazz' }, { name: 'x', transformation_type: 'jazz', parameters: {}, is_premium: true }, { name: 'x', transformation_type: 'jazz', parameters: {}, created_by: bob.id }]) {
      expect((await call('POST', '/v1/ai-model-presets', { token: alice.token, body })).status).toBe(400);
    }
    expect(await count('ai_model_presets')).toBe(before);

    const made = await call('POST', '/v1/ai-model-presets', { token: alice.token, body: { name: 'Late-night jazz', transformation_type: 'JAZZ', parameters: { style: 'cool', tempo: 'slow' } } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ created_by: alice.id, transformation_type: 'jazz', is_system_preset: false, is_public: false, is_active: true, is_premium: false });
    const id = made.body.id as string;

    // Usable as preset_id of a transformation by its owner; unknown to another user while private.
    const projectOf = async (u: User) => {
      await h.setAccount(u.id, 'pro');
      return (await h.t.db.insertInto('projects').values({ user_id: u.id, title: 'p', original_audio_path: `${u.id}/p/original.wav` } as never).returning('id').executeTakeFirstOrThrow()).id as string;
    };
    const transform = (u: User, project: string) => call('POST', `/v1/projects/${project}/transformations`, { token: u.token, body: { transformation_type: 'jazz', preset_id: id, provider: 'local' } });
    const aliceProject = await projectOf(alice);
    expect((await transform(alice, aliceProject)).status).toBe(202);
    expect((await transform(bob, await projectOf(bob))).status).toBe(422);
    expect((await h.t.db.selectFrom('ai_transformations').select('parameters').where('project_id', '=', aliceProject).executeTakeFirstOrThrow()).parameters).toMatchObject({ preset_id: id, preset_parameters: { style: 'cool' } });

    expect((await all(call, '/v1/ai-model-presets?scope=own', alice.token)).map((p) => p.id)).toEqual([id]);
    expect((await all(call, '/v1/ai-model-presets?transformation_type=jazz', alice.token)).map((p) => p.name)).toEqual(['Late-night jazz', 'Jazz Ensemble']);
    expect((await all(call, '/v1/ai-model-presets', bob.token, 100)).map((p) => p.id)).not.toContain(id);
    expect((await call('GET', `/v1/ai-model-presets/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call('PATCH', `/v1/ai-model-presets/${id}`, { token: bob.token, body: { name: 'x' } })).status).toBe(404);
    expect((await call('DELETE', `/v1/ai-model-presets/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call('GET', '/v1/ai-model-presets')).status).toBe(401);

    const sys = system[0]!.id as string;
    expect((await call('PATCH', `/v1/ai-model-presets/${sys}`, { token: alice.token, body: { name: 'mine' } })).status).toBe(403);
    expect((await call('DELETE', `/v1/ai-model-presets/${sys}`, { token: alice.token })).status).toBe(403);

    // Shared and inactive: an inactive shared preset disappears for others, stays for its owner.
    expect((await call('PATCH', `/v1/ai-model-presets/${id}`, { token: alice.token, body: { is_public: true } })).body.is_public).toBe(true);
    expect((await call('GET', `/v1/ai-model-presets/${id}`, { token: bob.token })).status).toBe(200);
    expect((await call('PATCH', `/v1/ai-model-presets/${id}`, { token: bob.token, body: { name: 'x' } })).status).toBe(403);
    await call('PATCH', `/v1/ai-model-presets/${id}`, { token: alice.token, body: { is_active: false } });
    expect((await call('GET', `/v1/ai-model-presets/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call('GET', `/v1/ai-model-presets/${id}`, { token: alice.token })).status).toBe(200);
    expect((await call('PATCH', `/v1/ai-model-presets/${id}`, { token: alice.token, body: { transformation_type: 'polka' } })).status).toBe(400);
    expect((await call('DELETE', `/v1/ai-model-presets/${id}`, { token: alice.token })).status).toBe(204);
    expect(await count('ai_model_presets')).toBe(before);
  });

  it('lists every endpoint in /openapi.json', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    for (const path of [
      '/v1/prompts', '/v1/prompts/{id}', '/v1/prompts/{id}/use', '/v1/prompt-history', '/v1/prompt-history/{id}', '/v1/prompt-history/statistics', '/v1/notifications', '/v1/notifications/{id}',
      '/v1/notifications/read-all', '/v1/notifications/unread-count', '/v1/users/{id}', '/v1/users/{id}/follow', '/v1/users/{id}/followers', '/v1/users/{id}/following',
      '/v1/users/{id}/tracks', '/v1/daw-projects', '/v1/daw-projects/{id}', '/v1/effects-presets', '/v1/effects-presets/{id}', '/v1/ai-model-presets', '/v1/ai-model-presets/{id}',
    ]) expect(doc.paths[path]).toBeDefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AccountsHarness, tinyWav } from './accounts-harness.js';

/** /v1/projects (Studio Nexus), /v1/library and /v1/folders as resources: CRUD under row-level security. */
describe('projects, library and folders', () => {
  const h = new AccountsHarness();
  const { call } = h;

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  it('project CRUD: validated, paginated, private projects of others are 404, only the owner deletes', async () => {
    const alice = await h.signup();
    const bob = await h.signup();
    await h.setAccount(alice.id, 'pro');
    const made = await call('POST', '/v1/projects', { token: alice.token, body: { title: '  First  ', tags: ['lofi'], metronome_bpm: 90, effects_settings: { reverb: 0.2 } } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ user_id: alice.id, title: 'First', tags: ['lofi'], metronome_bpm: 90, effects_settings: { reverb: 0.2 }, status: 'draft', is_public: false });
    const id = made.body.id as string;

    for (const [body, path] of [
      [{}, 'title'],
      [{ title: '' }, 'title'],
      [{ title: 'x', metronome_bpm: 300 }, 'metronome_bpm'],
      [{ title: 'x', owner: 'me' }, 'owner'],
      [{ title: 'x', audio_library_id: 'not-a-uuid' }, 'audio_library_id'],
    ] as const) {
      const res = await call('POST', '/v1/projects', { token: alice.token, body });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.errors)).toContain(path);
    }
    const unknownAudio = await call('POST', '/v1/projects', { token: alice.token, body: { title: 'x', audio_library_id: '00000000-0000-4000-8000-000000000000' } });
    expect(unknownAudio.status).toBe(422);

    expect((await call('GET', `/v1/projects/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call('PATCH', `/v1/projects/${id}`, { token: bob.token, body: { title: 'mine now' } })).status).toBe(404);
    expect((await call('DELETE', `/v1/projects/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call('GET', '/v1/projects/not-a-uuid', { token: alice.token })).status).toBe(404);

    const patched = await call('PATCH', `/v1/projects/${id}`, { token: alice.token, body: { is_public: true, status: 'completed', description: 'done' } });
    expect(patched.body).toMatchObject({ is_public: true, status: 'completed', description: 'done' });
    expect((await call('PATCH', `/v1/projects/${id}`, { token: alice.token, body: {} })).status).toBe(400);
    // Public now: bob reads it and finds it in the public list, but cannot change it.
    expect((await call('GET', `/v1/projects/${id}`, { token: bob.token })).status).toBe(200);
    expect((await call('GET', '/v1/projects?public=true', { token: bob.token })).body.data.map((p: { id: string }) => p.id)).toContain(id);
    expect((await call('PATCH', `/v1/projects/${id}`, { token: bob.token, body: { title: 'x' } })).status).toBe(403);

    // Pagination: newest first, every project exactly once.
    for (let i = 0; i < 4; i++) await call('POST', '/v1/projects', { token: alice.token, body: { title: `p${i}` } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: Array<{ id: string }>; next_cursor: string | null } } = await call('GET', `/v1/projects?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: alice.token });
      seen.push(...page.body.data.map((p) => p.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(seen.at(-1)).toBe(id);
    expect((await call('GET', '/v1/projects?cursor=bogus', { token: alice.token })).status).toBe(400);
    expect((await call('GET', '/v1/projects', { token: bob.token })).body.data).toEqual([]);

    expect((await call('DELETE', `/v1/projects/${id}`, { token: alice.token })).status).toBe(204);
    expect((await call('GET', `/v1/projects/${id}`, { token: alice.token })).status).toBe(404);
  });

  it('collaborators: owner and team admins manage them, the invitee accepts, roles decide who edits; likes are idempotent', async () => {
    const [owner, editor, viewer, stranger] = [await h.signup(), await h.signup(), await h.signup(), await h.signup()];
    const id = (await call('POST', '/v1/projects', { token: owner.token, body: { title: 'band' } })).body.id as string;
    const put = (token: string, userId: string, body: unknown) => call('PUT', `/v1/projects/${id}/collaborators/${userId}`, { token, body });

    expect((await put(owner.token, editor.id, { role: 'editor' })).body).toMatchObject({ user_id: editor.id, role: 'editor', status: 'pending', invited_by: owner.id });
    expect((await put(owner.token, viewer.id, { role: 'viewer' })).status).toBe(200);
    expect((await put(owner.token, viewer.id, { role: 'owner' })).status).toBe(400);
    expect((await put(owner.token, owner.id, { role: 'admin' })).status).toBe(422);
    expect((await put(owner.token, '00000000-0000-4000-8000-000000000000', { role: 'viewer' })).status).toBe(404);
    expect((await put(stranger.token, stranger.id, { role: 'admin' })).status).toBe(404); // cannot invite themself into a private project

    // Pending: nothing visible yet. Accepting opens it.
    expect((await call('GET', `/v1/projects/${id}`, { token: editor.token })).status).toBe(404);
    expect((await put(editor.token, editor.id, { status: 'accepted' })).body).toMatchObject({ status: 'accepted', accepted_at: expect.any(String) });
    expect((await put(viewer.token, viewer.id, { status: 'accepted' })).status).toBe(200);
    expect((await put(viewer.token, editor.id, { status: 'declined' })).status).toBe(422);

    expect((await call('PATCH', `/v1/projects/${id}`, { token: editor.token, body: { genre: 'jazz' } })).body.genre).toBe('jazz');
    expect((await call('PATCH', `/v1/projects/${id}`, { token: viewer.token, body: { genre: 'pop' } })).status).toBe(403);
    expect((await put(editor.token, stranger.id, { role: 'viewer' })).status).toBe(403); // editors do not manage the team
    expect((await call('DELETE', `/v1/projects/${id}`, { token: editor.token })).status).toBe(403);

    const team = await call('GET', `/v1/projects/${id}/collaborators`, { token: viewer.token });
    expect(team.body.data.map((c: { user_id: string; role: string }) => [c.user_id, c.role])).toEqual([[editor.id, 'editor'], [viewer.id, 'viewer']]);
    expect((await call('GET', `/v1/projects/${id}/collaborators`, { token: stranger.token })).status).toBe(404);
    expect((await call('GET', `/v1/projects/${id}/versions`, { token: viewer.token })).body).toEqual({ data: [] });
    expect((await call('GET', `/v1/projects/${id}/versions`, { token: stranger.token })).status).toBe(404);

    // Promote the editor to team admin: they may now remove the viewer; the viewer may leave on their own too.
    await put(owner.token, editor.id, { role: 'admin' });
    expect((await call('DELETE', `/v1/projects/${id}/collaborators/${viewer.id}`, { token: editor.token })).status).toBe(204);
    expect((await call('DELETE', `/v1/projects/${id}/collaborators/${viewer.id}`, { token: editor.token })).status).toBe(404);
    expect((await call('GET', `/v1/projects/${id}`, { token: viewer.token })).status).toBe(404);

    // Likes: idempotent, counted by the trigger; a private project cannot be liked by a stranger.
    for (let i = 0; i < 2; i++) expect((await call('PUT', `/v1/projects/${id}/like`, { token: editor.token })).body).toEqual({ project_id: id, liked: true, like_count: 1 });
    expect((await call('PUT', `/v1/projects/${id}/like`, { token: stranger.token })).status).toBe(404);
    await call('PATCH', `/v1/projects/${id}`, { token: owner.token, body: { is_public: true } });
    expect((await call('PUT', `/v1/projects/${id}/like`, { token: stranger.token })).body.like_count).toBe(2);
    for (let i = 0; i < 2; i++) expect((await call('DELETE', `/v1/projects/${id}/like`, { token: stranger.token })).body).toEqual({ project_id: id, liked: false, like_count: 1 });
  });

  it('folders and library files: own only, nested without cycles, files survive their folder', async () => {
    const u = await h.signup();
    const other = await h.signup();
    const top = (await call('POST', '/v1/folders', { token: u.token, body: { name: 'Samples', category: 'samples' } })).body;
    const sub = await call('POST', '/v1/folders', { token: u.token, body: { name: 'Drums', parent_id: top.id } });
    expect(sub.status).toBe(201);
    expect((await call('POST', '/v1/folders', { token: other.token, body: { name: 'sneaky', parent_id: top.id } })).status).toBe(422);
    expect((await call('PATCH', `/v1/folders/${top.id}`, { token: u.token, body: { parent_id: sub.body.id } })).status).toBe(422);
    expect((await call('PATCH', `/v1/folders/${top.id}`, { token: u.token, body: { parent_id: top.id } })).status).toBe(422);
    expect((await call('GET', `/v1/folders/${top.id}`, { token: other.token })).status).toBe(404);
    expect((await call('GET', '/v1/folders?parent_id=root', { token: u.token })).body.data.map((f: { id: string }) => f.id)).toEqual([top.id]);

    const start = await call('POST', '/v1/library/uploads', { token: u.token, body: { file_name: 'kick.wav', content_type: 'audio/wav', size_bytes: 1000, parent_folder_id: sub.body.id, category: 'sample', tags: ['drums'] } });
    expect(start.status).toBe(201);
    await fetch(start.body.url, { method: 'PUT', headers: { 'content-type': 'audio/wav' }, body: tinyWav() });
    const item = (await call('POST', `/v1/library/uploads/${start.body.id}/complete`, { token: u.token })).body;
    expect(item).toMatchObject({ parent_folder_id: sub.body.id, category: 'sample', tags: ['drums'], file_name: 'kick.wav' });

    const got = await call('GET', `/v1/library/${item.id}`, { token: u.token });
    expect((await fetch(got.body.download_url)).status).toBe(200);
    expect((await call('GET', `/v1/library/${item.id}`, { token: other.token })).status).toBe(404);
    expect((await call('PATCH', `/v1/library/${item.id}`, { token: u.token, body: { bpm: 120, key: 'C', is_favorite: true } })).body).toMatchObject({ bpm: 120, key: 'C', is_favorite: true });
    expect((await call('PATCH', `/v1/library/${item.id}`, { token: u.token, body: { file_url: 'http://evil' } })).status).toBe(400);
    expect((await call('GET', `/v1/library?folder_id=${sub.body.id}`, { token: u.token })).body.data.map((i: { id: string }) => i.id)).toEqual([item.id]);

    // Deleting the top folder takes the sub-folder with it; the file stays, at the root.
    expect((await call('DELETE', `/v1/folders/${top.id}`, { token: u.token })).status).toBe(204);
    expect((await call('GET', `/v1/folders/${sub.body.id}`, { token: u.token })).status).toBe(404);
    expect((await call('GET', `/v1/library/${item.id}`, { token: u.token })).body.parent_folder_id).toBeNull();
    expect((await call('DELETE', `/v1/library/${item.id}`, { token: u.token })).status).toBe(204);
    expect((await fetch(got.body.download_url)).status).toBe(404);
  });

  it('documents the endpoints, the limit bodies and the sandbox keys in OpenAPI', async () => {
    const spec = (await call('GET', '/openapi.json')).body;
    for (const p of ['/v1/projects', '/v1/projects/{id}/collaborators/{user_id}', '/v1/projects/{id}/exports', '/v1/library/uploads', '/v1/library/uploads/{id}/complete', '/v1/folders/{id}']) {
      expect(spec.paths[p]).toBeDefined();
    }
    expect(spec.paths['/v1/projects'].post.responses['403'].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/LimitProblem');
    expect(spec.paths['/v1/api-keys'].post.summary).toMatch(/sk_test_/);
    expect(spec.paths['/v1/jobs/{id}/retry'].post.responses['402']).toBeDefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StudioPlatform, type User } from './studio-harness.js';

describe('saved lyrics over HTTP (RLS per user)', () => {
  const p = new StudioPlatform();
  let alice: User;
  let bob: User;
  const savedCount = async () => Number((await p.t.db.selectFrom('saved_lyrics').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    await p.start();
    alice = await p.signup('saved-alice@example.com');
    bob = await p.signup('saved-bob@example.com');
  }, 120_000);
  afterAll(() => p.stop());

  it('creates, reads, changes and deletes your own; another user gets 404 for each and changes nothing', async () => {
    const created = await p.call('POST', '/v1/saved-lyrics', { token: alice.token, body: { title: 'Harbour', content: '[Verse]\nBoats at dawn', genre: 'folk', tags: ['sea', 'morning'], folder: 'drafts', language: 'en', metadata: { mood_note: 'calm' } } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ user_id: alice.id, job_id: null, title: 'Harbour', content: '[Verse]\nBoats at dawn', tags: ['sea', 'morning'], folder: 'drafts', is_favorite: false, usage_count: 0, metadata: { mood_note: 'calm' } });
    const id = created.body.id;
    expect(created.body).not.toHaveProperty('cursor_at');
    expect((await p.call('GET', `/v1/saved-lyrics/${id}`, { token: alice.token })).body).toEqual(created.body);

    expect((await p.call('GET', `/v1/saved-lyrics/${id}`, { token: bob.token })).status).toBe(404);
    expect((await p.call('PATCH', `/v1/saved-lyrics/${id}`, { token: bob.token, body: { title: 'mine now' } })).status).toBe(404);
    expect((await p.call('DELETE', `/v1/saved-lyrics/${id}`, { token: bob.token })).status).toBe(404);
    expect((await p.call('GET', '/v1/saved-lyrics', { token: bob.token })).body).toEqual({ data: [], next_cursor: null });

    const patched = await p.call('PATCH', `/v1/saved-lyrics/${id}`, { token: alice.token, body: { title: 'Harbour at dawn', is_favorite: true, metadata: { rhyme: 'aabb' } } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: 'Harbour at dawn', is_favorite: true, content: '[Verse]\nBoats at dawn', metadata: { mood_note: 'calm', rhyme: 'aabb' } });

    expect((await p.call('DELETE', `/v1/saved-lyrics/${id}`, { token: alice.token })).status).toBe(204);
    expect((await p.call('GET', `/v1/saved-lyrics/${id}`, { token: alice.token })).status).toBe(404);
    expect((await p.call('DELETE', `/v1/saved-lyrics/${id}`, { token: alice.token })).status).toBe(404);
  });

  it('validates bodies and ids: 400 naming the field, nothing written', async () => {
    const before = await savedCount();
    const cases: unknown[] = [{}, { title: 'x' }, { title: '', content: 'y' }, { title: 'x', content: 'y', owner: 'me' }, { title: 'x'.repeat(201), content: 'y' }, { title: 'x', content: 'y', tags: ['a'.repeat(51)] }, { title: 'x', content: 'y', language: 'english!' }, { lyrics_variant_id: 'nope' }];
    for (const body of cases) {
      const res = await p.call('POST', '/v1/saved-lyrics', { token: alice.token, body });
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const one = await p.call('POST', '/v1/saved-lyrics', { token: alice.token, body: { title: 'x', content: 'y' } });
    expect((await p.call('PATCH', `/v1/saved-lyrics/${one.body.id}`, { token: alice.token, body: {} })).status).toBe(400);
    expect((await p.call('PATCH', `/v1/saved-lyrics/${one.body.id}`, { token: alice.token, body: { user_id: bob.id } })).status).toBe(400);
    expect((await p.call('GET', '/v1/saved-lyrics/not-a-uuid', { token: alice.token })).status).toBe(404);
    expect((await p.call('GET', '/v1/saved-lyrics?limit=0', { token: alice.token })).status).toBe(400);
    expect((await p.call('GET', '/v1/saved-lyrics?cursor=garbage', { token: alice.token })).status).toBe(400);
    expect((await p.call('GET', '/v1/saved-lyrics')).status).toBe(401);
    expect(await savedCount()).toBe(before + 1);
    await p.call('DELETE', `/v1/saved-lyrics/${one.body.id}`, { token: alice.token });
  });

  it('lists newest first in keyset pages: every row exactly once, filters by folder and favourite', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await p.call('POST', '/v1/saved-lyrics', { token: alice.token, body: { title: `song ${i}`, content: `line ${i}`, folder: i % 2 ? 'odd' : 'even', is_favorite: i === 4 } });
      ids.push(res.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { data: { id: string }[]; next_cursor: string | null } } = await p.call('GET', `/v1/saved-lyrics?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: alice.token });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((r) => r.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect((await p.call('GET', '/v1/saved-lyrics?folder=odd', { token: alice.token })).body.data.map((r: { id: string }) => r.id)).toEqual([ids[3], ids[1]]);
    expect((await p.call('GET', '/v1/saved-lyrics?favorite=true', { token: alice.token })).body.data.map((r: { id: string }) => r.id)).toEqual([ids[4]]);
  });

  it('saves a variant of a finished lyrics job (content copied, job linked); not another user\'s', async () => {
    const job = await p.call('POST', '/v1/lyrics', { token: alice.token, body: { prompt: 'a love song about the northern lights' } });
    expect(job.status).toBe(202);
    const done = await p.settled(alice, job.body.id);
    expect(done.status).toBe('completed');
    const variant = done.result.variants[1];
    const before = await savedCount();
    expect((await p.call('POST', '/v1/saved-lyrics', { token: bob.token, body: { lyrics_variant_id: variant.id } })).status).toBe(404);
    expect((await p.call('POST', '/v1/saved-lyrics', { token: alice.token, body: { lyrics_variant_id: variant.id, content: 'mine' } })).status).toBe(400);
    expect(await savedCount()).toBe(before);
    const saved = await p.call('POST', '/v1/saved-lyrics', { token: alice.token, body: { lyrics_variant_id: variant.id, folder: 'aurora', tags: ['love'] } });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ user_id: alice.id, job_id: done.result.lyrics_job_id, title: variant.title, content: variant.content, folder: 'aurora', metadata: { source: { lyrics_variant_id: variant.id, lyrics_job_id: done.result.lyrics_job_id } } });
  });

  it('documents the saved-lyrics endpoints in the OpenAPI document', async () => {
    const spec = await p.call('GET', '/openapi.json');
    expect(Object.keys(spec.body.paths['/v1/saved-lyrics'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(spec.body.paths['/v1/saved-lyrics/{id}'])).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
  });
});

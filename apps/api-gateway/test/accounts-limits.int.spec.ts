import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StorageService } from '@muse/storage';
import { AccountsHarness, nextMonthUtc, tinyWav, type User } from './accounts-harness.js';

const MB = 1024 * 1024;

/**
 * Studio Nexus limits (subscription_limits / usage_tracking / check_usage_limit): projects, exports,
 * storage, transformations — each refused at its limit with a body naming it, and exact under
 * concurrency (N parallel requests with room for k: exactly k succeed).
 */
describe('accounts: Studio Nexus monthly limits', () => {
  const h = new AccountsHarness();
  const { call } = h;

  const storage = new StorageService({ endpoint: process.env.S3_ENDPOINT ?? 'http://127.0.0.1:4569', region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });

  beforeAll(() => h.start());
  afterAll(async () => {
    storage.destroy();
    await h.stop();
  });

  const usageRows = (userId: string, resource: string) =>
    h.t.db.selectFrom('usage_tracking').select(['quantity', 'resource_id']).where('user_id', '=', userId).where('resource_type', '=', resource).execute();

  /** Upload a real (tiny) WAV into the caller's library: start, PUT to the presigned URL, confirm. */
  const uploadWav = async (u: User, declared?: number) => {
    const bytes = tinyWav();
    const start = await call('POST', '/v1/library/uploads', { token: u.token, body: { file_name: 'take 1.wav', content_type: 'audio/wav', size_bytes: declared ?? bytes.length } });
    expect(start.status).toBe(201);
    const put = await fetch(start.body.url, { method: 'PUT', headers: { 'content-type': 'audio/wav' }, body: bytes });
    expect(put.status).toBe(200);
    const done = await call('POST', `/v1/library/uploads/${start.body.id}/complete`, { token: u.token });
    expect(done.status).toBe(201);
    return { item: done.body, bytes, start: start.body };
  };

  it('projects: the plan\'s max_projects and the monthly limit refuse with the limit body; 10 racing creations with room for 3 → exactly 3', async () => {
    const u = await h.signup(); // free: 3 projects a month, at most 3 at once
    const racing = await Promise.all(Array.from({ length: 10 }, (_, i) => call('POST', '/v1/projects', { token: u.token, body: { title: `demo ${i}` } })));
    const created = racing.filter((r) => r.status === 201);
    expect(created).toHaveLength(3);
    const refused = racing.filter((r) => r.status !== 201);
    expect(refused.map((r) => r.status)).toEqual(Array(7).fill(403));
    expect(refused[0]!.headers.get('content-type')).toContain('application/problem+json');
    expect(refused[0]!.body).toMatchObject({ type: 'https://muse.studio/problems/usage-limit', limit: { name: 'max_projects', limit: 3, used: 3, remaining: 0 } });
    expect(refused[0]!.body.detail).toMatch(/delete a project to make room/);
    expect(await h.t.db.selectFrom('projects').select('id').where('user_id', '=', u.id).execute()).toHaveLength(3);
    expect(await usageRows(u.id, 'projects')).toHaveLength(3);

    // Deleting one makes room under max_projects, but this month's 3 creations are used: the monthly limit answers.
    expect((await call('DELETE', `/v1/projects/${created[0]!.body.id}`, { token: u.token })).status).toBe(204);
    const monthly = await call('POST', '/v1/projects', { token: u.token, body: { title: 'one more' } });
    expect(monthly.status).toBe(403);
    expect(monthly.body.limit).toEqual({ name: 'projects', limit: 3, used: 3, remaining: 0, resets_at: nextMonthUtc() });
    expect(monthly.body.detail).toMatch(/3 new projects a month and 3 are used; it resets at/);

    // Pro: unlimited a month (-1), up to its plan's max_projects.
    await h.setAccount(u.id, 'pro');
    const pro = await Promise.all(Array.from({ length: 5 }, (_, i) => call('POST', '/v1/projects', { token: u.token, body: { title: `pro ${i}` } })));
    expect(pro.map((r) => r.status)).toEqual(Array(5).fill(201));
    const me = await call('GET', '/v1/me', { token: u.token });
    expect(me.body.limits.usage.projects).toMatchObject({ limit: -1, used: 8, remaining: null });
  });

  it('exports: a short-lived presigned download of the project audio, counted; 20 racing exports with room for 10 → exactly 10', async () => {
    const u = await h.signup(); // free: 10 exports a month
    const { item, bytes } = await uploadWav(u);
    const project = await call('POST', '/v1/projects', { token: u.token, body: { title: 'to export', audio_library_id: item.id } });
    expect(project.status).toBe(201);
    expect(project.body.original_audio_path).toBe(item.file_url);

    const first = await call('POST', `/v1/projects/${project.body.id}/exports`, { token: u.token });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ project_id: project.body.id, source: 'original', usage: { name: 'exports', limit: 10, used: 1, remaining: 9, resets_at: nextMonthUtc() } });
    const download = await fetch(first.body.url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);

    const racing = await Promise.all(Array.from({ length: 20 }, () => call('POST', `/v1/projects/${project.body.id}/exports`, { token: u.token })));
    expect(racing.filter((r) => r.status === 201)).toHaveLength(9);
    const refused = racing.filter((r) => r.status !== 201);
    expect(refused.map((r) => r.status)).toEqual(Array(11).fill(403));
    expect(refused[0]!.body.limit).toEqual({ name: 'exports', limit: 10, used: 10, remaining: 0, resets_at: nextMonthUtc() });
    expect(await usageRows(u.id, 'exports')).toHaveLength(10);

    // A project without audio, or someone else's private project: refused without counting.
    const empty = await call('POST', '/v1/projects', { token: u.token, body: { title: 'silent' } });
    const other = await h.signup();
    expect((await call('POST', `/v1/projects/${empty.body.id}/exports`, { token: other.token })).status).toBe(404);
    const otherEmpty = await call('POST', '/v1/projects', { token: other.token, body: { title: 'silent too' } });
    expect((await call('POST', `/v1/projects/${otherEmpty.body.id}/exports`, { token: other.token })).status).toBe(409);
    expect(await usageRows(other.id, 'exports')).toHaveLength(0);
  });

  it('storage: the declared size is reserved before presigning; 10 racing 30 MB uploads with 100 MB → exactly 3; confirming gives back the difference', async () => {
    const u = await h.signup(); // free: 100 MB
    const start = (size: number) => call('POST', '/v1/library/uploads', { token: u.token, body: { file_name: 'big.wav', content_type: 'audio/wav', size_bytes: size } });
    const racing = await Promise.all(Array.from({ length: 10 }, () => start(30 * MB)));
    const ok = racing.filter((r) => r.status === 201);
    expect(ok).toHaveLength(3);
    const refused = racing.filter((r) => r.status !== 201);
    expect(refused.map((r) => r.status)).toEqual(Array(7).fill(403));
    expect(refused[0]!.body.limit).toEqual({ name: 'storage_mb', limit: 100, used: 90, remaining: 10 });
    expect(refused[0]!.body.detail).toMatch(/this upload needs 30 MB; delete library files to free space/);
    expect(ok[0]!.body).toMatchObject({ method: 'PUT', reserved_mb: 30, headers: { 'content-type': 'audio/wav' } });

    // Upload a tiny file against one 30 MB reservation: confirming records its real size and frees the rest.
    const bytes = tinyWav();
    expect((await fetch(ok[0]!.body.url, { method: 'PUT', headers: { 'content-type': 'audio/wav' }, body: bytes })).status).toBe(200);
    const done = await call('POST', `/v1/library/uploads/${ok[0]!.body.id}/complete`, { token: u.token });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ id: ok[0]!.body.id, file_size: bytes.length, source_type: 'upload' });
    const again = await call('POST', `/v1/library/uploads/${ok[0]!.body.id}/complete`, { token: u.token });
    expect([again.status, again.body.id]).toEqual([200, ok[0]!.body.id]);
    const tinyMb = Math.ceil((bytes.length / MB) * 1000) / 1000;
    expect((await usageRows(u.id, 'storage_mb')).map((r) => Number(r.quantity)).sort()).toEqual([tinyMb, 30, 30].sort());
    expect((await start(30 * MB)).status).toBe(201); // 60.001 + 30 fits now

    // Cancelling gives a reservation back; so does deleting a library file.
    expect((await call('DELETE', `/v1/library/uploads/${ok[1]!.body.id}`, { token: u.token })).status).toBe(204);
    expect((await call('DELETE', `/v1/library/${done.body.id}`, { token: u.token })).status).toBe(204);
    expect((await usageRows(u.id, 'storage_mb')).map((r) => Number(r.quantity))).toEqual([30, 30]);
    const me = await call('GET', '/v1/me', { token: u.token });
    expect(me.body.limits.usage.storage_mb).toMatchObject({ limit: 100, used: 60, remaining: 40, reset_period: 'lifetime', resets_at: null });
    expect(me.body.totals.storage_used_mb).toBe(60);
  });

  it('uploads: audio only, at most the declared size — a refused upload is deleted and its reservation released', async () => {
    const u = await h.signup();
    const bad = await call('POST', '/v1/library/uploads', { token: u.token, body: { file_name: 'notes.txt', content_type: 'text/plain', size_bytes: 10 } });
    expect(bad.status).toBe(415);
    const huge = await call('POST', '/v1/library/uploads', { token: u.token, body: { file_name: 'x.wav', content_type: 'audio/wav', size_bytes: 10 * 1024 * MB } });
    expect(huge.status).toBe(413);
    expect(huge.body.limit).toMatchObject({ name: 'upload_size_bytes', limit: 200 * MB });
    expect((await call('POST', '/v1/library/uploads', { token: u.token, body: { file_name: 'a/b.wav', content_type: 'audio/wav', size_bytes: 10 } })).status).toBe(400);

    // Larger than declared: 413 on confirm, object and reservation gone.
    const bytes = tinyWav();
    const small = await call('POST', '/v1/library/uploads', { token: u.token, body: { file_name: 'liar.wav', content_type: 'audio/wav', size_bytes: 100 } });
    const missing = await call('POST', `/v1/library/uploads/${small.body.id}/complete`, { token: u.token });
    expect([missing.status, missing.body.type]).toEqual([409, 'https://muse.studio/problems/upload-missing']);
    await fetch(small.body.url, { method: 'PUT', headers: { 'content-type': 'audio/wav' }, body: bytes });
    const over = await call('POST', `/v1/library/uploads/${small.body.id}/complete`, { token: u.token });
    expect(over.status).toBe(413);
    expect(over.body.limit).toEqual({ name: 'upload_size_bytes', limit: 100, used: bytes.length, remaining: 0 });
    expect((await call('GET', `/v1/library/uploads/${small.body.id}`, { token: u.token })).body).toMatchObject({ status: 'rejected', actual_size: bytes.length });
    expect((await call('POST', `/v1/library/uploads/${small.body.id}/complete`, { token: u.token })).status).toBe(409);

    // Declared as audio, but the bytes are not: 415 on confirm.
    const fake = Buffer.from('this is not audio at all, just text pretending'.repeat(3));
    const text = await call('POST', '/v1/library/uploads', { token: u.token, body: { file_name: 'fake.mp3', content_type: 'audio/mpeg', size_bytes: fake.length } });
    await fetch(text.body.url, { method: 'PUT', headers: { 'content-type': 'audio/mpeg' }, body: fake });
    expect((await call('POST', `/v1/library/uploads/${text.body.id}/complete`, { token: u.token })).status).toBe(415);

    expect(await usageRows(u.id, 'storage_mb')).toEqual([]);
    expect(await h.t.db.selectFrom('audio_library').select('id').where('user_id', '=', u.id).execute()).toEqual([]);
    const objects = await h.t.db.selectFrom('library_uploads').select('object_key').where('user_id', '=', u.id).execute();
    expect(objects).toHaveLength(2);
    for (const o of objects) expect(await storage.exists('audio-library', o.object_key)).toBe(false);

    // An upload never confirmed gives its reservation back once it expires (at the owner's next upload).
    const stale = await call('POST', '/v1/library/uploads', { token: u.token, body: { file_name: 'later.wav', content_type: 'audio/wav', size_bytes: 90 * MB } });
    expect(stale.status).toBe(201);
    expect((await call('POST', '/v1/library/uploads', { token: u.token, body: { file_name: 'now.wav', content_type: 'audio/wav', size_bytes: 20 * MB } })).status).toBe(403);
    await h.t.db.updateTable('library_uploads').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', stale.body.id).execute();
    expect((await call('POST', '/v1/library/uploads', { token: u.token, body: { file_name: 'now.wav', content_type: 'audio/wav', size_bytes: 20 * MB } })).status).toBe(201);
    expect((await call('GET', `/v1/library/uploads/${stale.body.id}`, { token: u.token })).body.status).toBe('expired');
    expect((await usageRows(u.id, 'storage_mb')).map((r) => Number(r.quantity))).toEqual([20]);
    // Others cannot see or confirm the caller's uploads.
    const other = await h.signup();
    expect((await call('POST', `/v1/library/uploads/${small.body.id}/complete`, { token: other.token })).status).toBe(404);
  });

  it('transformations keep counting against ai_transformations: 8 racing submissions with room for 5 → exactly 5', async () => {
    const u = await h.signup(); // free: 5 a month
    const { item } = await uploadWav(u);
    const project = await call('POST', '/v1/projects', { token: u.token, body: { title: 'transform me', audio_library_id: item.id } });
    const racing = await Promise.all(Array.from({ length: 8 }, () => call('POST', `/v1/projects/${project.body.id}/transformations`, { token: u.token, body: { transformation_type: 'orchestral' } })));
    expect(racing.filter((r) => r.status === 202)).toHaveLength(5);
    const refused = racing.filter((r) => r.status !== 202);
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403]);
    expect(refused[0]!.body.limit).toEqual({ name: 'ai_transformations', limit: 5, used: 5, remaining: 0, resets_at: nextMonthUtc() });
  });
});

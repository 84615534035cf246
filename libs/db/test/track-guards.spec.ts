import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { asUser, TracksRepository, UsersRepository } from '@muse/db';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';

describe('track column guards', () => {
  let t: TestDatabase;
  let owner: string;
  let moderator: string;
  let trackId: string;
  const tracks = new TracksRepository();

  beforeAll(async () => {
    t = await createTestDatabase();
    const users = new UsersRepository();
    owner = (await users.create(t.db, { email: 'owner@example.com', passwordHash: 'x' }))!.id;
    moderator = (await users.create(t.db, { email: 'mod@example.com', passwordHash: 'x' }))!.id;
    await t.db.insertInto('user_roles').values({ user_id: moderator, role: 'moderator' }).execute();
    trackId = (await tracks.insert(t.db, { user_id: owner, prompt: 'p', status: 'completed', audio_url: 'http://s3/tracks/a.mp3' })).id;
  });
  afterAll(() => t.drop());

  const update = (userId: string, set: Record<string, unknown>) =>
    asUser(t.db, { userId }, (trx) => trx.updateTable('tracks').set(set).where('id', '=', trackId).executeTakeFirst());

  it('lets the owner and a moderator edit what a person edits', async () => {
    expect(Number((await update(owner, { title: 'Mine', is_public: true, style_tags: ['lofi'] })).numUpdatedRows)).toBe(1);
    expect(Number((await update(moderator, { title: 'Moderated' })).numUpdatedRows)).toBe(1);
  });

  it.each([
    ['user_id', () => ({ user_id: moderator })],
    ['like_count', () => ({ like_count: 1_000_000 })],
    ['download_count', () => ({ download_count: 5 })],
    ['status', () => ({ status: 'failed' })],
    ['audio_url', () => ({ audio_url: 'https://evil.example/x.mp3' })],
    ['archived_at', () => ({ archived_at: new Date() })],
  ])('refuses a user change of %s, even by a moderator', async (_, set) => {
    await expect(update(owner, set())).rejects.toThrow(/editable/);
    await expect(update(moderator, set())).rejects.toThrow(/editable/);
  });

  it('leaves the platform free to write results', async () => {
    await t.db.updateTable('tracks').set({ like_count: 3, status: 'completed', audio_url: 'http://s3/tracks/b.mp3' }).where('id', '=', trackId).execute();
    const row = await tracks.findById(t.db, trackId);
    expect(row).toMatchObject({ like_count: 3, audio_url: 'http://s3/tracks/b.mp3' });
  });
});

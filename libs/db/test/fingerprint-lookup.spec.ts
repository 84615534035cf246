import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FingerprintsRepository, TracksRepository, UsersRepository } from '@muse/db';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';

describe('fingerprint lookup', () => {
  let t: TestDatabase;
  let alice: string;
  let bob: string;
  const fps = new FingerprintsRepository();
  const tracks = new TracksRepository();
  const publicTracks: string[] = [];
  let alicePrivate: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    const users = new UsersRepository();
    alice = (await users.create(t.db, { email: 'fp-alice@example.com', passwordHash: 'x' }))!.id;
    bob = (await users.create(t.db, { email: 'fp-bob@example.com', passwordHash: 'x' }))!.id;
    // Hash 7 is in all five public tracks (common); hash 9 only in the first; hash 11 only in Alice's private track.
    for (let i = 0; i < 5; i++) {
      const id = (await tracks.insert(t.db, { user_id: alice, prompt: 'p', status: 'completed', is_public: true })).id;
      publicTracks.push(id);
      await fps.replaceTrack(t.db, id, `http://s3/${id}.mp3`, i === 0 ? [{ hash: 7, t: 10 }, { hash: 9, t: 12 }] : [{ hash: 7, t: 10 + i }]);
    }
    alicePrivate = (await tracks.insert(t.db, { user_id: alice, prompt: 'p', status: 'completed', is_public: false })).id;
    await fps.replaceTrack(t.db, alicePrivate, 'http://s3/private.mp3', [{ hash: 11, t: 3 }]);
  });
  afterAll(() => t.drop());

  const hashesOf = (rows: { hash: number }[]) => [...new Set(rows.map((r) => r.hash))].sort((a, b) => a - b);

  it('returns every posting of the query hashes while they are rare enough', async () => {
    const { hits, skipped } = await fps.lookup(t.db, [7, 9, 11], alice, 10);
    expect(hashesOf(hits)).toEqual([7, 9, 11]);
    expect(hits.filter((r) => r.hash === 7)).toHaveLength(5);
    expect(skipped).toEqual([]);
  });

  it('skips a hash found in more rows than the cap, keeping the rare ones', async () => {
    expect(await fps.lookup(t.db, [7, 9], alice, 4)).toEqual({ hits: [{ hash: 9, track_id: publicTracks[0], t: 12 }], skipped: [7] });
    // Exactly at the cap it is still used.
    expect((await fps.lookup(t.db, [7], alice, 5)).hits.length).toBe(5);
  });

  it("never returns another user's private track", async () => {
    expect(await fps.lookup(t.db, [11], bob, 10)).toEqual({ hits: [], skipped: [] });
    expect((await fps.lookup(t.db, [11], alice, 10)).hits).toEqual([{ hash: 11, track_id: alicePrivate, t: 3 }]);
  });
});

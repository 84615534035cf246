import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PurgeTrackObjectsMessage } from '@muse/contracts';
import { Bucket, TracksRepository, trackObjectKey, UsersRepository } from '@muse/db';
import { createLogger } from '@muse/platform';
import { StorageService } from '@muse/storage';
import { PurgeService } from '../src/archiving/purge.service.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';

/** tracks.purge-objects against the real S3 server: idempotent, never a live track's files, failures thrown for a retry. */
describe('purge of a deleted track\'s objects', () => {
  let t: TestDatabase;
  let storage: StorageService;
  let purges: PurgeService;
  let userId: string;
  const logger = createLogger('purge-test', 'silent');
  const s3 = { endpoint: process.env.S3_ENDPOINT ?? 'http://127.0.0.1:4569', region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

  const message = (trackId: string, extra: Partial<PurgeTrackObjectsMessage> = {}) =>
    PurgeTrackObjectsMessage.parse({
      trackId,
      userId,
      correlationId: 'test',
      objects: [
        { bucket: 'tracks', prefix: `${userId}/${trackId}/` },
        { bucket: 'tracks-archive', prefix: `${userId}/${trackId}/` },
        { bucket: 'stems', prefix: `${trackId}/` },
      ],
      keys: [{ bucket: 'covers', key: `spectrograms/classifications/${trackId}.jpg` }],
      ...extra,
    });
  const objects = async (trackId: string) => {
    const list = [
      [Bucket.Tracks, trackObjectKey(userId, trackId, 'audio.mp3')],
      [Bucket.Tracks, trackObjectKey(userId, trackId, 'cover.jpg', 1)],
      [Bucket.TracksArchive, trackObjectKey(userId, trackId, 'audio.wav')],
      [Bucket.Stems, `${trackId}/${crypto.randomUUID()}/vocals.mp3`],
      [Bucket.Covers, `spectrograms/classifications/${trackId}.jpg`],
    ] as const;
    for (const [bucket, key] of list) await storage.put(bucket, key, randomBytes(64), 'application/octet-stream');
    return list;
  };
  const present = async (list: readonly (readonly [(typeof Bucket)[keyof typeof Bucket], string])[]) => Promise.all(list.map(([b, k]) => storage.exists(b, k)));

  beforeAll(async () => {
    t = await createTestDatabase();
    storage = new StorageService(s3);
    await storage.ensureBuckets();
    purges = new PurgeService(t.db, storage, logger, new TracksRepository());
    userId = (await new UsersRepository().create(t.db, { email: 'purge@example.com', passwordHash: 'not-used-here' }))!.id;
  });
  afterAll(async () => {
    storage?.destroy();
    await t?.drop();
  });

  it('deletes every object of a deleted track, and a second run finds nothing left and succeeds', async () => {
    const trackId = crypto.randomUUID();
    const list = await objects(trackId);
    const neighbour = crypto.randomUUID();
    const kept = await objects(neighbour);
    expect(await purges.purge(message(trackId))).toEqual({ deleted: 5 });
    expect(await present(list)).toEqual([false, false, false, false, false]);
    expect(await present(kept)).toEqual([true, true, true, true, true]);
    expect(await purges.purge(message(trackId))).toEqual({ deleted: 0 });
  });

  it('never touches a track that still exists', async () => {
    const track = await t.db.insertInto('tracks').values({ user_id: userId, prompt: 'alive' }).returning('id').executeTakeFirstOrThrow();
    const list = await objects(track.id);
    expect(await purges.purge(message(track.id))).toEqual({ deleted: 0, skipped: 'track-exists' });
    expect(await present(list)).toEqual([true, true, true, true, true]);
  });

  it("refuses prefixes that are not the track's own, and contract-breaking keys", async () => {
    const trackId = crypto.randomUUID();
    const other = crypto.randomUUID();
    const kept = await objects(other);
    await expect(purges.purge(message(trackId, { objects: [{ bucket: 'tracks', prefix: `${userId}/${other}/` }] }))).rejects.toThrow(/not track/);
    expect(await present(kept)).toEqual([true, true, true, true, true]);
    expect(PurgeTrackObjectsMessage.safeParse({ ...message(trackId), keys: [{ bucket: 'covers', key: 'projects/x.jpg' }] }).success).toBe(false);
    expect(PurgeTrackObjectsMessage.safeParse({ ...message(trackId), objects: [{ bucket: 'tracks', prefix: '' }] }).success).toBe(false);
  });

  it('throws while storage is unreachable (the queue retries), and finishes on the next attempt', async () => {
    const trackId = crypto.randomUUID();
    const list = await objects(trackId);
    const down = new StorageService({ ...s3, endpoint: 'http://127.0.0.1:9' });
    const failing = new PurgeService(t.db, down, logger, new TracksRepository());
    await expect(failing.purge(message(trackId))).rejects.toThrow();
    down.destroy();
    expect(await present(list)).toEqual([true, true, true, true, true]);
    expect(await purges.purge(message(trackId))).toEqual({ deleted: 5 });
  });
});

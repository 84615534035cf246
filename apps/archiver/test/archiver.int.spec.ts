import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { sql } from 'kysely';
import { ArchivingRepository, Bucket, trackObjectKey, type Database } from '@muse/db';
import { loadConfig, type WorkerService } from '@muse/platform';
import { StorageService } from '@muse/storage';
import { createGateway, type Gateway } from '../../api-gateway/src/bootstrap.js';
import { GatewayConfig } from '../../api-gateway/src/config.js';
import { ArchiverConfig, startArchiver } from '../src/bootstrap.js';
import { ArchivingService } from '../src/archiving/archiving.service.js';
import { ScanService } from '../src/archiving/scan.service.js';
import { SchedulerService } from '../src/archiving/scheduler.service.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';

/** The crash the next archive/restore step should suffer (null: none). */
let crashAt: string | null = null;
const checkpoint = (step: string) => {
  if (step === crashAt) {
    crashAt = null;
    throw new Error(`injected crash after '${step}'`);
  }
};

describe('archiver', () => {
  let t: TestDatabase;
  let db: Database;
  let storage: StorageService;
  let worker: WorkerService;
  let gateway: Gateway;
  let base: string;
  let queue: Queue;
  let owner: { token: string; id: string };
  let other: { token: string; id: string };
  let admin: { token: string; id: string };

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const signup = async (email: string) => {
    const res = await call('POST', '/v1/auth/signup', undefined, { email, password: 'correct horse battery' });
    expect(res.status).toBe(201);
    return { token: res.body.access_token as string, id: res.body.user.id as string };
  };

  /** What the generation worker leaves behind: a completed track, two variants, four objects with distinct bytes. */
  const makeTrack = async (opts: { ageDays: number; isPublic?: boolean; plays?: number; userId?: string }) => {
    const userId = opts.userId ?? owner.id;
    const row = await db.insertInto('tracks').values({ user_id: userId, prompt: 'old song', genre: 'Ambient', status: 'completed' }).returning('id').executeTakeFirstOrThrow();
    const id = row.id;
    const files: Record<string, Buffer> = {};
    const urls: Record<string, string> = {};
    for (const [variant, file] of [[0, 'audio.mp3'], [0, 'cover.jpg'], [1, 'audio.mp3'], [1, 'cover.jpg']] as const) {
      const key = trackObjectKey(userId, id, file, variant);
      files[key] = randomBytes(2048 + variant * 100 + file.length);
      urls[key] = (await storage.put(Bucket.Tracks, key, files[key]!, file.endsWith('mp3') ? 'audio/mpeg' : 'image/jpeg')).url;
    }
    const k = (file: 'audio.mp3' | 'cover.jpg', v: number) => urls[trackObjectKey(userId, id, file, v)]!;
    await db.insertInto('track_versions').values([
      { parent_track_id: id, variant_index: 0, audio_url: k('audio.mp3', 0), cover_url: k('cover.jpg', 0), is_primary_variant: true },
      { parent_track_id: id, variant_index: 1, audio_url: k('audio.mp3', 1), cover_url: k('cover.jpg', 1) },
    ]).execute();
    // Back-dating with triggers off: handle_track_archiving would otherwise schedule it at once, and
    // the scan is what must do that.
    await db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await trx
        .updateTable('tracks')
        .set({
          audio_url: k('audio.mp3', 0),
          cover_url: k('cover.jpg', 0),
          is_public: opts.isPublic ?? false,
          play_count: opts.plays ?? 0,
          created_at: sql`now() - make_interval(days => ${opts.ageDays}::int)`,
        })
        .where('id', '=', id)
        .execute();
    });
    return { id, files, userId };
  };
  const trackRow = (id: string) => db.selectFrom('tracks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const runsOf = (id: string) => db.selectFrom('track_archiving_jobs').selectAll().where('track_id', '=', id).execute();
  const keyOf = (url: string) => url.slice(storage.publicUrl(Bucket.Tracks, '').length).split('/').map(decodeURIComponent).join('/');
  const makeDue = (id: string) => db.updateTable('tracks').set({ archive_scheduled_at: sql`now() - interval '1 minute'` }).where('id', '=', id).execute();

  /**
   * Nothing lost, nothing dangling: every URL column points at an object that exists, the archive
   * locators too, and every file of the track exists in at least one bucket with its original bytes.
   */
  const assertConsistent = async (track: { id: string; files: Record<string, Buffer> }) => {
    const row = await trackRow(track.id);
    const versions = await db.selectFrom('track_versions').selectAll().where('parent_track_id', '=', track.id).execute();
    for (const url of [row.audio_url, row.cover_url, ...versions.flatMap((v) => [v.audio_url, v.cover_url])]) {
      if (url) expect(await storage.exists(Bucket.Tracks, keyOf(url))).toBe(true);
    }
    for (const locator of [row.storage_audio_url, row.storage_cover_url]) {
      if (locator) expect(await storage.exists(Bucket.TracksArchive, locator.replace(`s3://${Bucket.TracksArchive}/`, ''))).toBe(true);
    }
    if (row.archived_at) expect(row.audio_url).toBeNull();
    else expect(row.audio_url).not.toBeNull();
    for (const [key, bytes] of Object.entries(track.files)) {
      const inPublic = await storage.exists(Bucket.Tracks, key);
      const inArchive = await storage.exists(Bucket.TracksArchive, key);
      expect(inPublic || inArchive).toBe(true);
      expect((await storage.get(inPublic ? Bucket.Tracks : Bucket.TracksArchive, key)).equals(bytes)).toBe(true);
    }
  };
  const assertArchived = async (track: { id: string; files: Record<string, Buffer> }) => {
    const row = await trackRow(track.id);
    expect(row.archived_at).not.toBeNull();
    expect(row.archived_to_storage).toBe(true);
    expect(row.storage_audio_url).toBe(`s3://${Bucket.TracksArchive}/${trackObjectKey(row.user_id, row.id, 'audio.mp3')}`);
    for (const [key, bytes] of Object.entries(track.files)) {
      expect(await storage.exists(Bucket.Tracks, key)).toBe(false);
      expect((await storage.get(Bucket.TracksArchive, key)).equals(bytes)).toBe(true);
    }
    await assertConsistent(track);
  };
  const assertLive = async (track: { id: string; files: Record<string, Buffer> }) => {
    const row = await trackRow(track.id);
    expect(row.archived_at).toBeNull();
    expect(row.storage_audio_url).toBeNull();
    for (const [key, bytes] of Object.entries(track.files)) {
      expect(await storage.exists(Bucket.TracksArchive, key)).toBe(false);
      expect((await storage.get(Bucket.Tracks, key)).equals(bytes)).toBe(true);
    }
    await assertConsistent(track);
  };
  const jobSettled = (id: string) =>
    waitFor(async () => {
      const job = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return job && ['completed', 'failed'].includes(job.status) ? job : undefined;
    }, `job ${id}`);

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
    const env = serviceEnv(t.url, { ARCHIVER_SCHEDULES: 'false', OUTBOX_POLL_MS: '100' });
    const config = loadConfig(ArchiverConfig, env);
    storage = new StorageService({ endpoint: config.S3_ENDPOINT, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.ensureBuckets();
    worker = await startArchiver(config, { listen: false, checkpoint });
    gateway = await createGateway(loadConfig(GatewayConfig, env));
    await gateway.app.listen(0, '127.0.0.1');
    base = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    queue = new Queue('archiving', { connection: { url: env.REDIS_URL }, prefix: config.QUEUE_PREFIX });
    owner = await signup('owner@example.com');
    other = await signup('other@example.com');
    admin = await signup('admin@example.com');
    await db.insertInto('user_roles').values({ user_id: admin.id, role: 'admin' }).execute();
  });
  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await worker?.close();
    await gateway?.close();
    storage?.destroy();
    await t?.drop();
  });

  it('scans, schedules 7 days ahead, archives when due, once, and only the owner can download', async () => {
    const old = await makeTrack({ ageDays: 95 });
    const popular = await makeTrack({ ageDays: 95, isPublic: true, plays: 12 });
    const recent = await makeTrack({ ageDays: 10 });

    await queue.add('archiving.scan', { jobId: 'test-scan-1', correlationId: 'test' });
    const scheduled = await waitFor(async () => (await trackRow(old.id)).archive_scheduled_at, 'the old track to be scheduled');
    const days = (scheduled.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);
    expect((await trackRow(popular.id)).archive_scheduled_at).toBeNull();
    expect((await trackRow(recent.id)).archive_scheduled_at).toBeNull();
    expect(await runsOf(old.id)).toHaveLength(0); // scheduled, not due yet
    await assertLive(old);

    // The date comes; two scans at once (two replicas, or the cron and an admin) and a queued one.
    await makeDue(old.id);
    const scans = worker.app.get(ScanService);
    await queue.add('archiving.scan', { jobId: 'test-scan-2', correlationId: 'test' });
    await Promise.all([scans.run('a'), scans.run('b')]);
    await waitFor(async () => (await runsOf(old.id)).find((r) => r.status === 'completed'), 'the archive run');
    await assertArchived(old);
    const runs = await runsOf(old.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.archived_audio_url).toBe((await trackRow(old.id)).storage_audio_url);
    expect((await db.selectFrom('track_versions').select('audio_url').where('parent_track_id', '=', old.id).execute()).every((v) => v.audio_url === null)).toBe(true);
    expect((await fetch(storage.publicUrl(Bucket.Tracks, trackObjectKey(owner.id, old.id, 'audio.mp3')))).status).toBe(404);

    // Scanning again archives nothing twice.
    expect(await scans.run('c')).toEqual({ scheduled: 0, enqueued: 0 });
    expect(await runsOf(old.id)).toHaveLength(1);

    // Owner: short-lived links to every archived file; anyone else, admins included: not found.
    const links = await call('GET', `/v1/tracks/${old.id}/archive`, owner.token);
    expect(links.status).toBe(200);
    expect(links.body.expires_in).toBe(300);
    expect(links.body.files).toHaveLength(4);
    const audio = Buffer.from(await (await fetch(links.body.audio_url)).arrayBuffer());
    expect(audio.equals(old.files[trackObjectKey(owner.id, old.id, 'audio.mp3')]!)).toBe(true);
    expect(links.body.audio_url).toContain('X-Amz-Expires=300');
    expect((await call('GET', `/v1/tracks/${old.id}/archive`, other.token)).status).toBe(404);
    expect((await call('GET', `/v1/tracks/${old.id}/archive`, admin.token)).status).toBe(404);
    expect((await call('GET', `/v1/tracks/${old.id}/archive`)).status).toBe(401);
    expect((await call('GET', `/v1/tracks/${recent.id}/archive`, owner.token)).status).toBe(409);

    const stats = await call('GET', '/v1/admin/analytics/archive-statistics', admin.token);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ archived_tracks: 1, archived_to_storage: 1, jobs: { completed: 1 } });
    expect(stats.body.archived_bytes).toBe(Object.values(old.files).reduce((n, b) => n + b.length, 0));
    expect((await call('GET', '/v1/admin/analytics/archive-statistics', owner.token)).status).toBe(403);

    // Restore: not for other users; the owner's job moves everything back.
    expect((await call('POST', `/v1/tracks/${old.id}/restore`, other.token)).status).toBe(404);
    expect((await call('POST', `/v1/tracks/${recent.id}/restore`, owner.token)).status).toBe(409);
    expect((await call('POST', `/v1/tracks/${old.id}/restore`, owner.token, { now: true })).status).toBe(400);
    const restore = await call('POST', `/v1/tracks/${old.id}/restore`, owner.token);
    expect(restore.status).toBe(202);
    expect(restore.body).toMatchObject({ kind: 'archiving', status: 'pending', resource: { type: 'track', id: old.id } });
    const job = await jobSettled(restore.body.id);
    expect(job.status).toBe('completed');
    await assertLive(old);
    const row = await trackRow(old.id);
    expect(row.audio_url).toBe(storage.publicUrl(Bucket.Tracks, trackObjectKey(owner.id, old.id, 'audio.mp3')));
    // A restored track gets 90 more days before it is archived again.
    expect((row.archive_scheduled_at!.getTime() - Date.now()) / 86_400_000).toBeGreaterThan(89);
    expect(await scans.run('d')).toEqual({ scheduled: 0, enqueued: 0 });
  });

  it('an admin run archives every due track as a job; admins may restore any track', async () => {
    const a = await makeTrack({ ageDays: 120 });
    const b = await makeTrack({ ageDays: 100, userId: other.id });
    await worker.app.get(ScanService).run('schedule');
    await makeDue(a.id);
    await makeDue(b.id);
    expect((await call('POST', '/v1/admin/archiving/run', owner.token)).status).toBe(403);
    const run = await call('POST', '/v1/admin/archiving/run', admin.token);
    expect(run.status).toBe(202);
    const job = await jobSettled(run.body.id);
    expect(job.status).toBe('completed');
    expect(job.result).toEqual({ scheduled: 0, enqueued: 2 });
    await waitFor(async () => (await trackRow(a.id)).archived_at && (await trackRow(b.id)).archived_at && (await runsOf(b.id))[0]?.status === 'completed', 'both archived');
    await assertArchived(a);
    await assertArchived(b);
    const restore = await call('POST', `/v1/tracks/${b.id}/restore`, admin.token);
    expect(restore.status).toBe(202);
    expect((await jobSettled(restore.body.id)).status).toBe('completed');
    await assertLive(b);
  });

  it('resumes after a crash between any two steps without losing or dangling a file', async () => {
    const archiving = worker.app.get(ArchivingService);
    const scans = worker.app.get(ScanService);
    const runFor = async (trackId: string) => (await runsOf(trackId)).find((r) => r.status === 'pending' || r.status === 'processing')!;
    for (const step of ['planned', 'copied', 'committed', 'deleted']) {
      const track = await makeTrack({ ageDays: 200 });
      await scans.run('schedule');
      // Queue nothing: the run is driven by hand so the crash lands exactly where asked.
      await db.updateTable('tracks').set({ archive_scheduled_at: sql`now() - interval '1 minute'` }).where('id', '=', track.id).execute();
      const run = await new ArchivingRepository().openRun(db, track.id);
      crashAt = step;
      await expect(archiving.archive(run.id)).rejects.toThrow(`injected crash after '${step}'`);
      await assertConsistent(track);
      expect((await archiving.archive(run.id)).outcome).toBe('archived');
      await assertArchived(track);
      expect((await archiving.archive(run.id)).outcome).toBe('already-finished');
      expect(await runFor(track.id)).toBeUndefined();
      expect(await runsOf(track.id)).toHaveLength(1);

      for (const restoreStep of ['restore-copied', 'restore-committed']) {
        crashAt = restoreStep;
        await expect(archiving.restore(track.id, 'job')).rejects.toThrow(`injected crash after '${restoreStep}'`);
        await assertConsistent(track);
        expect((await archiving.restore(track.id, 'job')).restored).toBe(true);
        await assertLive(track);
        if (restoreStep === 'restore-copied') {
          // Archive it again for the next restore crash.
          await db.updateTable('tracks').set({ archive_scheduled_at: sql`now() - interval '1 minute'` }).where('id', '=', track.id).execute();
          const again = await new ArchivingRepository().openRun(db, track.id);
          expect((await archiving.archive(again.id)).outcome).toBe('archived');
          await assertArchived(track);
        }
      }
    }
  });

  it('ends a run whose original is already missing as failed, leaving the track as it was', async () => {
    const track = await makeTrack({ ageDays: 150 });
    const coverKey = trackObjectKey(owner.id, track.id, 'cover.jpg', 1);
    const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
    await storage.client.send(new DeleteObjectCommand({ Bucket: Bucket.Tracks, Key: coverKey }));
    await makeDue(track.id);
    const run = await new ArchivingRepository().openRun(db, track.id);
    expect(await worker.app.get(ArchivingService).archive(run.id)).toEqual({ outcome: 'failed' });
    const [ended] = await runsOf(track.id);
    expect(ended).toMatchObject({ status: 'failed' });
    expect(ended!.error_message).toContain(coverKey);
    const row = await trackRow(track.id);
    expect(row.archived_at).toBeNull();
    expect(await storage.exists(Bucket.Tracks, trackObjectKey(owner.id, track.id, 'audio.mp3'))).toBe(true);
  });

  it('resets daily limits (twice is harmless) and keeps analytics partitions ahead', async () => {
    await db.updateTable('profiles').set({ credits_used_today: 3, last_credit_reset_at: sql`now() - interval '1 day'` }).where('id', '=', owner.id).execute();
    await queue.add('limits.reset-daily', { jobId: 'reset-1', correlationId: 'test' });
    await waitFor(async () => (await db.selectFrom('profiles').select('credits_used_today').where('id', '=', owner.id).executeTakeFirstOrThrow()).credits_used_today === 0, 'the reset');
    // Usage recorded after today's reset survives a second run the same day.
    await db.updateTable('profiles').set({ credits_used_today: 2 }).where('id', '=', owner.id).execute();
    await queue.add('limits.reset-daily', { jobId: 'reset-2', correlationId: 'test' }, { jobId: 'reset-2' });
    await waitFor(async () => {
      const job = await queue.getJob('reset-2');
      return job?.isCompleted();
    }, 'the second reset');
    expect((await db.selectFrom('profiles').select('credits_used_today').where('id', '=', owner.id).executeTakeFirstOrThrow()).credits_used_today).toBe(2);

    // The furthest partition goes missing; the daily job puts it back.
    const now = new Date();
    const ahead = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 3, 1));
    const name = `analytics_events_y${ahead.getUTCFullYear()}m${String(ahead.getUTCMonth() + 1).padStart(2, '0')}`;
    const exists = async () => (await sql<{ r: string | null }>`select to_regclass(${`public.${name}`})::text as r`.execute(db)).rows[0]!.r !== null;
    await sql`drop table ${sql.table(name)}`.execute(db);
    expect(await exists()).toBe(false);
    await queue.add('analytics.ensure-partitions', { jobId: 'partitions-1', correlationId: 'test' }, { jobId: 'partitions-1' });
    await waitFor(async () => (await queue.getJob('partitions-1'))?.isCompleted(), 'partitions');
    expect(await exists()).toBe(true);
  });

  it('registers one schedule per cron job however many replicas start', async () => {
    const scheduler = worker.app.get(SchedulerService);
    const config = loadConfig(ArchiverConfig, serviceEnv(t.url, { QUEUE_PREFIX: (await queue.opts.prefix)! }));
    for (let i = 0; i < 3; i++) await new SchedulerService(config, worker.resources.logger, queue).onApplicationBootstrap();
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key ?? s.name).sort()).toEqual(scheduler.schedules().map((s) => s.name).sort());
    expect(schedulers.find((s) => (s.key ?? s.name) === 'limits.reset-daily')).toMatchObject({ pattern: '0 0 * * *', tz: 'UTC' });
  });
});

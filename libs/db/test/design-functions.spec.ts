// Functions, triggers and views of the design migrations, concurrency included.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type RawBuilder } from 'kysely';
import { createDatabase, type Database } from '@muse/db';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { anon, as, createUser, errorOf, grantRole, service, user, type Actor } from './design-support.js';

describe('design functions and triggers', () => {
  let t: TestDatabase;
  let db: Database;
  /** A pool wide enough that concurrent callers really hold separate connections at once. */
  let wide: Database;
  let alice: string;
  let bob: string;
  let mod: string;
  let adm: string;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
    wide = createDatabase({ url: t.url, maxConnections: 60, applicationName: 'muse-test-concurrency' });
    alice = await createUser(db, 'alice@example.com');
    bob = await createUser(db, 'bob@example.com');
    mod = await createUser(db, 'mod@example.com');
    adm = await createUser(db, 'adm@example.com');
    await grantRole(db, mod, 'moderator');
    await grantRole(db, adm, 'admin');
  });
  afterAll(async () => {
    await wide.destroy();
    await t.drop();
  });

  const newUser = () => createUser(db, `user${++seq}@example.com`);
  const call = <T = unknown>(actor: Actor, query: RawBuilder<T>) => as(db, actor, (trx) => query.execute(trx));
  const track = async (values: Record<string, unknown>) =>
    (await db.insertInto('tracks').values({ user_id: alice, prompt: 'p', ...values } as never).returning('id').executeTakeFirstOrThrow()).id;
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

  describe('credits', () => {
    it('never overdraws under concurrency: 20 debits of 1 on a balance of 10 → 10 succeed', async () => {
      const u = await newUser();
      // pro: daily limit 30, so only the balance limits here.
      await db.updateTable('profiles').set({ subscription_plan: 'pro', credits_remaining: 10 }).where('id', '=', u).execute();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => as(wide, user(u), (trx) => sql<{ b: number }>`select public.decrement_production_credits(${u}, 1) as b`.execute(trx))),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(10);
      expect(failed).toHaveLength(10);
      for (const f of failed) {
        expect(f.reason).toMatchObject({ code: 'P0001' });
        expect(String(f.reason.message)).toMatch(/insufficient credits/);
      }
      const profile = await db.selectFrom('profiles').select(['credits_remaining', 'credits_used_today']).where('id', '=', u).executeTakeFirstOrThrow();
      expect(profile).toEqual({ credits_remaining: 0, credits_used_today: 10 });
      const ledger = await db.selectFrom('credit_transactions').select(['amount', 'balance_after', 'kind']).where('user_id', '=', u).where('reason', '<>', 'signup_grant').execute();
      expect(ledger).toHaveLength(10);
      expect(ledger.every((l) => l.amount === -1 && l.kind === 'production')).toBe(true);
      expect(ledger.map((l) => l.balance_after).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('enforces the daily limit from 00:00 UTC and lets only the user (or the platform) spend', async () => {
      const u = await newUser(); // free: 10 credits, 5 a day
      await expect(call(user(bob), sql`select public.decrement_production_credits(${u}, 1)`)).rejects.toMatchObject({ code: '42501' });
      await expect(call(user(u), sql`select public.decrement_production_credits(${u}, 0)`)).rejects.toMatchObject({ code: '22023' });
      await call(user(u), sql`select public.decrement_production_credits(${u}, 5, 'generation', null)`);
      const over = await errorOf(call(user(u), sql`select public.decrement_production_credits(${u}, 1)`));
      expect(over).toMatchObject({ code: 'P0001', message: expect.stringMatching(/daily credit limit/) });
      // Yesterday's usage does not count today.
      await db.updateTable('profiles').set({ last_credit_reset_at: daysAgo(1) }).where('id', '=', u).execute();
      const { rows } = await call<{ b: number }>(service, sql`select public.decrement_production_credits(${u}, 2) as b`);
      expect(rows[0]!.b).toBe(3);
      const p = await db.selectFrom('profiles').select(['credits_used_today', 'credits_remaining']).where('id', '=', u).executeTakeFirstOrThrow();
      expect(p).toEqual({ credits_used_today: 2, credits_remaining: 3 });
    });

    it('keeps sandbox credits apart, with their own ledger kind', async () => {
      const u = await newUser();
      const { rows } = await call<{ b: number }>(user(u), sql`select public.decrement_test_credits(${u}, 30) as b`);
      expect(rows[0]!.b).toBe(70);
      const err = await errorOf(call(user(u), sql`select public.decrement_test_credits(${u}, 71)`));
      expect(err).toMatchObject({ code: 'P0001', message: expect.stringMatching(/insufficient credits/) });
      // test_credits_remaining is not in schema.ts yet (see schema-designs.ts), hence raw SQL.
      const p = await sql<{ credits_remaining: number; test_credits_remaining: number }>`
        select credits_remaining, test_credits_remaining from public.profiles where id = ${u}`.execute(db);
      expect(p.rows).toEqual([{ credits_remaining: 10, test_credits_remaining: 70 }]);
      expect(await db.selectFrom('credit_transactions').select(['amount', 'kind', 'balance_after']).where('user_id', '=', u).where('reason', '<>', 'signup_grant').execute())
        .toEqual([{ amount: -30, kind: 'test', balance_after: 70 }]);
    });

    it('does not let users write their balance or plan, only their own descriptive columns', async () => {
      const u = await newUser();
      const err = await errorOf(as(db, user(u), (trx) => trx.updateTable('profiles').set({ credits_remaining: 1_000_000 }).where('id', '=', u).execute()));
      expect(err.code).toBe('42501');
      await expect(as(db, user(u), (trx) => trx.updateTable('profiles').set({ subscription_plan: 'premium' }).where('id', '=', u).execute()))
        .rejects.toMatchObject({ code: '42501' });
      await as(db, user(u), (trx) => trx.updateTable('profiles').set({ bio: 'hi' }).where('id', '=', u).execute());
      // An admin may.
      await as(db, user(adm), (trx) => trx.updateTable('profiles').set({ credits_remaining: 50 }).where('id', '=', u).execute());
      expect((await db.selectFrom('profiles').select(['bio', 'credits_remaining']).where('id', '=', u).executeTakeFirstOrThrow()))
        .toEqual({ bio: 'hi', credits_remaining: 50 });
    });
  });

  describe('generation limits', () => {
    it('counts generations per UTC day against the plan limit', async () => {
      const u = await newUser(); // free: 5 a day
      for (let i = 1; i <= 5; i++) {
        const { rows } = await call<{ n: number }>(user(u), sql`select public.increment_generation_usage(${u}) as n`);
        expect(rows[0]!.n).toBe(i);
      }
      const err = await errorOf(call(user(u), sql`select public.increment_generation_usage(${u})`));
      expect(err).toMatchObject({ code: 'P0001', message: expect.stringMatching(/daily generation limit/) });
      const row = await db.selectFrom('generation_limits').selectAll().where('user_id', '=', u).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ plan_name: 'free', generations_limit_daily: 5, generations_used_today: 5 });
      await expect(call(user(bob), sql`select public.increment_generation_usage(${u})`)).rejects.toMatchObject({ code: '42501' });

      await db.updateTable('generation_limits').set({ last_reset_at: daysAgo(1) }).where('user_id', '=', u).execute();
      const { rows } = await call<{ n: number }>(user(u), sql`select public.increment_generation_usage(${u}) as n`);
      expect(rows[0]!.n).toBe(1);
    });

    it('is exact under concurrency and follows a plan change', async () => {
      const u = await newUser();
      await db.updateTable('profiles').set({ subscription_plan: 'premium' }).where('id', '=', u).execute();
      await Promise.all(Array.from({ length: 25 }, () => as(wide, user(u), (trx) => sql`select public.increment_generation_usage(${u})`.execute(trx))));
      const row = await db.selectFrom('generation_limits').selectAll().where('user_id', '=', u).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ plan_name: 'premium', generations_limit_daily: -1, generations_used_today: 25 });
    });

    it('reset_daily_limits is for the platform and safe to run twice', async () => {
      const u = await newUser();
      await db.updateTable('profiles').set({ credits_used_today: 4, last_credit_reset_at: daysAgo(1) }).where('id', '=', u).execute();
      await db.insertInto('generation_limits').values({ user_id: u, generations_used_today: 3, last_reset_at: daysAgo(1) }).execute();

      await expect(call(user(u), sql`select public.reset_daily_limits()`)).rejects.toMatchObject({ code: '42501' });
      const first = await call<{ r: { profiles_reset: number; generation_limits_reset: number } }>(service, sql`select public.reset_daily_limits() as r`);
      expect(first.rows[0]!.r.profiles_reset).toBeGreaterThanOrEqual(1);
      expect(first.rows[0]!.r.generation_limits_reset).toBeGreaterThanOrEqual(1);
      expect(await db.selectFrom('profiles').select('credits_used_today').where('id', '=', u).executeTakeFirstOrThrow()).toEqual({ credits_used_today: 0 });

      // Usage after the reset survives a second run the same day.
      await call(user(u), sql`select public.decrement_production_credits(${u}, 1)`);
      await call(user(u), sql`select public.increment_generation_usage(${u})`);
      const second = await call<{ r: { profiles_reset: number; generation_limits_reset: number } }>(service, sql`select public.reset_daily_limits() as r`);
      expect(second.rows[0]!.r).toEqual({ profiles_reset: 0, generation_limits_reset: 0 });
      expect(await db.selectFrom('profiles').select('credits_used_today').where('id', '=', u).executeTakeFirstOrThrow()).toEqual({ credits_used_today: 1 });
      expect(await db.selectFrom('generation_limits').select('generations_used_today').where('user_id', '=', u).executeTakeFirstOrThrow())
        .toEqual({ generations_used_today: 1 });
    });
  });

  describe('like counters', () => {
    it('are exact under concurrent likes and unlikes (tracks, versions, Nexus projects)', async () => {
      const users = await Promise.all(Array.from({ length: 50 }, () => newUser()));
      const trackId = await track({ is_public: true });
      const versionId = (await db.insertInto('track_versions').values({ parent_track_id: trackId, variant_index: 0, metadata: '{}' }).returning('id').executeTakeFirstOrThrow()).id;
      const projectId = (await db.insertInto('projects').values({ user_id: alice, title: 'p', is_public: true }).returning('id').executeTakeFirstOrThrow()).id;

      await Promise.all(users.map((u) => as(wide, user(u), async (trx) => {
        await trx.insertInto('track_likes').values({ user_id: u, track_id: trackId }).execute();
        await trx.insertInto('track_version_likes').values({ user_id: u, version_id: versionId }).execute();
        await trx.insertInto('project_likes').values({ user_id: u, project_id: projectId }).execute();
      })));
      await Promise.all(users.slice(0, 20).map((u) => as(wide, user(u), async (trx) => {
        await trx.deleteFrom('track_likes').where('user_id', '=', u).where('track_id', '=', trackId).execute();
        await trx.deleteFrom('track_version_likes').where('user_id', '=', u).where('version_id', '=', versionId).execute();
        await trx.deleteFrom('project_likes').where('user_id', '=', u).where('project_id', '=', projectId).execute();
      })));

      expect((await db.selectFrom('tracks').select('like_count').where('id', '=', trackId).executeTakeFirstOrThrow()).like_count).toBe(30);
      expect((await db.selectFrom('track_versions').select('like_count').where('id', '=', versionId).executeTakeFirstOrThrow()).like_count).toBe(30);
      expect((await db.selectFrom('projects').select('like_count').where('id', '=', projectId).executeTakeFirstOrThrow()).like_count).toBe(30);
    });

    it('is_version_liked answers only about versions the caller can see', async () => {
      const priv = await track({});
      const v = (await db.insertInto('track_versions').values({ parent_track_id: priv, variant_index: 0, metadata: '{}' }).returning('id').executeTakeFirstOrThrow()).id;
      await as(db, user(alice), (trx) => trx.insertInto('track_version_likes').values({ user_id: alice, version_id: v }).execute());
      const ask = (actor: Actor) => call<{ liked: boolean }>(actor, sql`select public.is_version_liked(${v}, ${alice}) as liked`);
      expect((await ask(user(alice))).rows[0]!.liked).toBe(true);
      expect((await ask(user(bob))).rows[0]!.liked).toBe(false);
      expect((await ask(anon)).rows[0]!.liked).toBe(false);
      expect((await call<{ liked: boolean }>(user(alice), sql`select public.is_version_liked(${v}, ${bob}) as liked`)).rows[0]!.liked).toBe(false);
    });
  });

  describe('set_master_version', () => {
    async function trackWithVersions() {
      const id = await track({ audio_url: 'a0', cover_url: 'c0', lyrics: 'l0', duration: 100 });
      const versions: string[] = [];
      for (let i = 0; i < 3; i++) {
        versions.push((await db.insertInto('track_versions')
          .values({ parent_track_id: id, variant_index: i, audio_url: `a${i}`, cover_url: i === 2 ? null : `c${i}`, lyrics: `l${i}`, duration: 100 + i, is_primary_variant: i === 0, metadata: '{}' })
          .returning('id').executeTakeFirstOrThrow()).id);
      }
      return { id, versions };
    }
    const primaries = async (id: string) =>
      (await db.selectFrom('track_versions').select('id').where('parent_track_id', '=', id).where('is_primary_variant', '=', true).execute()).map((r) => r.id);

    it('leaves exactly one primary and copies it to the track', async () => {
      const { id, versions } = await trackWithVersions();
      await call(user(alice), sql`select public.set_master_version(${id}, ${versions[2]})`);
      expect(await primaries(id)).toEqual([versions[2]]);
      const t2 = await db.selectFrom('tracks').select(['audio_url', 'cover_url', 'lyrics', 'duration']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(t2).toEqual({ audio_url: 'a2', cover_url: 'c0', lyrics: 'l2', duration: 102 }); // version 2 has no cover: the track keeps its own
      await call(user(alice), sql`select public.set_master_version(${id}, ${versions[2]})`); // idempotent
      expect(await primaries(id)).toEqual([versions[2]]);
    });

    it('is for the owner or the platform only, and checks the version belongs to the track', async () => {
      const { id, versions } = await trackWithVersions();
      const other = await trackWithVersions();
      for (const actor of [user(bob), user(mod), user(adm), anon]) {
        const err = await errorOf(call(actor, sql`select public.set_master_version(${id}, ${versions[1]})`));
        expect(['42501']).toContain(err.code);
      }
      expect(await primaries(id)).toEqual([versions[0]]);
      expect(await errorOf(call(user(alice), sql`select public.set_master_version(${id}, ${other.versions[1]})`))).toMatchObject({ code: 'P0002' });
      await call(service, sql`select public.set_master_version(${id}, ${versions[1]})`);
      expect(await primaries(id)).toEqual([versions[1]]);
    });

    it('keeps exactly one primary when calls race', async () => {
      const { id, versions } = await trackWithVersions();
      await Promise.all(Array.from({ length: 30 }, (_, i) =>
        as(wide, user(alice), (trx) => sql`select public.set_master_version(${id}, ${versions[i % 3]})`.execute(trx))));
      expect(await primaries(id)).toHaveLength(1);
    });
  });

  describe('archiving', () => {
    it('handle_track_archiving schedules old, completed, private-or-unplayed tracks once', async () => {
      const scheduled = async (id: string) => (await db.selectFrom('tracks').select('archive_scheduled_at').where('id', '=', id).executeTakeFirstOrThrow()).archive_scheduled_at;
      const old = await track({ status: 'completed', created_at: daysAgo(100) });
      const at = await scheduled(old);
      expect(at).not.toBeNull();
      expect(Math.abs(at!.getTime() - (Date.now() + 7 * 86_400_000))).toBeLessThan(60_000);
      // Later updates keep the date.
      await db.updateTable('tracks').set({ title: 'x' }).where('id', '=', old).execute();
      expect(await scheduled(old)).toEqual(at);
      // Made public and played: no longer a candidate, unscheduled.
      await db.updateTable('tracks').set({ is_public: true, play_count: 3 }).where('id', '=', old).execute();
      expect(await scheduled(old)).toBeNull();

      expect(await scheduled(await track({ status: 'completed' }))).toBeNull(); // young
      expect(await scheduled(await track({ status: 'failed', created_at: daysAgo(100) }))).toBeNull();
      expect(await scheduled(await track({ status: 'completed', created_at: daysAgo(100), is_public: true, play_count: 5 }))).toBeNull();
      expect(await scheduled(await track({ status: 'completed', created_at: daysAgo(100), archived_at: daysAgo(1) }))).toBeNull();
      // A generation that completes late gets scheduled by the update.
      const late = await track({ status: 'processing', created_at: daysAgo(120) });
      expect(await scheduled(late)).toBeNull();
      await db.updateTable('tracks').set({ status: 'completed' }).where('id', '=', late).execute();
      expect(await scheduled(late)).not.toBeNull();
    });

    it('get_tracks_needing_archiving picks completed, >90 days, unarchived, private or never played', async () => {
      const u = await newUser();
      const mk = (values: Record<string, unknown>) => db.insertInto('tracks').values({ user_id: u, prompt: 'p', status: 'completed', created_at: daysAgo(100), ...values } as never).returning('id').executeTakeFirstOrThrow().then((r) => r.id);
      const yes = [await mk({}), await mk({ is_public: true, play_count: 0 })];
      await mk({ is_public: true, play_count: 1 });
      await mk({ created_at: daysAgo(80) });
      await mk({ status: 'failed' });
      await mk({ archived_at: daysAgo(2) });

      const { rows } = await call<{ id: string; user_id: string }>(service, sql`select id, user_id from public.get_tracks_needing_archiving(10000)`);
      expect(rows.filter((r) => r.user_id === u).map((r) => r.id).sort()).toEqual(yes.sort());
      await expect(call(user(u), sql`select * from public.get_tracks_needing_archiving()`)).rejects.toMatchObject({ code: '42501' });

      await call(service, sql`select public.mark_track_archived(${yes[0]})`);
      const archived = await db.selectFrom('tracks').select(['archived_at', 'archived_to_storage']).where('id', '=', yes[0]!).executeTakeFirstOrThrow();
      expect(archived.archived_to_storage).toBe(true);
      expect(archived.archived_at).not.toBeNull();
      await expect(call(user(u), sql`select public.mark_track_archived(${yes[1]})`)).rejects.toMatchObject({ code: '42501' });

      const stats = await call<{ s: Record<string, unknown> }>(user(adm), sql`select public.get_analytics_archive_statistics() as s`);
      expect(stats.rows[0]!.s).toMatchObject({ archived_to_storage: expect.any(Number), needing_archiving: expect.any(Number) });
      await expect(call(user(u), sql`select public.get_analytics_archive_statistics()`)).rejects.toMatchObject({ code: '42501' });
    });
  });

  describe('track helpers', () => {
    it('increment_download_count counts downloads of visible tracks only, atomically', async () => {
      const pub = await track({ is_public: true });
      const priv = await track({});
      await Promise.all(Array.from({ length: 20 }, () => as(wide, anon, (trx) => sql`select public.increment_download_count(${pub})`.execute(trx))));
      expect((await db.selectFrom('tracks').select('download_count').where('id', '=', pub).executeTakeFirstOrThrow()).download_count).toBe(20);
      await expect(call(anon, sql`select public.increment_download_count(${priv})`)).rejects.toMatchObject({ code: 'P0002' });
      await expect(call(user(bob), sql`select public.increment_download_count(${priv})`)).rejects.toMatchObject({ code: 'P0002' });
      await call(user(alice), sql`select public.increment_download_count(${priv})`);
    });

    it('update_track_video_metadata merges video metadata for whoever may edit the track', async () => {
      const id = await track({ metadata: JSON.stringify({ keep: 1, video: { fps: 24 } }) });
      await call(user(alice), sql`select public.update_track_video_metadata(${id}, 'v.mp4', ${JSON.stringify({ width: 1280 })}::jsonb)`);
      const row = await db.selectFrom('tracks').select(['video_url', 'metadata']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toEqual({ video_url: 'v.mp4', metadata: { keep: 1, video: { fps: 24, width: 1280 } } });
      await expect(call(user(bob), sql`select public.update_track_video_metadata(${id}, 'x.mp4', '{}')`)).rejects.toMatchObject({ code: 'P0002' });
      await call(user(mod), sql`select public.update_track_video_metadata(${id}, 'm.mp4', '{}')`);
    });

    it('batch_increment_counter folds increments into named counters, for the platform only', async () => {
      await call(service, sql`select public.batch_increment_counter('plays', 5)`);
      await Promise.all(Array.from({ length: 10 }, () => as(wide, service, (trx) => sql`select public.batch_increment_counter('plays', 2)`.execute(trx))));
      expect(await db.selectFrom('counters').select('value').where('name', '=', 'plays').executeTakeFirstOrThrow()).toEqual({ value: 25 });
      await expect(call(user(alice), sql`select public.batch_increment_counter('plays', 1)`)).rejects.toMatchObject({ code: '42501' });
    });
  });

  describe('albums (music_projects)', () => {
    it('get_project_details and get_project_stats show what the caller may see', async () => {
      const album = (await db.insertInto('music_projects').values({ user_id: alice, name: 'LP', is_public: true }).returning('id').executeTakeFirstOrThrow()).id;
      const a = await track({ title: 'A', is_public: true, status: 'completed', duration_seconds: 60, like_count: 2, play_count: 10 });
      const b = await track({ title: 'B', status: 'completed', duration_seconds: 30, play_count: 1 });
      const c = await track({ title: 'C', is_public: true, project_id: album, duration: 15 }); // linked by tracks.project_id only
      await db.insertInto('project_tracks').values([{ project_id: album, track_id: b, position: 1 }, { project_id: album, track_id: a, position: 2 }]).execute();

      const details = async (actor: Actor) => (await call<{ d: { tracks: { title: string }[] } | null }>(actor, sql`select public.get_project_details(${album}) as d`)).rows[0]!.d;
      expect((await details(user(alice)))!.tracks.map((x) => x.title)).toEqual(['B', 'A']);
      expect((await details(anon))!.tracks.map((x) => x.title)).toEqual(['A']);

      const stats = async (actor: Actor) => (await call<{ s: unknown }>(actor, sql`select public.get_project_stats(${album}) as s`)).rows[0]!.s;
      expect(await stats(user(alice))).toEqual({ tracks_count: 3, completed_tracks: 2, total_duration_seconds: 105, total_likes: 2, total_plays: 11 });
      expect(await stats(anon)).toEqual({ tracks_count: 2, completed_tracks: 1, total_duration_seconds: 75, total_likes: 2, total_plays: 10 });

      await db.updateTable('music_projects').set({ is_public: false }).where('id', '=', album).execute();
      expect(await details(anon)).toBeNull();
      expect(await stats(user(bob))).toBeNull();

      // Deleting the album unlinks its tracks instead of deleting them.
      await db.deleteFrom('music_projects').where('id', '=', album).execute();
      expect(await db.selectFrom('tracks').select('project_id').where('id', '=', c).executeTakeFirstOrThrow()).toEqual({ project_id: null });
    });
  });

  describe('statistics', () => {
    it('user and Mureka stats are the user’s own (or an admin’s); site-wide analytics are admin-only', async () => {
      const u = await newUser();
      await db.insertInto('tracks').values([
        { user_id: u, prompt: 'p', provider: 'mureka', status: 'completed', genre: 'Jazz', duration_seconds: 10 },
        { user_id: u, prompt: 'p', provider: 'mureka', status: 'failed', genre: 'jazz' },
        { user_id: u, prompt: 'p', provider: 'suno', status: 'completed', genre: 'rock', is_public: true, play_count: 4 },
      ]).execute();
      const mureka = (await call<{ s: Record<string, unknown> }>(user(u), sql`select public.get_user_mureka_stats(${u}) as s`)).rows[0]!.s;
      expect(mureka).toMatchObject({ total_tracks: 2, completed_tracks: 1, failed_tracks: 1, total_duration_seconds: 10 });
      // Invoker: another user only counts what they can see (no private Mureka tracks).
      expect((await call<{ s: Record<string, unknown> }>(user(bob), sql`select public.get_user_mureka_stats(${u}) as s`)).rows[0]!.s)
        .toMatchObject({ total_tracks: 0 });

      const mine = (await call<{ s: Record<string, unknown> }>(user(u), sql`select public.get_analytics_user_stats(${u}) as s`)).rows[0]!.s;
      expect(mine).toMatchObject({ tracks_total: 3, tracks_completed: 2, tracks_public: 1, total_plays: 4, credits_remaining: 10 });
      await expect(call(user(bob), sql`select public.get_analytics_user_stats(${u})`)).rejects.toMatchObject({ code: '42501' });
      await call(user(adm), sql`select public.get_analytics_user_stats(${u})`);

      const genres = await call<{ genre: string; track_count: number }>(user(adm), sql`select * from public.get_analytics_top_genres(50)`);
      expect(genres.rows.find((g) => g.genre === 'jazz')?.track_count).toBeGreaterThanOrEqual(2);
      const daily = await call<{ day: Date; total: number }>(user(adm), sql`select * from public.get_analytics_generations_daily(7)`);
      expect(daily.rows).toHaveLength(7);
      expect(daily.rows[6]!.total).toBeGreaterThanOrEqual(3);
      for (const q of [sql`select * from public.get_analytics_top_genres()`, sql`select * from public.get_analytics_generations_daily()`]) {
        await expect(call(user(u), q)).rejects.toMatchObject({ code: '42501' });
      }
    });
  });

  describe('Studio Nexus usage metering', () => {
    it('track_resource_usage and check_usage_limit follow the tier limits', async () => {
      const u = await newUser(); // tier free: 5 ai_transformations a month
      const check = async (type: string) => (await call<{ ok: boolean }>(user(u), sql`select public.check_usage_limit(${u}, ${type}) as ok`)).rows[0]!.ok;
      for (let i = 0; i < 5; i++) {
        expect(await check('ai_transformations')).toBe(true);
        await call(user(u), sql`select public.track_resource_usage(${u}, 'ai_transformations')`);
      }
      expect(await check('ai_transformations')).toBe(false);
      expect(await check('unknown_resource')).toBe(true);
      await expect(call(user(bob), sql`select public.track_resource_usage(${u}, 'exports')`)).rejects.toMatchObject({ code: '42501' });
      await expect(call(user(u), sql`select public.track_resource_usage(${u}, 'exports', -5)`)).rejects.toMatchObject({ code: '22023' });
      await db.updateTable('profiles').set({ subscription_tier: 'pro' }).where('id', '=', u).execute();
      expect(await check('ai_transformations')).toBe(true);
      const usage = await db.selectFrom('usage_tracking').select(['billing_period']).where('user_id', '=', u).executeTakeFirstOrThrow();
      const now = new Date();
      expect([usage.billing_period.getFullYear(), usage.billing_period.getMonth(), usage.billing_period.getDate()]).toEqual([now.getUTCFullYear(), now.getUTCMonth(), 1]);
    });
  });

  describe('Studio Nexus collaboration', () => {
    it('viewers read, editors write, team admins manage; pending invitations grant nothing', async () => {
      const owner = await newUser();
      const [viewer, editor, teamAdmin, pending, outsider] = await Promise.all([newUser(), newUser(), newUser(), newUser(), newUser()]);
      const project = (await as(db, user(owner), (trx) => trx.insertInto('projects').values({ user_id: owner, title: 'demo' }).returning('id').executeTakeFirstOrThrow())).id;
      expect((await db.selectFrom('profiles').select('total_projects').where('id', '=', owner).executeTakeFirstOrThrow()).total_projects).toBe(1);
      await as(db, user(owner), (trx) => trx.insertInto('project_collaborators').values([
        { project_id: project, user_id: viewer, invited_by: owner, role: 'viewer' },
        { project_id: project, user_id: editor, invited_by: owner, role: 'editor' },
        { project_id: project, user_id: teamAdmin, invited_by: owner, role: 'admin' },
        { project_id: project, user_id: pending, invited_by: owner, role: 'editor' },
      ]).execute());
      // Invitees accept (only the status may change; accepted_at is stamped).
      for (const u of [viewer, editor, teamAdmin]) {
        await as(db, user(u), (trx) => trx.updateTable('project_collaborators').set({ status: 'accepted' }).where('project_id', '=', project).where('user_id', '=', u).execute());
      }
      expect(await db.selectFrom('project_collaborators').select('accepted_at').where('user_id', '=', viewer).executeTakeFirstOrThrow()).toEqual({ accepted_at: expect.any(Date) });
      await expect(as(db, user(viewer), (trx) => trx.updateTable('project_collaborators').set({ role: 'admin' }).where('user_id', '=', viewer).execute()))
        .rejects.toMatchObject({ code: '42501' });

      const sees = async (u: string) => (await as(db, user(u), (trx) => trx.selectFrom('projects').select('id').where('id', '=', project).execute())).length === 1;
      const edits = async (u: string) => Number((await as(db, user(u), (trx) => trx.updateTable('projects').set({ description: u }).where('id', '=', project).executeTakeFirst())).numUpdatedRows) === 1;
      expect(await Promise.all([viewer, editor, teamAdmin, pending, outsider].map(sees))).toEqual([true, true, true, false, false]);
      expect(await Promise.all([viewer, editor, teamAdmin, pending, outsider].map(edits))).toEqual([false, true, true, false, false]);

      // Versions: editors add, team admins delete.
      const addVersion = (u: string, n: number) => as(db, user(u), (trx) => trx.insertInto('project_versions').values({ project_id: project, version_number: n, title: `v${n}` }).returning('id').executeTakeFirstOrThrow());
      await expect(addVersion(viewer, 1)).rejects.toMatchObject({ code: '42501' });
      const v1 = await addVersion(editor, 1);
      const del = async (u: string) => Number((await as(db, user(u), (trx) => trx.deleteFrom('project_versions').where('id', '=', v1.id).executeTakeFirst())).numDeletedRows);
      expect(await del(editor)).toBe(0);
      expect(await del(teamAdmin)).toBe(1);

      // Transformations: editors run them on the project, the team sees them, viewers cannot run them.
      await as(db, user(editor), (trx) => trx.insertInto('ai_transformations').values({ project_id: project, user_id: editor, transformation_type: 'jazz', input_audio_path: 'x' }).execute());
      await expect(as(db, user(viewer), (trx) => trx.insertInto('ai_transformations').values({ project_id: project, user_id: viewer, transformation_type: 'jazz', input_audio_path: 'x' }).execute()))
        .rejects.toMatchObject({ code: '42501' });
      expect(await as(db, user(viewer), (trx) => trx.selectFrom('ai_transformations').select('id').where('project_id', '=', project).execute())).toHaveLength(1);
      expect((await db.selectFrom('profiles').select('total_transformations').where('id', '=', editor).executeTakeFirstOrThrow()).total_transformations).toBe(1);

      // Managing the team: team admins yes, editors no; nobody but the owner gives the project away.
      const invite = (u: string, who: string) => as(db, user(u), (trx) => trx.insertInto('project_collaborators').values({ project_id: project, user_id: who, invited_by: u }).execute());
      await expect(invite(editor, outsider)).rejects.toMatchObject({ code: '42501' });
      await invite(teamAdmin, outsider);
      await expect(as(db, user(teamAdmin), (trx) => trx.updateTable('projects').set({ user_id: teamAdmin }).where('id', '=', project).execute()))
        .rejects.toMatchObject({ code: '42501' });
      // The team sees the team; outsiders do not see the project at all.
      expect(await as(db, user(viewer), (trx) => trx.selectFrom('project_collaborators').select('user_id').where('project_id', '=', project).execute())).toHaveLength(5);
      expect(await as(db, user(outsider), (trx) => trx.selectFrom('project_collaborators').select('user_id').where('project_id', '=', project).execute()))
        .toEqual([{ user_id: outsider }]);

      await as(db, user(owner), (trx) => trx.deleteFrom('projects').where('id', '=', project).execute());
      expect((await db.selectFrom('profiles').select('total_projects').where('id', '=', owner).executeTakeFirstOrThrow()).total_projects).toBe(0);
    });
  });

  describe('analytics_events partitions', () => {
    it('creates monthly partitions ahead, idempotently, and moves stray rows out of the default partition', async () => {
      const parts = async () => (await sql<{ name: string }>`
        select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
         where i.inhparent = 'public.analytics_events'::regclass order by 1`.execute(db)).rows.map((r) => r.name);
      const before = await parts();
      expect(before).toContain('analytics_events_default');
      expect(before.filter((n) => /_y\d{4}m\d{2}$/.test(n)).length).toBeGreaterThanOrEqual(4);
      expect((await call<{ p: string }>(service, sql`select public.ensure_analytics_partitions(3) as p`)).rows).toEqual([]);
      await expect(call(user(alice), sql`select public.ensure_analytics_partitions(3)`)).rejects.toMatchObject({ code: '42501' });

      // An event 8 months ahead lands in the default partition until its month is created.
      const future = new Date();
      future.setUTCMonth(future.getUTCMonth() + 8, 15);
      await db.insertInto('analytics_events').values({ user_id: alice, event_type: 'page_view', created_at: future }).execute();
      const name = `analytics_events_y${future.getUTCFullYear()}m${String(future.getUTCMonth() + 1).padStart(2, '0')}`;
      const created = (await call<{ p: string }>(service, sql`select public.ensure_analytics_partitions(9) as p`)).rows.map((r) => r.p);
      expect(created).toContain(name);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(name)}`.execute(db);
      expect(rows[0]!.n).toBe(1);
      expect((await sql<{ n: number }>`select count(*)::int as n from public.analytics_events_default`.execute(db)).rows[0]!.n).toBe(0);
      // New partitions are locked down like the first ones.
      await expect(call(user(alice), sql`select * from ${sql.table(name)}`)).rejects.toMatchObject({ code: '42501' });
      expect((await call<{ id: string }>(user(alice), sql`select id from public.analytics_events where created_at = ${future}`)).rows).toHaveLength(1);
    });

    it('lets anonymous visitors record events without a user, but read none', async () => {
      await as(db, anon, (trx) => trx.insertInto('analytics_events').values({ event_type: 'page_view', page_url: '/' }).execute());
      expect(await as(db, anon, (trx) => trx.selectFrom('analytics_events').select('id').execute())).toEqual([]);
      await expect(as(db, anon, (trx) => sql`select id from public.analytics_events_default`.execute(trx))).rejects.toMatchObject({ code: '42501' });
    });
  });

  describe('views', () => {
    it('prompt_statistics aggregates the caller’s prompt history with the tracks made from it', async () => {
      const u = await newUser();
      const ph = await db.insertInto('prompt_history').values([
        { user_id: u, prompt: 'lofi beats', genre: 'lofi', generation_status: 'success', generation_time_ms: 1000, usage_count: 2 },
        { user_id: u, prompt: 'lofi beats', genre: 'lofi', generation_status: 'failed', generation_time_ms: 3000 },
      ]).returning('id').execute();
      await db.insertInto('tracks').values({ user_id: u, prompt: 'lofi beats', source_prompt_id: ph[0]!.id, status: 'completed' }).execute();
      const rows = await as(db, user(u), (trx) => trx.selectFrom('prompt_statistics').selectAll().execute());
      expect(rows).toEqual([expect.objectContaining({
        prompt: 'lofi beats', genre: 'lofi', usage_count: 3, success_count: 1, failure_count: 1, track_count: 1, completed_track_count: 1, avg_generation_time_ms: 2000,
      })]);
      expect(await as(db, user(bob), (trx) => trx.selectFrom('prompt_statistics').selectAll().where('user_id', '=', u).execute())).toEqual([]);
    });

    it('tracks_with_timestamped_lyrics lists tracks with a lyrics timeline, as tracks RLS allows', async () => {
      const lines = [{ start: 0, end: 2.5, text: 'I woke up this morning' }];
      const priv = await track({ metadata: JSON.stringify({ timestamped_lyrics: lines }) });
      const pub = await track({ is_public: true, metadata: JSON.stringify({ timestamped_lyrics: lines }) });
      await track({ is_public: true, metadata: JSON.stringify({ other: 1 }) });
      const visible = async (actor: Actor) => (await as(db, actor, (trx) => trx.selectFrom('tracks_with_timestamped_lyrics').select(['id', 'timestamped_lyrics', 'has_timestamped_lyrics']).where('id', 'in', [priv, pub]).execute()));
      expect((await visible(user(alice))).map((r) => r.id).sort()).toEqual([priv, pub].sort());
      expect(await visible(anon)).toEqual([{ id: pub, timestamped_lyrics: lines, has_timestamped_lyrics: true }]);
    });
  });
});

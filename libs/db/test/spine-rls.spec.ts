import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { asAnon, asUser, JobsRepository, runMigrations, TracksRepository, UsersRepository } from '@muse/db';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';

describe('platform spine schema', () => {
  let t: TestDatabase;
  const users = new UsersRepository();
  const tracks = new TracksRepository();
  const jobs = new JobsRepository();
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    alice = (await users.create(t.db, { email: 'alice@example.com', passwordHash: 'x' }))!.id;
    bob = (await users.create(t.db, { email: 'bob@example.com', passwordHash: 'x' }))!.id;
  });
  afterAll(() => t.drop());

  it('re-running migrations applies nothing', async () => {
    const result = await runMigrations(t.url);
    expect(result.applied).toEqual([]);
    expect(result.skipped.length).toBeGreaterThan(0);
  });

  it('creates a profile with the free plan on signup and refuses a duplicate email', async () => {
    const profile = await t.db.selectFrom('profiles').selectAll().where('id', '=', alice).executeTakeFirstOrThrow();
    expect(profile.subscription_plan).toBe('free');
    expect(profile.credits_remaining).toBe(10);
    expect(profile.username).toMatch(/^alice_/);
    expect(await users.create(t.db, { email: 'ALICE@example.com', passwordHash: 'y' })).toBeNull();
  });

  it('keeps private tracks and jobs to their owner, and public tracks readable by all', async () => {
    const priv = await asUser(t.db, { userId: alice }, (trx) => tracks.insert(trx, { user_id: alice, prompt: 'secret' }));
    const pub = await asUser(t.db, { userId: alice }, (trx) => tracks.insert(trx, { user_id: alice, prompt: 'open', is_public: true }));
    const job = await asUser(t.db, { userId: alice }, (trx) => jobs.insert(trx, { user_id: alice, kind: 'generation', queue_name: 'generation', job_name: 'generation.run', payload: '{}' }));

    expect(await asUser(t.db, { userId: bob }, (trx) => tracks.findById(trx, priv.id))).toBeUndefined();
    expect(await asUser(t.db, { userId: bob }, (trx) => jobs.findById(trx, job.id))).toBeUndefined();
    expect((await asUser(t.db, { userId: bob }, (trx) => tracks.findById(trx, pub.id)))?.id).toBe(pub.id);
    expect((await asAnon(t.db, (trx) => tracks.findById(trx, pub.id)))?.id).toBe(pub.id);
    expect(await asAnon(t.db, (trx) => tracks.findById(trx, priv.id))).toBeUndefined();

    // Bob can neither write rows in Alice's name nor touch hers.
    await expect(asUser(t.db, { userId: bob }, (trx) => tracks.insert(trx, { user_id: alice, prompt: 'forged' }))).rejects.toThrow(/row-level security/);
    const updated = await asUser(t.db, { userId: bob }, (trx) =>
      trx.updateTable('tracks').set({ title: 'pwned' }).where('id', '=', pub.id).executeTakeFirst(),
    );
    expect(Number(updated.numUpdatedRows)).toBe(0);
  });

  it('writes exactly one outbox row with every job, which users can neither read nor write', async () => {
    const job = await asUser(t.db, { userId: alice }, (trx) => jobs.insert(trx, { user_id: alice, kind: 'generation', queue_name: 'generation', job_name: 'generation.run', correlation_id: 'c-1', payload: '{}' }));
    const rows = await t.db.selectFrom('outbox').selectAll().where('queue_job_id', '=', job.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ queue_name: 'generation', job_name: 'generation.run', payload: { jobId: job.id, userId: alice, correlationId: 'c-1' }, published_at: null });
    expect(await asUser(t.db, { userId: alice }, (trx) => trx.selectFrom('outbox').selectAll().execute())).toEqual([]);
    await expect(
      asUser(t.db, { userId: alice }, (trx) => trx.insertInto('outbox').values({ queue_name: 'generation', job_name: 'generation.run', queue_job_id: 'x', payload: '{}' }).execute()),
    ).rejects.toThrow(/row-level security/);
    // A job cannot be filed in someone else's name, so neither can its outbox row.
    await expect(asUser(t.db, { userId: bob }, (trx) => jobs.insert(trx, { user_id: alice, kind: 'generation', queue_name: 'generation', job_name: 'generation.run', payload: '{}' }))).rejects.toThrow(/row-level security/);
  });

  it('allows exactly one primary version per track', async () => {
    const track = await tracks.insert(t.db, { user_id: alice, prompt: 'x' });
    await t.db.insertInto('track_versions').values({ parent_track_id: track.id, variant_index: 0, is_primary_variant: true, metadata: '{}' }).execute();
    await expect(
      t.db.insertInto('track_versions').values({ parent_track_id: track.id, variant_index: 1, is_primary_variant: true, metadata: '{}' }).execute(),
    ).rejects.toThrow(/track_versions_one_primary/);
  });
});

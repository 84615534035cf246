import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobsRepository, UsersRepository } from '@muse/db';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';

/** unclaim(): the attempt a claim took is given back, only for a job still running and not submitted. */
describe('jobs: unclaim', () => {
  let t: TestDatabase;
  let userId: string;
  const jobs = new JobsRepository();

  beforeAll(async () => {
    t = await createTestDatabase();
    userId = (await new UsersRepository().create(t.db, { email: 'unclaim@example.com', passwordHash: 'x' }))!.id;
  });
  afterAll(() => t.drop());

  const newJob = async () => (await jobs.insert(t.db, { user_id: userId, kind: 'generation', queue_name: 'generation', job_name: 'generation.run', provider: 'suno', correlation_id: 'test', payload: '{}' })).id;

  it('a first claim given back leaves the job pending with no attempt used, and it can be claimed again', async () => {
    const id = await newJob();
    expect(await jobs.claim(t.db, id)).toMatchObject({ status: 'processing', attempts: 1 });
    expect(await jobs.unclaim(t.db, id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await jobs.claim(t.db, id)).toMatchObject({ status: 'processing', attempts: 1 });
  });

  it('a job between attempts (one failed) waits pending with the failed attempt still counted', async () => {
    const id = await newJob();
    await jobs.claim(t.db, id);
    await jobs.fail(t.db, id, { code: 'provider-unavailable', message: 'HTTP 503' }, false);
    expect(await jobs.claim(t.db, id)).toMatchObject({ attempts: 2 });
    expect(await jobs.unclaim(t.db, id)).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('a job the user retried waits pending, not processing, when its claim is given back', async () => {
    const id = await newJob();
    await jobs.claim(t.db, id);
    await jobs.fail(t.db, id, { code: 'provider-unavailable', message: 'HTTP 503' }, true);
    expect(await jobs.retry(t.db, id)).toMatchObject({ status: 'pending', attempts: 1 });
    await jobs.claim(t.db, id);
    expect(await jobs.unclaim(t.db, id)).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('changes nothing for a job that is submitted, cancelled or not claimed', async () => {
    const submitted = await newJob();
    await jobs.claim(t.db, submitted);
    await t.db.updateTable('jobs').set({ provider_task_id: 'task-1' }).where('id', '=', submitted).execute();
    expect(await jobs.unclaim(t.db, submitted)).toBeUndefined();
    expect(await jobs.findById(t.db, submitted)).toMatchObject({ status: 'processing', attempts: 1 });

    const cancelled = await newJob();
    await jobs.claim(t.db, cancelled);
    await jobs.cancel(t.db, cancelled);
    expect(await jobs.unclaim(t.db, cancelled)).toBeUndefined();
    expect(await jobs.findById(t.db, cancelled)).toMatchObject({ status: 'cancelled', attempts: 1 });

    const pending = await newJob();
    expect(await jobs.unclaim(t.db, pending)).toBeUndefined();
    expect(await jobs.findById(t.db, pending)).toMatchObject({ status: 'pending', attempts: 0 });
  });
});

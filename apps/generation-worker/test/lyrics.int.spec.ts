import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { countSyllables } from '@muse/audio-engine';
import { LyricsWriterService } from '../src/lyrics/lyrics.service.js';
import { StudioPlatform, type User } from './studio-harness.js';

describe('lyrics over HTTP (local writer)', () => {
  const p = new StudioPlatform();
  let alice: User;

  beforeAll(async () => {
    await p.start();
    alice = await p.signup('lyrics-alice@example.com');
  }, 60_000);
  afterAll(() => p.stop());

  it('writes variants in sections with metre and rhyme, stores them and logs them', async () => {
    const res = await p.call('POST', '/v1/lyrics', { token: alice.token, body: { prompt: 'a sunny reggae song about the sea and summer', variants: 3, seed: 5 } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'lyrics', provider: 'local', resource: { type: 'lyrics_job' } });
    const done = await p.settled(alice, res.body.id);
    expect(done).toMatchObject({ status: 'completed', result: { writer: 'muse-local-lyrics-writer' } });
    expect(done.result.variants).toHaveLength(3);
    const variants = await p.t.db.selectFrom('lyrics_variants').selectAll().where('job_id', '=', res.body.resource.id).orderBy('variant_index').execute();
    expect(variants.map((v) => [v.variant_index, v.status])).toEqual([[0, 'completed'], [1, 'completed'], [2, 'completed']]);
    expect(new Set(variants.map((v) => v.content)).size).toBe(3);
    for (const v of variants) {
      expect(v.content).toContain('[Verse 1]');
      expect(v.content).toContain('[Chorus]');
      expect(v.content!.toLowerCase()).toContain('sea');
      const verse = v.content!.split('[Verse 1]\n')[1]!.split('\n\n')[0]!.split('\n');
      expect(verse.map(countSyllables)).toEqual([8, 8, 8, 8]);
    }
    const job = await p.t.db.selectFrom('lyrics_jobs').selectAll().where('id', '=', res.body.resource.id).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'completed', provider: 'local', user_id: alice.id });
    expect(job.metadata).toMatchObject({ writer: 'muse-local-lyrics-writer', theme_words: ['sunny', 'sea', 'summer'] });
    const log = await p.t.db.selectFrom('lyrics_generation_log').selectAll().where('user_id', '=', alice.id).execute();
    expect(log.filter((l) => l.status === 'success')).toHaveLength(3);
  });

  it('extends base lyrics', async () => {
    const base = '[Verse]\nWalking down the empty street tonight\nEvery window holds a little light';
    const res = await p.call('POST', '/v1/lyrics', { token: alice.token, body: { prompt: 'city lights', base_lyrics: base, is_extension: true, variants: 1 } });
    expect(res.status).toBe(202);
    const done = await p.settled(alice, res.body.id);
    expect(done.status).toBe('completed');
    expect(done.result.variants[0].content.startsWith(base)).toBe(true);
    expect(done.result.variants[0].content).toContain('[Verse 2]');
  });

  it('settles the lyrics row of a cancelled job instead of leaving it pending, and writes nothing', async () => {
    const row = await p.t.db.insertInto('lyrics_jobs').values({ user_id: alice.id, prompt: 'never written', provider: 'local', metadata: '{}' }).returning('id').executeTakeFirstOrThrow();
    const job = await p.t.db
      .insertInto('jobs')
      .values({ user_id: alice.id, kind: 'lyrics', queue_name: 'generation', job_name: 'lyrics.run', provider: 'local', resource_type: 'lyrics_job', resource_id: row.id, correlation_id: 'test', payload: '{}', status: 'cancelled' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const service = p.worker.app.get(LyricsWriterService);
    expect(await service.run({ jobId: job.id, userId: alice.id, correlationId: 'late delivery' })).toBeUndefined();
    const after = await p.t.db.selectFrom('lyrics_jobs').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ status: 'failed', error_message: 'the job was cancelled' });
    expect(await p.t.db.selectFrom('lyrics_variants').selectAll().where('job_id', '=', row.id).execute()).toHaveLength(0);
    expect((await p.t.db.selectFrom('jobs').select('status').where('id', '=', job.id).executeTakeFirstOrThrow()).status).toBe('cancelled');
  });

  it('answers a provider that is not configured with 422 and bad bodies with 400, creating nothing', async () => {
    const before = { jobs: await p.count('jobs'), lyrics: await p.count('lyrics_jobs'), outbox: await p.count('outbox') };
    const suno = await p.call('POST', '/v1/lyrics', { token: alice.token, body: { prompt: 'x', provider: 'suno' } });
    expect(suno.status).toBe(422);
    expect(suno.body).toMatchObject({ detail: "provider 'suno' is not configured on this platform" });
    expect((await p.call('POST', '/v1/lyrics', { token: alice.token, body: { prompt: '' } })).status).toBe(400);
    expect((await p.call('POST', '/v1/lyrics', { token: alice.token, body: { prompt: 'x', variants: 9 } })).status).toBe(400);
    expect((await p.call('POST', '/v1/lyrics', { token: alice.token, body: { prompt: 'x', is_extension: true } })).status).toBe(400);
    expect((await p.call('POST', '/v1/lyrics', { token: alice.token, body: { prompt: 'x', provider: 'chatgpt' } })).status).toBe(400);
    expect((await p.call('POST', '/v1/lyrics', { token: alice.token, body: { prompt: 'x', tone: 'sad' } })).status).toBe(400);
    expect({ jobs: await p.count('jobs'), lyrics: await p.count('lyrics_jobs'), outbox: await p.count('outbox') }).toEqual(before);
  });
});

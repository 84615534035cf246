import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { nonSnakeCaseKeys } from '@muse/contracts';
import { AccountsRepository, Bucket, stemObjectKey, trackObjectKey, type Database } from '@muse/db';
import { loadConfig, type WorkerService } from '@muse/platform';
import { StorageService } from '@muse/storage';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { GatewayConfig } from '../src/config.js';
import { ArchiverConfig, startArchiver } from '../../archiver/src/bootstrap.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { serviceEnv, waitFor } from '../../../test/support/env.js';

interface User {
  token: string;
  id: string;
}

/**
 * Tracks as a product (issue 14 A) and the reads of every job kind's result, through HTTP against the
 * real Postgres (RLS as the caller), Redis and S3; deletion purges objects through the real archiver.
 */
describe('tracks API', () => {
  let t: TestDatabase;
  let db: Database;
  let storage: StorageService;
  let gateway: Gateway;
  let archiver: WorkerService;
  let base: string;
  let alice: User;
  let bob: User;
  /** Every JSON body the gateway answered in this file: checked for camelCase keys at the end. */
  const bodies: unknown[] = [];

  const call = async (method: string, path: string, user?: User, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(user ? { authorization: `Bearer ${user.token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : null;
    if (parsed !== null && path.startsWith('/v1/')) bodies.push(parsed);
    return { status: res.status, body: parsed, type: res.headers.get('content-type') ?? '' };
  };
  const signup = async (email: string): Promise<User> => {
    const res = await call('POST', '/v1/auth/signup', undefined, { email, password: 'correct horse battery' });
    expect(res.status).toBe(201);
    return { token: res.body.access_token, id: res.body.user.id };
  };

  /** What the generation worker leaves: a completed track, two versions, their objects and a stem. */
  const makeTrack = async (owner: User, opts: { title?: string; isPublic?: boolean; genre?: string; prompt?: string; createdAt?: string } = {}) => {
    const row = await db
      .insertInto('tracks')
      .values({ user_id: owner.id, prompt: opts.prompt ?? 'a song', title: opts.title ?? 'Song', genre: opts.genre ?? null, ...(opts.createdAt ? { created_at: opts.createdAt } : {}) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = row.id;
    const files: Array<{ bucket: (typeof Bucket)[keyof typeof Bucket]; key: string; bytes: Buffer }> = [];
    const url = async (bucket: (typeof Bucket)[keyof typeof Bucket], key: string, type: string) => {
      const bytes = randomBytes(512);
      files.push({ bucket, key, bytes });
      return (await storage.put(bucket, key, bytes, type)).url;
    };
    const v = [];
    for (const variant of [0, 1]) {
      v.push({ audio: await url(Bucket.Tracks, trackObjectKey(owner.id, id, 'audio.mp3', variant), 'audio/mpeg'), cover: await url(Bucket.Tracks, trackObjectKey(owner.id, id, 'cover.jpg', variant), 'image/jpeg') });
    }
    const versions = await db
      .insertInto('track_versions')
      .values(v.map((x, i) => ({ parent_track_id: id, variant_index: i, audio_url: x.audio, cover_url: x.cover, duration: 30 + i, is_primary_variant: i === 0, metadata: JSON.stringify({ engine: { tempoBpm: 120, keySignature: 'C' } }) })))
      .returning(['id', 'variant_index'])
      .execute();
    const stemId = crypto.randomUUID();
    await db.insertInto('track_stems').values({ id: stemId, track_id: id, version_id: versions[0]!.id, stem_type: 'vocals', separation_mode: 'local', audio_url: await url(Bucket.Stems, stemObjectKey(id, stemId, 'vocals'), 'audio/mpeg') }).execute();
    await db.updateTable('tracks').set({ status: 'completed', audio_url: v[0]!.audio, cover_url: v[0]!.cover, is_public: opts.isPublic ?? false }).where('id', '=', id).execute();
    return { id, versions: versions.sort((a, b) => a.variant_index - b.variant_index).map((x) => x.id), files };
  };
  const trackRow = (id: string) => db.selectFrom('tracks').selectAll().where('id', '=', id).executeTakeFirst();

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
    const env = serviceEnv(t.url, { ARCHIVER_SCHEDULES: 'false', OUTBOX_POLL_MS: '200' });
    const config = loadConfig(ArchiverConfig, env);
    storage = new StorageService({ endpoint: config.S3_ENDPOINT, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.ensureBuckets();
    archiver = await startArchiver(config, { listen: false });
    gateway = await createGateway(loadConfig(GatewayConfig, env));
    await gateway.app.listen(0, '127.0.0.1');
    base = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
    alice = await signup('alice@example.com');
    bob = await signup('bob@example.com');
    await new AccountsRepository().setPlan(db, alice.id, 'pro'); // WAV exports need a plan with the `wav` feature
  });
  afterAll(async () => {
    await archiver?.close();
    await gateway?.close();
    storage?.destroy();
    await t?.drop();
  });

  it('lists own tracks, or public ones; filters by status, genre, album and words; 401 without a token', async () => {
    const a1 = await makeTrack(alice, { title: 'Sea Breeze', genre: 'Reggae', prompt: 'sunny reggae about the sea' });
    const a2 = await makeTrack(alice, { title: 'Night Drive', genre: 'Synthwave', isPublic: true });
    const b1 = await makeTrack(bob, { title: 'Bob Public', isPublic: true, genre: 'reggae' });
    await makeTrack(bob, { title: 'Bob Private' });
    const pending = await db.insertInto('tracks').values({ user_id: alice.id, prompt: 'not yet', title: 'Pending one' }).returning('id').executeTakeFirstOrThrow();

    const own = await call('GET', '/v1/tracks', alice);
    expect(own.status).toBe(200);
    expect(own.body.data.map((x: { id: string }) => x.id)).toEqual([pending.id, a2.id, a1.id]);
    expect(own.body.next_cursor).toBeNull();

    const pub = await call('GET', '/v1/tracks?public=true', alice);
    expect(pub.body.data.map((x: { id: string }) => x.id)).toEqual([b1.id, a2.id]);
    expect((await call('GET', '/v1/tracks?status=pending', alice)).body.data.map((x: { id: string }) => x.id)).toEqual([pending.id]);
    expect((await call('GET', '/v1/tracks?public=true&genre=REGGAE', bob)).body.data.map((x: { id: string }) => x.id)).toEqual([b1.id]);
    expect((await call('GET', '/v1/tracks?q=SEA', alice)).body.data.map((x: { id: string }) => x.id)).toEqual([a1.id]);
    expect((await call('GET', `/v1/tracks?q=${encodeURIComponent('100%_')}`, alice)).body.data).toEqual([]);

    const album = await db.insertInto('music_projects').values({ user_id: alice.id, name: 'LP' }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('project_tracks').values({ project_id: album.id, track_id: a1.id, position: 0 }).execute();
    expect((await call('GET', `/v1/tracks?project_id=${album.id}`, alice)).body.data.map((x: { id: string }) => x.id)).toEqual([a1.id]);

    const anon = await call('GET', '/v1/tracks');
    expect(anon.status).toBe(401);
    expect(anon.type).toContain('application/problem+json');
    for (const bad of ['limit=0', 'limit=101', 'status=done', 'project_id=nope', 'cursor=garbage', 'colour=red']) {
      const res = await call('GET', `/v1/tracks?${bad}`, alice);
      expect([bad, res.status]).toEqual([bad, 400]);
      expect(res.type).toContain('application/problem+json');
    }
  });

  it('pages with a cursor that is stable under inserts, also for rows created in the same millisecond', async () => {
    const carol = await signup('carol@example.com');
    // 25 tracks whose created_at differ by microseconds only: a millisecond cursor would skip most of them.
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const row = await db.insertInto('tracks').values({ user_id: carol.id, prompt: `p${i}`, created_at: sql`'2026-01-01T00:00:00.000Z'::timestamptz + make_interval(secs => ${i} / 1000000.0)` as never }).returning('id').executeTakeFirstOrThrow();
      ids.push(row.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await call('GET', `/v1/tracks?limit=7${cursor ? `&cursor=${cursor}` : ''}`, carol);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((x: { id: string }) => x.id));
      cursor = res.body.next_cursor;
      // New tracks arrive between pages: they are newer than the cursor and never shift later pages.
      await db.insertInto('tracks').values({ user_id: carol.id, prompt: 'new' }).execute();
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toEqual([...ids].reverse());
  });

  it('GET/PATCH a track: owner edits the API.md fields only; others get 404; bad input changes nothing', async () => {
    const a = await makeTrack(alice, { title: 'Draft' });
    expect((await call('GET', `/v1/tracks/${a.id}`, bob)).status).toBe(404);
    expect((await call('GET', `/v1/tracks/${a.id}`)).status).toBe(401);
    expect((await call('GET', '/v1/tracks/not-a-uuid', alice)).status).toBe(404);

    const ok = await call('PATCH', `/v1/tracks/${a.id}`, alice, { title: 'Final', is_public: true, genre: 'Jazz', mood: 'calm', style_tags: ['smooth', 'late night'], lyrics: 'la la' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: a.id, title: 'Final', is_public: true, genre: 'Jazz', mood: 'calm', style_tags: ['smooth', 'late night'], lyrics: 'la la' });

    const before = await trackRow(a.id);
    for (const body of [{ play_count: 1000 }, { title: 'x', audio_url: 'http://evil' }, {}, { title: '' }, { is_public: 'yes' }, { style_tags: 'a' }]) {
      const res = await call('PATCH', `/v1/tracks/${a.id}`, alice, body);
      expect(res.status).toBe(400);
      expect(res.type).toContain('application/problem+json');
    }
    // Public now, but still not Bob's to change.
    expect((await call('PATCH', `/v1/tracks/${a.id}`, bob, { title: 'Mine' })).status).toBe(404);
    expect(await trackRow(a.id)).toEqual(before);
    expect((await call('GET', `/v1/tracks/${a.id}`, bob)).status).toBe(200);
  });

  it('chooses the master version: the track follows its audio and cover; only the owner', async () => {
    const a = await makeTrack(alice);
    const other = await makeTrack(alice);
    expect((await call('POST', `/v1/tracks/${a.id}/versions/${a.versions[1]}/master`, bob)).status).toBe(404);
    expect((await call('POST', `/v1/tracks/${a.id}/versions/${other.versions[1]}/master`, alice)).status).toBe(404);
    expect((await call('POST', `/v1/tracks/${a.id}/versions/${a.versions[1]}/master`, alice, { x: 1 })).status).toBe(400);
    const res = await call('POST', `/v1/tracks/${a.id}/versions/${a.versions[1]}/master`, alice);
    expect(res.status).toBe(200);
    const v1 = await db.selectFrom('track_versions').selectAll().where('id', '=', a.versions[1]!).executeTakeFirstOrThrow();
    expect(res.body).toMatchObject({ audio_url: v1.audio_url, cover_url: v1.cover_url, duration: 31 });
    const versions = await call('GET', `/v1/tracks/${a.id}/versions`, alice);
    expect(versions.body.data.map((v: { is_primary_variant: boolean }) => v.is_primary_variant)).toEqual([false, true]);
    // Engine parameters in version metadata come out snake_case.
    expect(versions.body.data[0].metadata).toEqual({ engine: { tempo_bpm: 120, key_signature: 'C' } });
  });

  it('likes tracks and versions idempotently; a public track of another user can be liked, a private one is 404', async () => {
    const pub = await makeTrack(alice, { isPublic: true });
    const priv = await makeTrack(alice);
    for (let i = 0; i < 2; i++) expect((await call('PUT', `/v1/tracks/${pub.id}/like`, bob)).body).toEqual({ track_id: pub.id, liked: true, like_count: 1 });
    expect((await call('PUT', `/v1/tracks/${pub.id}/like`, alice)).body.like_count).toBe(2);
    for (let i = 0; i < 2; i++) expect((await call('DELETE', `/v1/tracks/${pub.id}/like`, bob)).body).toEqual({ track_id: pub.id, liked: false, like_count: 1 });
    expect((await call('PUT', `/v1/tracks/${priv.id}/like`, bob)).status).toBe(404);
    expect((await call('PUT', `/v1/tracks/${pub.id}/like`)).status).toBe(401);

    // Concurrent likes from one user: still one like.
    await Promise.all(Array.from({ length: 5 }, () => call('PUT', `/v1/versions/${pub.versions[1]}/like`, bob)));
    expect((await call('PUT', `/v1/versions/${pub.versions[1]}/like`, bob)).body).toEqual({ version_id: pub.versions[1], track_id: pub.id, liked: true, like_count: 1 });
    expect((await call('DELETE', `/v1/versions/${pub.versions[1]}/like`, bob)).body.like_count).toBe(0);
    expect((await call('PUT', `/v1/versions/${priv.versions[0]}/like`, bob)).status).toBe(404);
    expect((await trackRow(priv.id))!.like_count).toBe(0);
  });

  it('counts plays once per user within the debounce window', async () => {
    const pub = await makeTrack(alice, { isPublic: true });
    const first = await call('POST', `/v1/tracks/${pub.id}/play`, bob);
    expect(first.body).toEqual({ track_id: pub.id, counted: true, play_count: 1 });
    const replays = await Promise.all(Array.from({ length: 5 }, () => call('POST', `/v1/tracks/${pub.id}/play`, bob)));
    expect(replays.every((r) => r.status === 200 && r.body.counted === false)).toBe(true);
    expect((await call('POST', `/v1/tracks/${pub.id}/play`, alice)).body).toEqual({ track_id: pub.id, counted: true, play_count: 2 });
    expect((await trackRow(pub.id))!.play_count).toBe(2);
    const priv = await makeTrack(alice);
    expect((await call('POST', `/v1/tracks/${priv.id}/play`, bob)).status).toBe(404);
    expect((await call('POST', `/v1/tracks/${priv.id}/play`)).status).toBe(401);
    expect((await trackRow(priv.id))!.play_count).toBe(0);
  });

  it('downloads through a short-lived presigned link (archive bucket for an archived track), counted', async () => {
    const a = await makeTrack(alice, { isPublic: true });
    const res = await call('POST', `/v1/tracks/${a.id}/download`, bob);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ track_id: a.id, archived: false, download_count: 1, expires_in: 300 });
    expect(res.body.url).toContain('X-Amz-Expires=300');
    const master = a.files.find((f) => f.key === trackObjectKey(alice.id, a.id, 'audio.mp3'))!;
    expect(Buffer.from(await (await fetch(res.body.url)).arrayBuffer()).equals(master.bytes)).toBe(true);

    // Archived: the files moved to the private archive bucket, the link points there.
    const archived = await makeTrack(alice);
    const key = trackObjectKey(alice.id, archived.id, 'audio.mp3');
    const bytes = randomBytes(700);
    await storage.put(Bucket.TracksArchive, key, bytes, 'audio/mpeg');
    await db.updateTable('tracks').set({ archived_at: sql`now()`, archived_to_storage: true, storage_audio_url: `s3://tracks-archive/${key}`, audio_url: null }).where('id', '=', archived.id).execute();
    const arch = await call('POST', `/v1/tracks/${archived.id}/download`, alice);
    expect(arch.body).toMatchObject({ archived: true, download_count: 1 });
    expect(arch.body.url).toContain('/tracks-archive/');
    expect(Buffer.from(await (await fetch(arch.body.url)).arrayBuffer()).equals(bytes)).toBe(true);

    expect((await call('POST', `/v1/tracks/${archived.id}/download`, bob)).status).toBe(404);
    const pending = await db.insertInto('tracks').values({ user_id: alice.id, prompt: 'x' }).returning('id').executeTakeFirstOrThrow();
    expect((await call('POST', `/v1/tracks/${pending.id}/download`, alice)).status).toBe(409);
    expect((await trackRow(pending.id))!.download_count).toBe(0);
  });

  it('DELETE refuses a track with a running job, then deletes rows at once and every object after commit', async () => {
    const a = await makeTrack(alice, { isPublic: true });
    const keep = await makeTrack(alice);
    await db.insertInto('track_likes').values({ user_id: bob.id, track_id: a.id }).execute();
    const archiveBytes = randomBytes(300);
    const archiveKey = trackObjectKey(alice.id, a.id, 'audio.wav');
    await storage.put(Bucket.TracksArchive, archiveKey, archiveBytes, 'audio/wav');
    const album = await db.insertInto('music_projects').values({ user_id: alice.id, name: 'Album' }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('project_tracks').values([{ project_id: album.id, track_id: keep.id, position: 0 }, { project_id: album.id, track_id: a.id, position: 1 }]).execute();
    const cls = await db.insertInto('music_classifications').values({ track_id: a.id, classifier_type: 'mood', status: 'completed' }).returning('id').executeTakeFirstOrThrow();
    const spectrogram = { bucket: Bucket.Covers, key: `spectrograms/classifications/${cls.id}.jpg`, bytes: randomBytes(100) };
    await storage.put(spectrogram.bucket, spectrogram.key, spectrogram.bytes, 'image/jpeg');
    const made = await db
      .insertInto('jobs')
      .values({ user_id: alice.id, kind: 'generation', queue_name: 'generation', job_name: 'generation.run', resource_type: 'track', resource_id: a.id, payload: JSON.stringify({}), status: 'completed', result: JSON.stringify({ track_id: a.id, audio_url: a.files[0]!.key }) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const extra = await makeTrack(alice);
    await db.insertInto('project_tracks').values({ project_id: album.id, track_id: extra.id, position: 2 }).execute();

    // A WAV export still pending (no worker runs it here): the delete is refused and changes nothing.
    const wav = await call('POST', `/v1/tracks/${a.id}/wav`, alice, {});
    expect(wav.status).toBe(202);
    const busy = await call('DELETE', `/v1/tracks/${a.id}`, alice);
    expect(busy.status).toBe(409);
    expect(busy.body.type).toContain('track-busy');
    expect(await trackRow(a.id)).toBeDefined();

    expect((await call('DELETE', `/v1/tracks/${a.id}`, bob)).status).toBe(404);
    expect((await call('DELETE', `/v1/tracks/${a.id}`)).status).toBe(401);
    expect((await call('POST', `/v1/jobs/${wav.body.id}/cancel`, alice)).body.status).toBe('cancelled');

    expect((await call('DELETE', `/v1/tracks/${a.id}`, alice)).status).toBe(204);
    expect(await trackRow(a.id)).toBeUndefined();
    for (const table of ['track_versions', 'track_stems', 'track_likes', 'wav_jobs', 'music_classifications'] as const) {
      const col = table === 'track_versions' ? 'parent_track_id' : 'track_id';
      expect(await db.selectFrom(table).select(sql`1`.as('x')).where(col as never, '=', a.id).execute()).toHaveLength(0);
    }
    // The job that made it stays in the history, without links to the deleted files.
    expect((await call('GET', `/v1/jobs/${made.id}`, alice)).body).toMatchObject({ status: 'completed', result: { deleted: true, track_id: a.id } });
    // The album closed the gap.
    const positions = await db.selectFrom('project_tracks').select(['track_id', 'position']).where('project_id', '=', album.id).orderBy('position').execute();
    expect(positions).toEqual([{ track_id: keep.id, position: 0 }, { track_id: extra.id, position: 1 }]);
    expect((await call('GET', `/v1/tracks/${a.id}`, alice)).status).toBe(404);
    expect((await call('DELETE', `/v1/tracks/${a.id}`, alice)).status).toBe(404);

    // After commit the archiver purges every object of the track (tracks, archive, stems), and only those.
    const all = [...a.files, { bucket: Bucket.TracksArchive, key: archiveKey, bytes: archiveBytes }, spectrogram];
    await waitFor(async () => (await Promise.all(all.map((f) => storage.exists(f.bucket, f.key)))).every((e) => !e), 'objects purged', 20_000);
    for (const f of keep.files) expect((await storage.get(f.bucket, f.key)).equals(f.bytes)).toBe(true);
    const outbox = await db.selectFrom('outbox').selectAll().where('job_name', '=', 'tracks.purge-objects').execute();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.published_at).not.toBeNull();
    expect(outbox[0]!.last_error).toBeNull();
  });

  it('reads the domain row of every job kind, owner only', async () => {
    const a = await makeTrack(alice);
    const lyrics = await db.insertInto('lyrics_jobs').values({ user_id: alice.id, prompt: 'love', provider: 'local', status: 'completed' }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('lyrics_variants').values([0, 1].map((i) => ({ job_id: lyrics.id, variant_index: i, title: `V${i}`, content: 'words', status: 'completed' as const }))).execute();
    const cls = await db.insertInto('music_classifications').values({ track_id: a.id, classifier_type: 'genre', status: 'completed', metadata: JSON.stringify({ features: { tempoBpm: 98.5, loudnessLufs: -14.2, spectralCentroidHz: 1800 } }) }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('classification_jobs').values({ classification_id: cls.id, classifier_type: 'genre', input_audio_url: 'http://x/a.mp3', raw_output: JSON.stringify({ topLabels: ['jazz'] }) }).execute();
    const desc = await db.insertInto('song_descriptions').values({ user_id: alice.id, audio_file_url: 'http://x/a.mp3', ai_description: 'calm' }).returning('id').executeTakeFirstOrThrow();
    const rec = await db.insertInto('song_recognitions').values({ user_id: alice.id, audio_file_url: 'http://x/a.mp3' }).returning('id').executeTakeFirstOrThrow();
    const wav = await db.insertInto('wav_jobs').values({ track_id: a.id }).returning('id').executeTakeFirstOrThrow();
    const up = await db.insertInto('audio_upscale_jobs').values({ user_id: alice.id, track_id: a.id, input_audio_url: 'http://x/a.mp3', model_version: 'local-resample-48k' }).returning('id').executeTakeFirstOrThrow();
    const sec = await db.insertInto('track_section_replacements').values({ parent_track_id: a.id, replaced_start_s: '1', replaced_end_s: '4', prompt: 'brighter' }).returning('id').executeTakeFirstOrThrow();
    const persona = await db.insertInto('suno_personas').values({ user_id: alice.id, name: 'Voice', source_track_id: a.id }).returning('id').executeTakeFirstOrThrow();
    const bobPublic = await db.insertInto('suno_personas').values({ user_id: bob.id, name: 'Shared', is_public: true }).returning('id').executeTakeFirstOrThrow();
    // A finished classification job whose result carries camelCase features (as the stems worker writes them).
    const job = await db
      .insertInto('jobs')
      .values({ user_id: alice.id, kind: 'classification', queue_name: 'stems', job_name: 'classification.run', resource_type: 'music_classification', resource_id: cls.id, payload: JSON.stringify({}), status: 'completed', result: JSON.stringify({ classification_id: cls.id, features: { tempoBpm: 98.5, loudnessLufs: -14.2 } }) })
      .returning('id')
      .executeTakeFirstOrThrow();

    const reads: Array<[string, (b: Record<string, unknown>) => void]> = [
      [`/v1/lyrics/${lyrics.id}`, (b) => expect((b.variants as unknown[]).length).toBe(2)],
      [`/v1/tracks/${a.id}/stems`, (b) => expect((b.data as Array<{ stem_type: string }>).map((s) => s.stem_type)).toEqual(['vocals'])],
      [`/v1/classifications/${cls.id}`, (b) => expect(b.metadata).toEqual({ features: { tempo_bpm: 98.5, loudness_lufs: -14.2, spectral_centroid_hz: 1800 } })],
      [`/v1/descriptions/${desc.id}`, (b) => expect(b.ai_description).toBe('calm')],
      [`/v1/recognitions/${rec.id}`, (b) => expect(b.id).toBe(rec.id)],
      [`/v1/wav-jobs/${wav.id}`, (b) => expect(b.track_id).toBe(a.id)],
      [`/v1/upscales/${up.id}`, (b) => expect(b.model_version).toBe('local-resample-48k')],
      [`/v1/section-replacements/${sec.id}`, (b) => expect(b.prompt).toBe('brighter')],
      [`/v1/personas/${persona.id}`, (b) => expect(b.name).toBe('Voice')],
      [`/v1/jobs/${job.id}`, (b) => expect(b.result).toEqual({ classification_id: cls.id, features: { tempo_bpm: 98.5, loudness_lufs: -14.2 } })],
    ];
    for (const [path, check] of reads) {
      const own = await call('GET', path, alice);
      expect([path, own.status]).toEqual([path, 200]);
      check(own.body);
      const other = await call('GET', path, bob);
      expect([path, other.status]).toEqual([path, 404]);
      expect(other.type).toContain('application/problem+json');
      expect((await call('GET', path)).status).toBe(401);
    }
    expect((await call('GET', `/v1/classifications/${cls.id}`, alice)).body.jobs[0].raw_output).toBeUndefined();

    const mine = await call('GET', '/v1/personas', alice);
    expect(mine.body.data.map((p: { id: string }) => p.id)).toEqual([persona.id]);
    const withPublic = await call('GET', '/v1/personas?include_public=true', alice);
    expect(withPublic.body.data.map((p: { id: string }) => p.id)).toEqual([bobPublic.id, persona.id]);
    expect((await call('GET', `/v1/personas/${bobPublic.id}`, alice)).status).toBe(200);
    expect((await call('GET', '/v1/personas?limit=500', alice)).status).toBe(400);
  });

  it('documents every endpoint in /openapi.json', async () => {
    const doc = (await call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const expected: Record<string, string[]> = {
      '/v1/tracks': ['get'],
      '/v1/tracks/{id}': ['get', 'patch', 'delete'],
      '/v1/tracks/{id}/versions/{version_id}/master': ['post'],
      '/v1/tracks/{id}/like': ['put', 'delete'],
      '/v1/versions/{id}/like': ['put', 'delete'],
      '/v1/tracks/{id}/play': ['post'],
      '/v1/tracks/{id}/download': ['post'],
      '/v1/tracks/{id}/stems': ['get', 'post'],
      '/v1/lyrics/{id}': ['get'],
      '/v1/classifications/{id}': ['get'],
      '/v1/descriptions/{id}': ['get'],
      '/v1/recognitions/{id}': ['get'],
      '/v1/wav-jobs/{id}': ['get'],
      '/v1/upscales/{id}': ['get'],
      '/v1/section-replacements/{id}': ['get'],
      '/v1/personas': ['get', 'post'],
      '/v1/personas/{id}': ['get'],
      '/v1/music-projects': ['get', 'post'],
      '/v1/music-projects/{id}': ['get', 'patch', 'delete'],
      '/v1/music-projects/{id}/tracks': ['get', 'post', 'put'],
      '/v1/music-projects/{id}/tracks/{track_id}': ['patch', 'delete'],
    };
    for (const [path, methods] of Object.entries(expected)) expect([path, Object.keys(doc.paths[path] ?? {}).sort()]).toEqual([path, [...methods].sort()]);
  });

  it('answered snake_case JSON only, all the way down', () => {
    expect(bodies.length).toBeGreaterThan(50);
    expect(bodies.flatMap((b) => nonSnakeCaseKeys(b))).toEqual([]);
  });
});

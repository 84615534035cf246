// Table-driven access matrix: for every table (spine and designs) and every actor — the owner of the
// rows, another user, an anonymous visitor, a moderator and an admin — select, insert, update and
// delete, each in a transaction that is rolled back, compared with what the designs allow.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type RawBuilder } from 'kysely';
import { DESIGN_TABLE_COLUMNS, DESIGN_VIEWS } from '../src/schema-designs.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { anon, attempt, createUser, grantRole, user, type Actor } from './design-support.js';

type Row = Record<string, unknown>;
type ActorName = 'owner' | 'other' | 'anon' | 'moderator' | 'admin';
const ACTORS: readonly ActorName[] = ['owner', 'other', 'anon', 'moderator', 'admin'];
/** Letters of the actors allowed: O owner, X other user, N anon, M moderator, A admin. */
const LETTER: Record<ActorName, string> = { owner: 'O', other: 'X', anon: 'N', moderator: 'M', admin: 'A' };

interface Fixture {
  alice: string; // the owner of every private row
  bob: string; // "another user"
  mod: string;
  adm: string;
  carol: string; // a collaborator / followed user with a private profile
  pat: string; // a user with a public profile
  [name: string]: string;
}

interface Spec {
  table: string;
  /** The owner's private row. */
  row: (f: Fixture) => Row;
  /** A public row, where the table has them. */
  publicRow?: (f: Fixture) => Row;
  /** A new row in the owner's name, or under the owner's private parent. */
  insert?: (f: Fixture) => Row;
  /** A change to the private row. */
  update?: Row;
  allow: { select: string; selectPublic?: string; insert: string; update: string; delete: string };
}

const EVERYONE = 'OXNMA';
const SYSTEM = { select: '', insert: '', update: '', delete: '' };
const OWNER_ONLY = { select: 'O', insert: 'O', update: 'O', delete: 'O' };
/** Private row readable by owner only, written only by the platform. */
const OWNER_READS = { select: 'O', insert: '', update: '', delete: '' };

const SPECS: Spec[] = [
  // ---- spine (0001, with the staff read policies of 0007)
  { table: 'auth.users', row: (f) => ({ id: f.alice }), insert: () => ({ email: 'new@example.com', encrypted_password: 'x' }), update: { email: 'changed@example.com' }, allow: SYSTEM },
  {
    table: 'subscription_plans', row: () => ({ name: 'legacy' }), publicRow: () => ({ name: 'free' }),
    insert: () => ({ name: 'new', display_name: 'N', credits_monthly: 1, credits_daily_limit: 1, max_concurrent_generations: 1, max_projects: 1, max_tracks_per_project: 1 }),
    update: { display_name: 'x' }, allow: { ...SYSTEM, selectPublic: EVERYONE },
  },
  {
    table: 'profiles', row: (f) => ({ id: f.alice }), publicRow: (f) => ({ id: f.pat }),
    insert: (f) => ({ id: f.alice, username: 'dup' }), update: { bio: 'hello' },
    allow: { select: 'OA', selectPublic: EVERYONE, insert: '', update: 'OA', delete: '' },
  },
  { table: 'user_roles', row: (f) => ({ id: f.aliceRole }), insert: (f) => ({ user_id: f.alice, role: 'moderator' }), update: { role: 'admin' }, allow: { select: 'OA', insert: 'A', update: 'A', delete: 'A' } },
  {
    table: 'tracks', row: (f) => ({ id: f.privTrack }), publicRow: (f) => ({ id: f.pubTrack }),
    insert: (f) => ({ user_id: f.alice, prompt: 'p' }), update: { title: 'changed' },
    allow: { select: 'OMA', selectPublic: EVERYONE, insert: 'O', update: 'OMA', delete: 'OA' },
  },
  {
    table: 'track_versions', row: (f) => ({ id: f.privVersion }), publicRow: (f) => ({ id: f.pubVersion }),
    insert: (f) => ({ parent_track_id: f.privTrack, variant_index: 5 }), update: { lyrics: 'x' },
    allow: { select: 'OMA', selectPublic: EVERYONE, insert: 'O', update: 'O', delete: 'O' },
  },
  { table: 'track_retry_attempts', row: (f) => ({ id: f.retry }), insert: (f) => ({ track_id: f.privTrack, attempt_number: 2 }), update: { error_message: 'x' }, allow: OWNER_READS },
  { table: 'callback_logs', row: (f) => ({ id: f.callback }), insert: (f) => ({ track_id: f.privTrack, callback_type: 'suno_generation' }), update: { error_message: 'x' }, allow: SYSTEM },
  { table: 'notifications', row: (f) => ({ id: f.notification }), insert: (f) => ({ user_id: f.alice, title: 't', message: 'm' }), update: { read: true }, allow: { select: 'O', insert: '', update: 'O', delete: 'O' } },
  { table: 'jobs', row: (f) => ({ id: f.job }), insert: (f) => ({ user_id: f.alice, kind: 'generation', queue_name: 'generation', job_name: 'generation.run' }), update: { progress: 50 }, allow: { select: 'O', insert: 'O', update: 'O', delete: '' } },
  { table: 'outbox', row: (f) => ({ queue_job_id: f.job }), insert: () => ({ queue_name: 'q', job_name: 'j', queue_job_id: 'x', payload: '{}' }), update: { last_error: 'x' }, allow: SYSTEM },
  { table: 'idempotency_keys', row: (f) => ({ user_id: f.alice, key: 'k1' }), insert: (f) => ({ user_id: f.alice, key: 'k2', request_method: 'POST', request_path: '/', request_hash: 'h' }), update: { response_status: 200 }, allow: OWNER_ONLY },

  // ---- credits, limits, counters
  { table: 'generation_limits', row: (f) => ({ user_id: f.alice }), insert: (f) => ({ user_id: f.bob }), update: { generations_used_today: 0 }, allow: OWNER_READS },
  { table: 'api_keys', row: (f) => ({ id: f.apiKey }), insert: (f) => ({ user_id: f.alice, name: 'k', key_hash: 'b'.repeat(64), key_prefix: 'sk_b' }), update: { name: 'renamed' }, allow: { select: 'O', insert: 'O', update: 'O', delete: '' } },
  { table: 'credit_transactions', row: (f) => ({ id: f.credit }), insert: (f) => ({ user_id: f.alice, amount: 100, balance_after: 100, reason: 'gift', kind: 'production' }), update: { reason: 'x' }, allow: OWNER_READS },
  { table: 'counters', row: () => ({ name: 'tracks_generated' }), insert: () => ({ name: 'new_counter' }), update: { value: 0 }, allow: SYSTEM },
  { table: 'rate_limit_buckets', row: (f) => ({ key: `${f.alice}:generate-music` }), insert: () => ({ key: 'k', tokens: 1, window_start: 0, last_refill: 0 }), update: { tokens: 99 }, allow: SYSTEM },

  // ---- Albert3 albums and library
  {
    table: 'music_projects', row: (f) => ({ id: f.privAlbum }), publicRow: (f) => ({ id: f.pubAlbum }),
    insert: (f) => ({ user_id: f.alice, name: 'n' }), update: { name: 'changed' },
    allow: { ...OWNER_ONLY, selectPublic: EVERYONE },
  },
  {
    table: 'project_tracks', row: (f) => ({ project_id: f.privAlbum, track_id: f.privTrack }), publicRow: (f) => ({ project_id: f.pubAlbum, track_id: f.pubTrack }),
    insert: (f) => ({ project_id: f.privAlbum, track_id: f.privTrack2 }), update: { position: 7 },
    allow: { ...OWNER_ONLY, selectPublic: EVERYONE },
  },
  { table: 'project_prompts', row: (f) => ({ id: f.projectPrompt }), insert: (f) => ({ user_id: f.alice, project_id: f.privAlbum, title: 't', content: 'c' }), update: { is_favorite: true }, allow: OWNER_ONLY },
  { table: 'cloud_folders', row: (f) => ({ id: f.folder }), insert: (f) => ({ user_id: f.alice, name: 'n' }), update: { color: 'red' }, allow: OWNER_ONLY },
  // 0017: users start uploads (pending only) and read them; settling is the platform's.
  {
    table: 'library_uploads', row: (f) => ({ id: f.upload }),
    insert: (f) => ({ user_id: f.alice, object_key: `${f.alice}/library/new.mp3`, file_name: 'new.mp3', content_type: 'audio/mpeg', declared_size: 1000, reserved_mb: 0.001, expires_at: new Date(Date.now() + 3_600_000).toISOString() }),
    update: { status: 'completed' }, allow: { select: 'O', insert: 'O', update: '', delete: '' },
  },
  { table: 'audio_library', row: (f) => ({ id: f.audio }), insert: (f) => ({ user_id: f.alice, file_name: 'a.mp3', file_url: 'u' }), update: { is_favorite: true }, allow: OWNER_ONLY },
  {
    table: 'daw_projects', row: (f) => ({ id: f.privDaw }), publicRow: (f) => ({ id: f.pubDaw }),
    insert: (f) => ({ user_id: f.alice, name: 'n' }), update: { bpm: 90 }, allow: { ...OWNER_ONLY, selectPublic: EVERYONE },
  },
  {
    table: 'app_settings', row: () => ({ key: 'provider_config' }), publicRow: () => ({ key: 'feature_flags' }),
    insert: () => ({ key: 'new_setting' }), update: { value: '{"x": 1}' },
    allow: { select: 'A', selectPublic: EVERYONE, insert: 'A', update: 'A', delete: 'A' },
  },

  // ---- generation and AI
  { table: 'prompt_history', row: (f) => ({ id: f.prompt }), insert: (f) => ({ user_id: f.alice, prompt: 'p' }), update: { is_template: true }, allow: OWNER_ONLY },
  {
    table: 'suno_personas', row: (f) => ({ id: f.privPersona }), publicRow: (f) => ({ id: f.pubPersona }),
    insert: (f) => ({ user_id: f.alice, name: 'n', source_track_id: f.privTrack }), update: { name: 'changed' },
    allow: { ...OWNER_ONLY, selectPublic: EVERYONE },
  },
  { table: 'lyrics_jobs', row: (f) => ({ id: f.lyricsJob }), insert: (f) => ({ user_id: f.alice, prompt: 'p' }), update: { status: 'processing' }, allow: OWNER_ONLY },
  { table: 'lyrics_variants', row: (f) => ({ id: f.lyricsVariant }), insert: (f) => ({ job_id: f.lyricsJob, variant_index: 1 }), update: { title: 't' }, allow: OWNER_ONLY },
  { table: 'saved_lyrics', row: (f) => ({ id: f.savedLyrics }), insert: (f) => ({ user_id: f.alice, job_id: f.lyricsJob, title: 't', content: 'c' }), update: { is_favorite: true }, allow: OWNER_ONLY },
  { table: 'lyrics_generation_log', row: (f) => ({ id: f.lyricsLog }), insert: (f) => ({ user_id: f.alice, prompt: 'p', status: 'success' }), update: { status: 'failed' }, allow: { select: 'O', insert: 'O', update: '', delete: '' } },
  { table: 'song_descriptions', row: (f) => ({ id: f.description }), insert: (f) => ({ user_id: f.alice, audio_file_url: 'u' }), update: { status: 'completed' }, allow: OWNER_ONLY },
  { table: 'song_recognitions', row: (f) => ({ id: f.recognition }), insert: (f) => ({ user_id: f.alice, audio_file_url: 'u' }), update: { status: 'completed' }, allow: OWNER_ONLY },
  { table: 'music_classifications', row: (f) => ({ id: f.classification }), insert: (f) => ({ track_id: f.privTrack, classifier_type: 'mood' }), update: { status: 'completed' }, allow: OWNER_ONLY },
  { table: 'classification_jobs', row: (f) => ({ id: f.classificationJob }), insert: (f) => ({ classification_id: f.classification, classifier_type: 'genre', input_audio_url: 'u' }), update: { status: 'processing' }, allow: OWNER_ONLY },
  { table: 'audio_upscale_jobs', row: (f) => ({ id: f.upscale }), insert: (f) => ({ user_id: f.alice, input_audio_url: 'u', track_id: f.privTrack }), update: { status: 'processing' }, allow: OWNER_ONLY },
  { table: 'wav_jobs', row: (f) => ({ id: f.wav }), insert: (f) => ({ track_id: f.privTrack }), update: { status: 'processing' }, allow: OWNER_ONLY },

  // ---- track children: content inherits the track's visibility (staff read tracks), work records are the owner's
  {
    table: 'track_stems', row: (f) => ({ id: f.privStem }), publicRow: (f) => ({ id: f.pubStem }),
    insert: (f) => ({ track_id: f.privTrack2, stem_type: 'vocals', audio_url: 'u', separation_mode: 'suno_stems' }), update: { audio_url: 'v' },
    allow: { select: 'OMA', selectPublic: EVERYONE, insert: 'O', update: 'O', delete: 'O' },
  },
  {
    table: 'track_likes', row: (f) => ({ id: f.privLike }), publicRow: (f) => ({ id: f.pubLike }),
    insert: (f) => ({ user_id: f.alice, track_id: f.privTrack2 }), update: { created_at: '2020-01-01' },
    allow: { select: 'OMA', selectPublic: EVERYONE, insert: 'O', update: '', delete: 'O' },
  },
  {
    table: 'track_version_likes', row: (f) => ({ id: f.privVersionLike }), publicRow: (f) => ({ id: f.pubVersionLike }),
    insert: (f) => ({ user_id: f.alice, version_id: f.privVersion2 }), update: { created_at: '2020-01-01' },
    allow: { select: 'OMA', selectPublic: EVERYONE, insert: 'O', update: '', delete: 'O' },
  },
  { table: 'track_section_replacements', row: (f) => ({ id: f.section }), insert: (f) => ({ parent_track_id: f.privTrack, replaced_start_s: 1, replaced_end_s: 2 }), update: { prompt: 'x' }, allow: OWNER_ONLY },
  { table: 'track_archiving_jobs', row: (f) => ({ id: f.archiving }), insert: (f) => ({ track_id: f.privTrack }), update: { status: 'completed' }, allow: OWNER_READS },

  // ---- analytics and monitoring
  {
    table: 'analytics_events', row: (f) => ({ id: f.event }), insert: (f) => ({ user_id: f.alice, event_type: 'track_play' }), update: { event_type: 'x' },
    allow: { select: 'OA', insert: 'O', update: '', delete: '' },
  },
  { table: 'error_logs', row: (f) => ({ id: f.errorLog }), insert: (f) => ({ user_id: f.alice, error_type: 'client_error', error_message: 'm' }), update: { resolved: true }, allow: { select: 'A', insert: '', update: 'A', delete: '' } },

  // ---- Studio Nexus
  { table: 'user_sessions', row: (f) => ({ id: f.session }), insert: (f) => ({ user_id: f.alice, session_token: 't' }), update: { user_agent: 'x' }, allow: { select: 'O', insert: '', update: '', delete: 'O' } },
  {
    table: 'projects', row: (f) => ({ id: f.privProject }), publicRow: (f) => ({ id: f.pubProject }),
    insert: (f) => ({ user_id: f.alice, title: 't' }), update: { title: 'changed' },
    allow: { select: 'OA', selectPublic: EVERYONE, insert: 'OA', update: 'OA', delete: 'OA' },
  },
  {
    table: 'project_versions', row: (f) => ({ id: f.privProjectVersion }), publicRow: (f) => ({ id: f.pubProjectVersion }),
    insert: (f) => ({ project_id: f.privProject, version_number: 2, title: 't' }), update: { title: 'changed' },
    allow: { select: 'OA', selectPublic: EVERYONE, insert: 'O', update: 'O', delete: 'O' },
  },
  {
    table: 'project_collaborators', row: (f) => ({ id: f.collaborator }),
    insert: (f) => ({ project_id: f.privProject, user_id: f.pat, invited_by: f.alice, role: 'viewer' }), update: { role: 'editor' },
    allow: OWNER_ONLY,
  },
  { table: 'ai_transformations', row: (f) => ({ id: f.transformation }), insert: (f) => ({ project_id: f.privProject, user_id: f.alice, transformation_type: 'jazz', input_audio_path: 'p' }), update: { user_rating: 5 }, allow: OWNER_ONLY },
  {
    table: 'ai_model_presets', row: (f) => ({ id: f.inactivePreset }), publicRow: () => ({ name: 'Jazz Ensemble' }),
    insert: () => ({ name: 'n', transformation_type: 'jazz', parameters: '{}' }), update: { usage_count: 9 },
    allow: { select: 'A', selectPublic: EVERYONE, insert: 'A', update: 'A', delete: 'A' },
  },
  {
    table: 'effects_presets', row: (f) => ({ id: f.effectsPreset }), publicRow: () => ({ name: 'Vocal Warmth' }),
    insert: (f) => ({ user_id: f.alice, name: 'n', effects_chain: '[]' }), update: { name: 'changed' },
    allow: { select: 'OA', selectPublic: EVERYONE, insert: 'OA', update: 'OA', delete: 'OA' },
  },
  { table: 'usage_tracking', row: (f) => ({ id: f.usage }), insert: (f) => ({ user_id: f.alice, resource_type: 'exports', quantity: -100 }), update: { quantity: 0 }, allow: OWNER_READS },
  {
    table: 'subscription_limits', row: () => ({ subscription_tier: 'enterprise', resource_type: 'exports' }), publicRow: () => ({ subscription_tier: 'free', resource_type: 'exports' }),
    insert: () => ({ subscription_tier: 'enterprise', resource_type: 'projects', limit_value: 1, limit_unit: 'count' }), update: { limit_value: 1000 },
    allow: { select: 'A', selectPublic: EVERYONE, insert: 'A', update: 'A', delete: 'A' },
  },
  {
    table: 'project_likes', row: (f) => ({ id: f.privProjectLike }), publicRow: (f) => ({ id: f.pubProjectLike }),
    insert: (f) => ({ user_id: f.alice, project_id: f.pubProject }), update: { created_at: '2020-01-01' },
    allow: { select: 'OA', selectPublic: EVERYONE, insert: 'O', update: '', delete: 'O' },
  },
  {
    table: 'user_followers', row: (f) => ({ id: f.privFollow }), publicRow: (f) => ({ id: f.pubFollow }),
    insert: (f) => ({ follower_id: f.alice, following_id: f.bob }), update: { created_at: '2020-01-01' },
    allow: { select: 'O', selectPublic: EVERYONE, insert: 'O', update: '', delete: 'O' },
  },

  // ---- views (read-only; their rows follow the tables' policies)
  { table: 'prompt_statistics', row: (f) => ({ user_id: f.alice, prompt: 'lofi' }), allow: { select: 'O', insert: '', update: '', delete: '' } },
  {
    table: 'tracks_with_timestamped_lyrics', row: (f) => ({ id: f.privTrack }), publicRow: (f) => ({ id: f.pubTrack }),
    allow: { select: 'OMA', selectPublic: EVERYONE, insert: '', update: '', delete: '' },
  },
];

function where(row: Row): RawBuilder<unknown> {
  return sql.join(Object.entries(row).map(([column, value]) => sql`${sql.ref(column)} = ${value}`), sql` and `);
}

describe('access matrix of every table', () => {
  let t: TestDatabase;
  let f: Fixture;
  const actor = (name: ActorName): Actor =>
    name === 'anon' ? anon : user({ owner: f.alice, other: f.bob, moderator: f.mod, admin: f.adm }[name]);

  beforeAll(async () => {
    t = await createTestDatabase();
    const db = t.db;
    const ids: Record<string, string> = {};
    for (const name of ['alice', 'bob', 'mod', 'adm', 'carol', 'pat']) ids[name] = await createUser(db, `${name}@example.com`);
    await grantRole(db, ids.mod!, 'moderator');
    await grantRole(db, ids.adm!, 'admin');
    f = ids as Fixture;
    const { alice, bob, carol, pat } = f;
    await db.updateTable('profiles').set({ preferences: JSON.stringify({ profile_public: true }) }).where('id', '=', pat).execute();
    const one = async <T extends { id: string }>(q: { executeTakeFirstOrThrow(): Promise<T> }) => (await q.executeTakeFirstOrThrow()).id;

    f.aliceRole = await one(db.insertInto('user_roles').values({ user_id: alice, role: 'user' }).returning('id'));
    await db.insertInto('subscription_plans')
      .values({ name: 'legacy', display_name: 'L', credits_monthly: 1, credits_daily_limit: 1, max_concurrent_generations: 1, max_projects: 1, max_tracks_per_project: 1, is_active: false, features: '{}' })
      .execute();
    const lyricsMeta = JSON.stringify({ timestamped_lyrics: [{ start: 0, end: 1, text: 'la' }] });
    f.privTrack = await one(db.insertInto('tracks').values({ user_id: alice, prompt: 'private', metadata: lyricsMeta }).returning('id'));
    f.pubTrack = await one(db.insertInto('tracks').values({ user_id: alice, prompt: 'public', is_public: true, metadata: lyricsMeta }).returning('id'));
    f.privTrack2 = await one(db.insertInto('tracks').values({ user_id: alice, prompt: 'private 2' }).returning('id'));
    f.privVersion = await one(db.insertInto('track_versions').values({ parent_track_id: f.privTrack, variant_index: 0, metadata: '{}' }).returning('id'));
    f.pubVersion = await one(db.insertInto('track_versions').values({ parent_track_id: f.pubTrack, variant_index: 0, metadata: '{}' }).returning('id'));
    f.privVersion2 = await one(db.insertInto('track_versions').values({ parent_track_id: f.privTrack2, variant_index: 0, metadata: '{}' }).returning('id'));
    f.retry = await one(db.insertInto('track_retry_attempts').values({ track_id: f.privTrack, attempt_number: 1 }).returning('id'));
    f.callback = await one(db.insertInto('callback_logs').values({ track_id: f.privTrack, callback_type: 'suno_generation', payload: '{}' }).returning('id'));
    f.notification = await one(db.insertInto('notifications').values({ user_id: alice, title: 't', message: 'm' }).returning('id'));
    f.job = await one(db.insertInto('jobs').values({ user_id: alice, kind: 'generation', queue_name: 'generation', job_name: 'generation.run', payload: '{}' }).returning('id'));
    await db.insertInto('idempotency_keys').values({ user_id: alice, key: 'k1', request_method: 'POST', request_path: '/', request_hash: 'h' }).execute();

    await db.insertInto('generation_limits').values({ user_id: alice }).execute();
    f.upload = await one(db.insertInto('library_uploads').values({ user_id: alice, object_key: `${alice}/library/a.mp3`, file_name: 'a.mp3', content_type: 'audio/mpeg', declared_size: 1000, reserved_mb: 0.001, expires_at: new Date(Date.now() + 3_600_000).toISOString() }).returning('id'));
    f.apiKey = await one(db.insertInto('api_keys').values({ user_id: alice, name: 'script', key_hash: 'a'.repeat(64), key_prefix: 'sk_a' }).returning('id'));
    f.credit = await one(db.insertInto('credit_transactions').values({ user_id: alice, amount: -1, balance_after: 9, reason: 'generation', kind: 'production' }).returning('id'));
    await db.insertInto('counters').values({ name: 'tracks_generated', value: 1 }).execute();
    await db.insertInto('rate_limit_buckets').values({ key: `${alice}:generate-music`, tokens: 10, window_start: 0, last_refill: 0 }).execute();

    f.privAlbum = await one(db.insertInto('music_projects').values({ user_id: alice, name: 'private album' }).returning('id'));
    f.pubAlbum = await one(db.insertInto('music_projects').values({ user_id: alice, name: 'public album', is_public: true }).returning('id'));
    await db.insertInto('project_tracks').values([{ project_id: f.privAlbum, track_id: f.privTrack }, { project_id: f.pubAlbum, track_id: f.pubTrack }]).execute();
    f.projectPrompt = await one(db.insertInto('project_prompts').values({ user_id: alice, project_id: f.privAlbum, title: 't', content: 'c' }).returning('id'));
    f.folder = await one(db.insertInto('cloud_folders').values({ user_id: alice, name: 'samples' }).returning('id'));
    f.audio = await one(db.insertInto('audio_library').values({ user_id: alice, file_name: 'a.mp3', file_url: 'u', parent_folder_id: f.folder }).returning('id'));
    f.privDaw = await one(db.insertInto('daw_projects').values({ user_id: alice, name: 'private' }).returning('id'));
    f.pubDaw = await one(db.insertInto('daw_projects').values({ user_id: alice, name: 'public', is_public: true }).returning('id'));

    f.prompt = await one(db.insertInto('prompt_history').values({ user_id: alice, prompt: 'lofi' }).returning('id'));
    f.privPersona = await one(db.insertInto('suno_personas').values({ user_id: alice, name: 'private' }).returning('id'));
    f.pubPersona = await one(db.insertInto('suno_personas').values({ user_id: alice, name: 'public', is_public: true }).returning('id'));
    f.lyricsJob = await one(db.insertInto('lyrics_jobs').values({ user_id: alice, prompt: 'p' }).returning('id'));
    f.lyricsVariant = await one(db.insertInto('lyrics_variants').values({ job_id: f.lyricsJob, variant_index: 0 }).returning('id'));
    f.savedLyrics = await one(db.insertInto('saved_lyrics').values({ user_id: alice, title: 't', content: 'c' }).returning('id'));
    f.lyricsLog = await one(db.insertInto('lyrics_generation_log').values({ user_id: alice, prompt: 'p', status: 'success' }).returning('id'));
    f.description = await one(db.insertInto('song_descriptions').values({ user_id: alice, audio_file_url: 'u' }).returning('id'));
    f.recognition = await one(db.insertInto('song_recognitions').values({ user_id: alice, audio_file_url: 'u' }).returning('id'));
    f.classification = await one(db.insertInto('music_classifications').values({ track_id: f.privTrack, classifier_type: 'genre' }).returning('id'));
    f.classificationJob = await one(db.insertInto('classification_jobs').values({ classification_id: f.classification, classifier_type: 'genre', input_audio_url: 'u' }).returning('id'));
    f.upscale = await one(db.insertInto('audio_upscale_jobs').values({ user_id: alice, input_audio_url: 'u' }).returning('id'));
    f.wav = await one(db.insertInto('wav_jobs').values({ track_id: f.privTrack }).returning('id'));

    f.privStem = await one(db.insertInto('track_stems').values({ track_id: f.privTrack, stem_type: 'drums', audio_url: 'u', separation_mode: 'suno_stems' }).returning('id'));
    f.pubStem = await one(db.insertInto('track_stems').values({ track_id: f.pubTrack, stem_type: 'drums', audio_url: 'u', separation_mode: 'suno_stems' }).returning('id'));
    f.privLike = await one(db.insertInto('track_likes').values({ user_id: alice, track_id: f.privTrack }).returning('id'));
    f.pubLike = await one(db.insertInto('track_likes').values({ user_id: bob, track_id: f.pubTrack }).returning('id'));
    f.privVersionLike = await one(db.insertInto('track_version_likes').values({ user_id: alice, version_id: f.privVersion }).returning('id'));
    f.pubVersionLike = await one(db.insertInto('track_version_likes').values({ user_id: bob, version_id: f.pubVersion }).returning('id'));
    f.section = await one(db.insertInto('track_section_replacements').values({ parent_track_id: f.privTrack, replaced_start_s: '1', replaced_end_s: '2' }).returning('id'));
    f.archiving = await one(db.insertInto('track_archiving_jobs').values({ track_id: f.privTrack }).returning('id'));

    f.event = await one(db.insertInto('analytics_events').values({ user_id: alice, event_type: 'track_play', track_id: f.privTrack }).returning('id'));
    f.errorLog = await one(db.insertInto('error_logs').values({ user_id: alice, error_type: 'client_error', error_message: 'm' }).returning('id'));

    f.session = await one(db.insertInto('user_sessions').values({ user_id: alice, session_token: 'secret' }).returning('id'));
    f.privProject = await one(db.insertInto('projects').values({ user_id: alice, title: 'private' }).returning('id'));
    f.pubProject = await one(db.insertInto('projects').values({ user_id: alice, title: 'public', is_public: true }).returning('id'));
    f.privProjectVersion = await one(db.insertInto('project_versions').values({ project_id: f.privProject, version_number: 1, title: 'v1' }).returning('id'));
    f.pubProjectVersion = await one(db.insertInto('project_versions').values({ project_id: f.pubProject, version_number: 1, title: 'v1' }).returning('id'));
    f.collaborator = await one(db.insertInto('project_collaborators').values({ project_id: f.privProject, user_id: carol, invited_by: alice, status: 'accepted' }).returning('id'));
    f.transformation = await one(db.insertInto('ai_transformations').values({ project_id: f.privProject, user_id: alice, transformation_type: 'jazz', input_audio_path: 'p' }).returning('id'));
    f.inactivePreset = await one(db.insertInto('ai_model_presets').values({ name: 'retired', transformation_type: 'jazz', parameters: '{}', is_active: false }).returning('id'));
    f.effectsPreset = await one(db.insertInto('effects_presets').values({ user_id: alice, name: 'mine', effects_chain: '[]' }).returning('id'));
    f.usage = await one(db.insertInto('usage_tracking').values({ user_id: alice, resource_type: 'exports' }).returning('id'));
    await db.insertInto('subscription_limits').values({ subscription_tier: 'enterprise', resource_type: 'exports', limit_value: '1', limit_unit: 'count', is_active: false }).execute();
    f.privProjectLike = await one(db.insertInto('project_likes').values({ user_id: alice, project_id: f.privProject }).returning('id'));
    f.pubProjectLike = await one(db.insertInto('project_likes').values({ user_id: bob, project_id: f.pubProject }).returning('id'));
    f.privFollow = await one(db.insertInto('user_followers').values({ follower_id: alice, following_id: carol }).returning('id'));
    f.pubFollow = await one(db.insertInto('user_followers').values({ follower_id: alice, following_id: pat }).returning('id'));
  });
  afterAll(() => t.drop());

  it('covers every table and view', () => {
    const covered = new Set(SPECS.map((s) => s.table));
    for (const table of Object.keys(DESIGN_TABLE_COLUMNS)) expect({ table, covered: covered.has(table) }).toEqual({ table, covered: true });
  });

  /** true if the actor did it; false if Postgres refused (42501); anything else is a broken fixture. */
  function allowed(spec: Spec, outcome: { ok: true; value: boolean } | { ok: false; code: string; message: string }): boolean {
    if (outcome.ok) return outcome.value;
    // Writing a view that cannot be written is refused before privileges are even looked at.
    const refusals = DESIGN_VIEWS.includes(spec.table as never) ? ['42501', '0A000', '55000'] : ['42501'];
    if (!refusals.includes(outcome.code)) throw new Error(`${spec.table}: unexpected error ${outcome.code} ${outcome.message}`);
    return false;
  }

  async function run(spec: Spec, op: keyof Spec['allow'], name: ActorName): Promise<boolean> {
    const table = sql.table(spec.table);
    const outcome = await attempt(t.db, actor(name), async (trx) => {
      switch (op) {
        case 'select':
        case 'selectPublic': {
          const row = op === 'select' ? spec.row(f) : spec.publicRow!(f);
          const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${table} where ${where(row)}`.execute(trx);
          return rows[0]!.n > 0;
        }
        case 'insert': {
          if (!spec.insert) return false;
          const values = spec.insert(f);
          const columns = Object.keys(values);
          await sql`insert into ${table} (${sql.join(columns.map((c) => sql.ref(c)))}) values (${sql.join(columns.map((c) => values[c]))})`.execute(trx);
          return true;
        }
        case 'update': {
          if (!spec.update) return false;
          const set = sql.join(Object.entries(spec.update).map(([c, v]) => sql`${sql.ref(c)} = ${v}`));
          const result = await sql`update ${table} set ${set} where ${where(spec.row(f))}`.execute(trx);
          return Number(result.numAffectedRows ?? 0) === 1;
        }
        case 'delete': {
          const result = await sql`delete from ${table} where ${where(spec.row(f))}`.execute(trx);
          return Number(result.numAffectedRows ?? 0) === 1;
        }
      }
    });
    return allowed(spec, outcome);
  }

  it.each(SPECS.map((s) => [s.table, s] as const))('%s', async (_name, spec) => {
    // The fixture rows exist (seen by the superuser), so every "false" below is a refusal, not a missing row.
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(spec.table)} where ${where(spec.row(f))}`.execute(t.db);
    expect(rows[0]!.n).toBe(1);

    const ops = (Object.keys(spec.allow) as (keyof Spec['allow'])[]).filter((op) => op !== 'selectPublic' || spec.publicRow);
    const actual: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const op of ops) {
      let letters = '';
      for (const name of ACTORS) if (await run(spec, op, name)) letters += LETTER[name];
      actual[op] = letters;
      expected[op] = spec.allow[op]!;
    }
    expect(actual).toEqual(expected);
  });
});

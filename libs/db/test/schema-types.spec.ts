import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import type { DB } from '@muse/db';
import { DESIGN_TABLE_COLUMNS, DESIGN_VIEWS } from '../src/schema-designs.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';

type SpineTable = Exclude<keyof DB, keyof typeof DESIGN_TABLE_COLUMNS>;

/** The spine tables of schema.ts, listed at runtime; the compiler checks every name against DB. */
const SPINE_TABLE_COLUMNS = {
  'auth.users': ['id', 'email', 'encrypted_password', 'raw_user_meta_data', 'email_confirmed_at', 'last_sign_in_at', 'created_at', 'updated_at'],
  subscription_plans: [
    'id', 'name', 'display_name', 'description', 'credits_monthly', 'credits_daily_limit', 'max_concurrent_generations',
    'max_projects', 'max_tracks_per_project', 'features', 'price_monthly', 'price_yearly', 'is_active', 'created_at', 'updated_at',
  ],
  profiles: [
    'id', 'email', 'username', 'full_name', 'avatar_url', 'bio', 'website_url', 'subscription_plan', 'subscription_tier',
    'subscription_status', 'subscription_expires_at', 'credits_remaining', 'credits_used_today', 'last_credit_reset_at',
    'total_projects', 'total_transformations', 'storage_used_mb', 'preferences', 'created_at', 'updated_at',
  ],
  user_roles: ['id', 'user_id', 'role', 'created_at'],
  tracks: [
    'id', 'user_id', 'title', 'prompt', 'improved_prompt', 'lyrics', 'audio_url', 'video_url', 'cover_url', 'duration',
    'duration_seconds', 'status', 'error_message', 'progress_percent', 'provider', 'suno_id', 'mureka_task_id', 'model_name',
    'genre', 'mood', 'style_tags', 'project_id', 'persona_id', 'reference_audio_url', 'source_prompt_id', 'idempotency_key',
    'is_public', 'has_stems', 'has_vocals', 'like_count', 'play_count', 'view_count', 'download_count', 'archived_at',
    'archive_scheduled_at', 'archived_to_storage', 'storage_audio_url', 'storage_cover_url', 'storage_video_url', 'metadata',
    'created_at', 'created_at_suno', 'updated_at',
  ],
  track_versions: [
    'id', 'parent_track_id', 'variant_index', 'audio_url', 'video_url', 'cover_url', 'duration', 'lyrics', 'suno_id',
    'is_primary_variant', 'is_preferred_variant', 'like_count', 'metadata', 'created_at',
  ],
  track_retry_attempts: ['id', 'track_id', 'job_id', 'attempt_number', 'attempted_at', 'error_message'],
  callback_logs: ['id', 'track_id', 'job_id', 'callback_type', 'provider', 'dedup_key', 'payload', 'error_message', 'created_at'],
  notifications: ['id', 'user_id', 'type', 'title', 'message', 'link', 'read', 'created_at', 'updated_at', 'streamed_at'],
  jobs: [
    'id', 'user_id', 'kind', 'status', 'progress', 'attempts', 'max_attempts', 'queue_name', 'job_name', 'resource_type', 'resource_id', 'provider',
    'provider_task_id', 'idempotency_key', 'callback_url', 'correlation_id', 'payload', 'result', 'error', 'created_at',
    'updated_at', 'started_at', 'completed_at', 'trace_parent',
  ],
  outbox: ['id', 'queue_name', 'job_name', 'queue_job_id', 'payload', 'created_at', 'published_at', 'publish_attempts', 'last_error', 'priority'],
  idempotency_keys: [
    'user_id', 'key', 'request_method', 'request_path', 'request_hash', 'response_status', 'response_body', 'created_at', 'expires_at',
  ],
  audio_fingerprints: ['hash', 'track_id', 't'],
  audio_fingerprint_tracks: ['track_id', 'audio_url', 'hashes', 'indexed_at'],
  job_kind_features: ['kind', 'feature', 'created_at'],
  webhook_secrets: ['user_id', 'secret', 'created_at'],
  webhook_deliveries: [
    'id', 'user_id', 'job_id', 'event_type', 'url', 'payload', 'status', 'attempts', 'redeliveries', 'cycle_attempts', 'last_status_code', 'last_error',
    'next_attempt_at', 'delivered_at', 'created_at', 'updated_at',
  ],
  webhook_delivery_attempts: ['id', 'delivery_id', 'attempt', 'status_code', 'error', 'duration_ms', 'created_at'],
} as const satisfies { readonly [K in SpineTable]: readonly (keyof DB[K] & string)[] };

/**
 * Columns the design migrations add to spine tables; schema.ts does not declare them yet
 * (schema-designs.ts names them for the lead). Move an entry into SPINE_TABLE_COLUMNS once schema.ts has it.
 */
const SPINE_ADDED_COLUMNS: Partial<Record<SpineTable, readonly string[]>> = {
  profiles: ['test_credits_remaining'],
};

const ALL_DECLARED: Record<string, readonly string[]> = { ...SPINE_TABLE_COLUMNS, ...DESIGN_TABLE_COLUMNS };

function split(name: string): [string, string] {
  return name.includes('.') ? (name.split('.') as [string, string]) : ['public', name];
}

describe('declared Kysely types match the live schema', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  async function liveColumns(relation: string): Promise<string[]> {
    const [schema, table] = split(relation);
    const { rows } = await sql<{ column_name: string }>`
      select column_name from information_schema.columns where table_schema = ${schema} and table_name = ${table}
      order by ordinal_position`.execute(t.db);
    return rows.map((r) => r.column_name);
  }

  it.each(Object.keys(ALL_DECLARED))('%s: declared columns = information_schema columns', async (relation) => {
    const live = await liveColumns(relation);
    expect(live.length).toBeGreaterThan(0);
    const declared = [...ALL_DECLARED[relation]!, ...(SPINE_ADDED_COLUMNS[relation as SpineTable] ?? [])];
    expect([...declared].sort()).toEqual([...live].sort());
  });

  it('declares every table and view of public and auth (partitions and the migration record aside)', async () => {
    const { rows } = await sql<{ name: string }>`
      select case when n.nspname = 'public' then c.relname else n.nspname || '.' || c.relname end as name
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname in ('public', 'auth') and c.relkind in ('r', 'p', 'v', 'm') and not c.relispartition
         and c.relname <> 'schema_migrations'`.execute(t.db);
    expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(ALL_DECLARED).sort());
  });

  it('has row-level security on every table, partitions included', async () => {
    const { rows } = await sql<{ name: string }>`
      select n.nspname || '.' || c.relname as name
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname in ('public', 'auth') and c.relkind in ('r', 'p') and not c.relrowsecurity
         and c.relname <> 'schema_migrations'`.execute(t.db);
    expect(rows).toEqual([]);
  });

  it('keeps updated_at current on every table that has it', async () => {
    const { rows } = await sql<{ table_name: string }>`
      select c.table_schema || '.' || c.table_name as table_name
        from information_schema.columns c
        join information_schema.tables tb on tb.table_schema = c.table_schema and tb.table_name = c.table_name and tb.table_type = 'BASE TABLE'
       where c.table_schema in ('public', 'auth') and c.column_name = 'updated_at'
         and not exists (
           select 1 from pg_trigger tg join pg_proc p on p.oid = tg.tgfoid
            where tg.tgrelid = (c.table_schema || '.' || c.table_name)::regclass and p.proname = 'update_updated_at')`.execute(t.db);
    expect(rows).toEqual([]);
  });

  it('pins search_path on every security definer function and grants none of them to PUBLIC', async () => {
    const { rows } = await sql<{ name: string; config: string[] | null; public_exec: boolean }>`
      select p.proname as name, p.proconfig as config,
             has_function_privilege('public', p.oid, 'execute') as public_exec
        from pg_proc p where p.pronamespace = 'public'::regnamespace and p.prosecdef`.execute(t.db);
    expect(rows.length).toBeGreaterThan(15);
    for (const row of rows) {
      expect({ name: row.name, pinned: (row.config ?? []).some((c) => c.startsWith('search_path=')) }).toEqual({ name: row.name, pinned: true });
    }
    // 0001's functions are granted as 0001 decided; every definer function of the designs is revoked from PUBLIC.
    const spine = new Set(['has_role', 'create_profile_on_signup', 'enqueue_job']);
    expect(rows.filter((r) => r.public_exec && !spine.has(r.name)).map((r) => r.name)).toEqual([]);
  });

  it('runs the views with the caller’s rights', async () => {
    const { rows } = await sql<{ relname: string; reloptions: string[] | null }>`
      select relname, reloptions from pg_class where relkind = 'v' and relnamespace = 'public'::regnamespace`.execute(t.db);
    expect(rows.map((r) => r.relname).sort()).toEqual([...DESIGN_VIEWS].sort());
    for (const row of rows) expect(row.reloptions).toContain('security_invoker=true');
  });

  it('seeds the reference data of the designs', async () => {
    const limits = await t.db.selectFrom('subscription_limits').select(['subscription_tier', 'resource_type', 'limit_value']).execute();
    expect(limits).toHaveLength(8);
    expect(limits).toContainEqual({ subscription_tier: 'pro', resource_type: 'exports', limit_value: '-1.000' });
    expect(await t.db.selectFrom('ai_model_presets').select('name').orderBy('name').execute()).toEqual([
      { name: 'Classical Orchestra' }, { name: 'Electronic Dance' }, { name: 'Jazz Ensemble' },
    ]);
    const effects = await t.db.selectFrom('effects_presets').select(['name', 'is_system_preset', 'user_id']).orderBy('name').execute();
    expect(effects).toEqual([
      { name: 'Ambient Space', is_system_preset: true, user_id: null },
      { name: 'Vocal Warmth', is_system_preset: true, user_id: null },
    ]);
  });

  it('links tracks to albums, personas and prompts, and unlinks them when those go', async () => {
    const { rows } = await sql<{ conname: string; confdeltype: string }>`
      select conname, confdeltype from pg_constraint
       where conrelid = 'public.tracks'::regclass and contype = 'f' order by conname`.execute(t.db);
    expect(rows).toEqual([
      { conname: 'tracks_persona_id_fkey', confdeltype: 'n' },
      { conname: 'tracks_project_id_fkey', confdeltype: 'n' },
      { conname: 'tracks_source_prompt_id_fkey', confdeltype: 'n' },
      { conname: 'tracks_user_id_fkey', confdeltype: 'c' },
    ]);
  });
});

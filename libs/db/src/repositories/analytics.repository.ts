import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DB } from '../schema.js';

/** An analytics_events row as analytics-ingest writes it (every column decided upstream). */
export interface AnalyticsEventRow {
  id: string;
  user_id: string | null;
  track_id: string | null;
  session_id: string | null;
  event_type: string;
  event_category: string | null;
  event_data: Record<string, unknown>;
  event_properties: Record<string, unknown>;
  page_url: string | null;
  referrer: string | null;
  user_agent: string | null;
  ip_address: string | null;
  created_at: string;
}

const COPY_COLUMNS = [
  'id', 'user_id', 'track_id', 'session_id', 'event_type', 'event_category', 'event_data', 'event_properties',
  'page_url', 'referrer', 'user_agent', 'ip_address', 'created_at',
] as const satisfies ReadonlyArray<keyof AnalyticsEventRow>;

/** One value in COPY text format: \N for null, backslash escapes for the characters the format reserves. */
function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[\\\n\r\t]/.test(text) ? text.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t')) : text;
}

/** Postgres errors that mean "some row of this batch cannot go in as it is" (already stored, or names a deleted row). */
const FALLBACK_CODES = new Set(['23505', '23503']);

export class AnalyticsRepository {
  /**
   * The fast path: one COPY of the batch (Postgres's bulk-load path, several times cheaper per row
   * than INSERT … SELECT). COPY has no "on conflict", so it is all or nothing: if any row was stored
   * before (a redelivered batch) or names a deleted track or account, nothing is written and this
   * returns false — the caller then uses insertBatch, which handles both row by row. Returns true
   * when every row was written.
   */
  async copyBatch(pool: pg.Pool, rows: AnalyticsEventRow[]): Promise<boolean> {
    if (rows.length === 0) return true;
    const client = await pool.connect();
    try {
      const text = rows.map((r) => COPY_COLUMNS.map((c) => copyValue(r[c])).join('\t')).join('\n') + '\n';
      const stream = client.query(copyFrom(`copy public.analytics_events (${COPY_COLUMNS.join(', ')}) from stdin`));
      await pipeline(Readable.from([text]), stream);
      return true;
    } catch (error) {
      if (FALLBACK_CODES.has((error as { code?: string }).code ?? '')) return false;
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Writes a batch in one statement: the rows travel as one JSON document that Postgres expands
   * (json_to_recordset: one parse in C, no per-value escaping in JS, any row count).
   * `on conflict do nothing` on the (id, created_at) key makes a redelivered batch a no-op. Events
   * naming a track that no longer exists keep the event without the link (the column's own
   * on-delete rule), and events of a deleted account are dropped (its cascade), so one stale id
   * cannot fail the whole batch; both are checked set-wise, once per distinct id.
   * Returns how many rows were new.
   */
  async insertBatch(db: Kysely<DB>, rows: AnalyticsEventRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const result = await sql`
      with u as materialized (
        select * from json_to_recordset(${JSON.stringify(rows)}::json) as r(
          id uuid, user_id uuid, track_id uuid, session_id text, event_type text, event_category text,
          event_data jsonb, event_properties jsonb, page_url text, referrer text, user_agent text,
          ip_address inet, created_at timestamptz)),
      live_tracks as (select t.id from public.tracks t where t.id in (select distinct track_id from u where track_id is not null)),
      live_users as (select p.id from public.profiles p where p.id in (select distinct user_id from u where user_id is not null))
      insert into public.analytics_events
        (id, user_id, track_id, session_id, event_type, event_category, event_data, event_properties,
         page_url, referrer, user_agent, ip_address, created_at)
      select u.id, u.user_id, lt.id, u.session_id, u.event_type, u.event_category, u.event_data, u.event_properties,
             u.page_url, u.referrer, u.user_agent, u.ip_address, u.created_at
        from u left join live_tracks lt on lt.id = u.track_id
       where u.user_id is null or u.user_id in (select id from live_users)
      on conflict (id, created_at) do nothing`.execute(db);
    return Number(result.numAffectedRows ?? 0);
  }

  async countEvents(db: Kysely<DB>, filter: { userId?: string; eventType?: string } = {}): Promise<number> {
    let query = db.selectFrom('analytics_events').select((eb) => eb.fn.countAll<number>().as('n'));
    if (filter.userId) query = query.where('user_id', '=', filter.userId);
    if (filter.eventType) query = query.where('event_type', '=', filter.eventType);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // ---- reports: the design's functions, which check the caller (admin, self or platform) themselves ----

  async generationsDaily(db: Kysely<DB>, days: number) {
    const { rows } = await sql<{ day: Date; total: number; completed: number; failed: number; in_progress: number }>`
      select day, total, completed, failed, in_progress from public.get_analytics_generations_daily(${days}::int)`.execute(db);
    return rows;
  }

  async topGenres(db: Kysely<DB>, limit: number) {
    const { rows } = await sql<{ genre: string; track_count: number; total_plays: number; total_likes: number }>`
      select genre, track_count, total_plays, total_likes from public.get_analytics_top_genres(${limit}::int)`.execute(db);
    return rows;
  }

  /** The design's prompt_statistics view, most used prompts first (across users: callers must be admins). */
  async promptStatistics(db: Kysely<DB>, limit: number) {
    const { rows } = await sql<Record<string, unknown>>`
      select user_id, prompt, genre, tags, usage_count, success_count, failure_count, track_count,
             completed_track_count, avg_generation_time_ms, last_used_at
        from public.prompt_statistics order by usage_count desc, last_used_at desc nulls last limit ${limit}`.execute(db);
    return rows;
  }

  async archiveStatistics(db: Kysely<DB>): Promise<Record<string, unknown>> {
    const { rows } = await sql<{ r: Record<string, unknown> }>`select public.get_analytics_archive_statistics() as r`.execute(db);
    return rows[0]!.r;
  }

  /** Bytes moved to the archive bucket by completed runs still archived (the space saved in the public bucket). */
  async archivedBytes(db: Kysely<DB>): Promise<number> {
    const { rows } = await sql<{ n: string | number | null }>`
      select coalesce(sum((j.metadata ->> 'bytes')::bigint), 0) as n
        from public.track_archiving_jobs j
       where j.status = 'completed' and coalesce(j.metadata ->> 'restore', '') not in ('restored', 'archive_deleted')`.execute(db);
    return Number(rows[0]?.n ?? 0);
  }

  async userStats(db: Kysely<DB>, userId: string): Promise<Record<string, unknown> | null> {
    const { rows } = await sql<{ r: Record<string, unknown> | null }>`select public.get_analytics_user_stats(${userId}::uuid) as r`.execute(db);
    return rows[0]?.r ?? null;
  }

  async userMurekaStats(db: Kysely<DB>, userId: string): Promise<Record<string, unknown> | null> {
    const { rows } = await sql<{ r: Record<string, unknown> | null }>`select public.get_user_mureka_stats(${userId}::uuid) as r`.execute(db);
    return rows[0]?.r ?? null;
  }

  /** Events of one user by type over the last `days` days (from the ingested analytics_events). */
  async userEventCounts(db: Kysely<DB>, userId: string, days: number): Promise<Record<string, number>> {
    const rows = await db
      .selectFrom('analytics_events')
      .select(['event_type', (eb) => eb.fn.countAll<number>().as('n')])
      .where('user_id', '=', userId)
      .where('created_at', '>=', sql<Date>`now() - make_interval(days => ${days}::int)`)
      .groupBy('event_type')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.event_type, Number(r.n)]));
  }
}

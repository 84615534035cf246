-- Functions and views of both designs.
--
-- Security model. A function is security invoker when the caller's row-level security already says
-- everything (read helpers, owner edits); then it can never show or change more than the caller could
-- with plain SQL. It is security definer only when it must touch rows the caller may not write directly
-- (credit balances, the ledger, counters, other users' like counts); such a function pins
-- search_path, checks auth.uid() itself, and its EXECUTE is granted explicitly (Postgres grants
-- EXECUTE to PUBLIC by default, so every function here revokes that first).
--
-- "Trusted" callers are the platform itself: a service_role JWT, or a database role that is neither
-- anon nor authenticated (workers connect as the owner or service_role and do not assume a user).

create or replace function public.is_trusted_caller() returns boolean
language sql stable set search_path = public, pg_temp as $$
  -- current_setting('role') is the role the session assumed with SET ROLE; a security definer function
  -- does not change it, so this still describes the caller inside one.
  select auth.role() = 'service_role'
      or coalesce(nullif(current_setting('role', true), ''), 'none') not in ('anon', 'authenticated')
$$;

-- Raises unless the caller is the platform or an admin; used by the site-wide analytics.
create or replace function public.require_admin() returns void
language plpgsql stable security definer set search_path = public, pg_temp as $$
begin
  if not (public.is_trusted_caller() or public.has_role(auth.uid(), 'admin')) then
    raise exception 'admin role required' using errcode = '42501';
  end if;
end $$;

-- Raises unless the caller is user_uuid themself, an admin (when allowed), or the platform.
create or replace function public.require_self_or_trusted(user_uuid uuid, allow_admin boolean default false) returns void
language plpgsql stable security definer set search_path = public, pg_temp as $$
begin
  if user_uuid is null then
    raise exception 'user id is required' using errcode = '22004';
  end if;
  if public.is_trusted_caller() or user_uuid = auth.uid() or (allow_admin and public.has_role(auth.uid(), 'admin')) then
    return;
  end if;
  raise exception 'not allowed to act for user %', user_uuid using errcode = '42501';
end $$;

-- Start of the current UTC day: daily counters reset at 00:00 UTC.
create or replace function public.utc_day_start(_at timestamptz default now()) returns timestamptz
language sql immutable set search_path = public, pg_temp as $$
  select date_trunc('day', _at at time zone 'utc') at time zone 'utc'
$$;

-- Access of the caller to a Studio Nexus project: 4 owner, 3 collaborator admin, 2 editor, 1 viewer,
-- 0 none (also for a missing project). Only accepted invitations count. Security definer: the
-- projects and project_collaborators policies refer to each other's table, and querying them here
-- through RLS would recurse. (Policies use the set-returning form below; the guard trigger this one.)
create or replace function public.project_access_level(_project_id uuid) returns integer
language sql stable security definer set search_path = public, pg_temp as $$
  select coalesce((
    select case
      when p.user_id = auth.uid() then 4
      else coalesce((
        select case c.role when 'admin' then 3 when 'editor' then 2 else 1 end
        from public.project_collaborators c
        where c.project_id = p.id and c.user_id = auth.uid() and c.status = 'accepted'), 0)
    end
    from public.projects p where p.id = _project_id), 0)
$$;

-- The projects on which the caller has at least min_level (levels as above, owned ones included).
-- Policies use it as "project_id in (select public.accessible_project_ids(n))": an uncorrelated
-- subquery, so it runs once per statement and is probed as a hash, instead of a call per row.
create or replace function public.accessible_project_ids(min_level integer) returns setof uuid
language sql stable security definer set search_path = public, pg_temp as $$
  select p.id from public.projects p where p.user_id = auth.uid()
  union all
  select c.project_id from public.project_collaborators c
   where c.user_id = auth.uid() and c.status = 'accepted'
     and (case c.role when 'admin' then 3 when 'editor' then 2 else 1 end) >= min_level
$$;

-- ---------------------------------------------------------------------------------------------
-- Credits

-- Spends production credits atomically: a single conditional UPDATE both checks and debits, so
-- concurrent callers queue on the profile row and can never overdraw (under READ COMMITTED Postgres
-- re-checks the WHERE clause against the row a concurrent debit left behind). It also enforces the
-- plan's daily limit, counting credits_used_today from 00:00 UTC, and writes the ledger row.
-- Returns the balance after the debit.
create or replace function public.decrement_production_credits(
  user_uuid uuid, amount integer, reason text default 'generation', job_uuid uuid default null
) returns integer
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _today timestamptz := public.utc_day_start();
  _balance integer;
  _profile record;
begin
  if amount is null or amount <= 0 then
    raise exception 'amount must be a positive number of credits, got %', amount using errcode = '22023';
  end if;
  perform public.require_self_or_trusted(user_uuid);

  update public.profiles p set
    credits_remaining = p.credits_remaining - amount,
    credits_used_today = (case when p.last_credit_reset_at < _today then 0 else p.credits_used_today end) + amount,
    last_credit_reset_at = case when p.last_credit_reset_at < _today then now() else p.last_credit_reset_at end
  from public.subscription_plans sp
  where p.id = user_uuid
    and sp.name = p.subscription_plan
    and p.credits_remaining >= amount
    and (sp.credits_daily_limit < 0
         or (case when p.last_credit_reset_at < _today then 0 else p.credits_used_today end) + amount <= sp.credits_daily_limit)
  returning p.credits_remaining into _balance;

  if not found then
    select p.credits_remaining, p.credits_used_today, p.last_credit_reset_at, sp.credits_daily_limit
      into _profile
      from public.profiles p join public.subscription_plans sp on sp.name = p.subscription_plan
     where p.id = user_uuid;
    if not found then
      raise exception 'profile % not found', user_uuid using errcode = 'P0002';
    elsif _profile.credits_remaining < amount then
      raise exception 'insufficient credits: % remaining, % requested', _profile.credits_remaining, amount using errcode = 'P0001';
    else
      raise exception 'daily credit limit reached: % of % used today', 
        case when _profile.last_credit_reset_at < _today then 0 else _profile.credits_used_today end,
        _profile.credits_daily_limit using errcode = 'P0001';
    end if;
  end if;

  insert into public.credit_transactions (user_id, amount, balance_after, reason, kind, job_id)
  values (user_uuid, -amount, _balance, coalesce(reason, 'generation'), 'production', job_uuid);
  return _balance;
end $$;

-- Sandbox credits for the studio's test mode: same guarantees, no daily limit, separate balance.
create or replace function public.decrement_test_credits(
  user_uuid uuid, amount integer, reason text default 'test_generation', job_uuid uuid default null
) returns integer
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _balance integer;
  _current integer;
begin
  if amount is null or amount <= 0 then
    raise exception 'amount must be a positive number of credits, got %', amount using errcode = '22023';
  end if;
  perform public.require_self_or_trusted(user_uuid);

  update public.profiles p set test_credits_remaining = p.test_credits_remaining - amount
  where p.id = user_uuid and p.test_credits_remaining >= amount
  returning p.test_credits_remaining into _balance;

  if not found then
    select test_credits_remaining into _current from public.profiles where id = user_uuid;
    if not found then
      raise exception 'profile % not found', user_uuid using errcode = 'P0002';
    end if;
    raise exception 'insufficient credits: % test credits remaining, % requested', _current, amount using errcode = 'P0001';
  end if;

  insert into public.credit_transactions (user_id, amount, balance_after, reason, kind, job_id)
  values (user_uuid, -amount, _balance, coalesce(reason, 'test_generation'), 'test', job_uuid);
  return _balance;
end $$;

-- Counts one generation against the user's daily limit and returns the count for today. The row is
-- created on first use with the plan's daily limit (-1 = unlimited); a changed plan replaces the
-- limit, an admin's per-user override otherwise stays. The counter starts over on a new UTC day.
-- Over the limit it raises, and the raise undoes the increment.
create or replace function public.increment_generation_usage(user_uuid uuid) returns integer
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _today timestamptz := public.utc_day_start();
  _plan record;
  _used integer;
  _limit integer;
begin
  perform public.require_self_or_trusted(user_uuid);
  select sp.name, sp.credits_daily_limit into _plan
    from public.profiles p join public.subscription_plans sp on sp.name = p.subscription_plan
   where p.id = user_uuid;
  if not found then
    raise exception 'profile % not found', user_uuid using errcode = 'P0002';
  end if;

  insert into public.generation_limits as g (user_id, plan_name, generations_limit_daily, generations_used_today, last_reset_at)
  values (user_uuid, _plan.name, _plan.credits_daily_limit, 1, now())
  on conflict (user_id) do update set
    plan_name = excluded.plan_name,
    generations_limit_daily = case when g.plan_name = excluded.plan_name then g.generations_limit_daily
                                   else excluded.generations_limit_daily end,
    generations_used_today = case when g.last_reset_at < _today then 1 else g.generations_used_today + 1 end,
    last_reset_at = case when g.last_reset_at < _today then now() else g.last_reset_at end
  returning g.generations_used_today, g.generations_limit_daily into _used, _limit;

  if _limit >= 0 and _used > _limit then
    raise exception 'daily generation limit reached: % allowed', _limit using errcode = 'P0001';
  end if;
  return _used;
end $$;

-- The 00:00 UTC cron job. Only rows not yet reset today are touched, so a second run the same day
-- (or a retry after a crash) leaves usage recorded since the first run alone. Returns how many rows
-- of each table it reset.
create or replace function public.reset_daily_limits() returns jsonb
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _today timestamptz := public.utc_day_start();
  _profiles integer;
  _limits integer;
begin
  if not public.is_trusted_caller() then
    raise exception 'reset_daily_limits is for the platform scheduler' using errcode = '42501';
  end if;
  update public.profiles set credits_used_today = 0, last_credit_reset_at = now()
   where last_credit_reset_at < _today;
  get diagnostics _profiles = row_count;
  update public.generation_limits set generations_used_today = 0, last_reset_at = now()
   where last_reset_at < _today;
  get diagnostics _limits = row_count;
  return jsonb_build_object('profiles_reset', _profiles, 'generation_limits_reset', _limits);
end $$;

-- ---------------------------------------------------------------------------------------------
-- Counters

-- Anyone who can see a track may count a download of it (anonymous visitors of public tracks too);
-- nobody may otherwise write someone else's track, hence security definer. Atomic increment.
create or replace function public.increment_download_count(track_uuid uuid) returns integer
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _count integer;
begin
  update public.tracks t set download_count = t.download_count + 1
   where t.id = track_uuid and (t.is_public or t.user_id = auth.uid() or public.is_trusted_caller())
  returning t.download_count into _count;
  if not found then
    raise exception 'track % not found', track_uuid using errcode = 'P0002';
  end if;
  return _count;
end $$;

-- Named global counters (public.counters): workers fold many events into one upsert per name
-- ("batch" increments) instead of writing a row per event. Platform only.
create or replace function public.batch_increment_counter(counter_name text, amount bigint default 1) returns bigint
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _value bigint;
begin
  if not public.is_trusted_caller() then
    raise exception 'counters are written by the platform only' using errcode = '42501';
  end if;
  if amount is null then
    raise exception 'amount is required' using errcode = '22004';
  end if;
  insert into public.counters as c (name, value) values (counter_name, amount)
  on conflict (name) do update set value = c.value + excluded.value, updated_at = now()
  returning c.value into _value;
  return _value;
end $$;

-- Invoker: likes are visible where their version is (0007), so this answers only what the caller may know.
create or replace function public.is_version_liked(version_uuid uuid, user_uuid uuid) returns boolean
language sql stable set search_path = public, pg_temp as $$
  select exists (select 1 from public.track_version_likes where version_id = version_uuid and user_id = user_uuid)
$$;

-- ---------------------------------------------------------------------------------------------
-- Tracks

-- Called by the archiving worker after copying the files to tracks-archive. Platform only.
create or replace function public.mark_track_archived(track_uuid uuid) returns void
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  if not public.is_trusted_caller() then
    raise exception 'tracks are archived by the platform only' using errcode = '42501';
  end if;
  update public.tracks set archived_at = now(), archived_to_storage = true where id = track_uuid;
  if not found then
    raise exception 'track % not found', track_uuid using errcode = 'P0002';
  end if;
end $$;

-- Archiving candidates: completed, older than 90 days, not archived, and private or never played.
-- Oldest first, in batches. Invoker and platform-only: the worker runs as service_role.
create or replace function public.get_tracks_needing_archiving(batch_size integer default 100)
returns setof public.tracks
language sql stable set search_path = public, pg_temp as $$
  select t.* from public.tracks t
   where t.status = 'completed'
     and t.archived_at is null
     and t.created_at < now() - interval '90 days'
     and (not t.is_public or t.play_count = 0)
   order by t.created_at
   limit greatest(coalesce(batch_size, 100), 0)
$$;

-- Makes version_uuid the master: afterwards exactly one primary version, and its audio, cover,
-- lyrics and duration copied to the track (a field the version lacks keeps the track's value).
-- Definer with its own check: only the track's owner (or the platform) may do it; moderators, who
-- may edit tracks, may not pick another user's master.
create or replace function public.set_master_version(track_uuid uuid, version_uuid uuid) returns void
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _owner uuid;
  _version public.track_versions;
begin
  -- Lock the track first: two concurrent calls for one track run one after the other.
  select user_id into _owner from public.tracks where id = track_uuid for update;
  if not found then
    raise exception 'track % not found', track_uuid using errcode = 'P0002';
  end if;
  if not (public.is_trusted_caller() or _owner = auth.uid()) then
    raise exception 'only the owner of track % may choose its master version', track_uuid using errcode = '42501';
  end if;
  select * into _version from public.track_versions where id = version_uuid and parent_track_id = track_uuid;
  if not found then
    raise exception 'version % does not belong to track %', version_uuid, track_uuid using errcode = 'P0002';
  end if;

  -- Two statements: the one-primary unique index is checked row by row, so the old primary must be
  -- cleared before the new one is set.
  update public.track_versions set is_primary_variant = false
   where parent_track_id = track_uuid and is_primary_variant and id <> version_uuid;
  update public.track_versions set is_primary_variant = true
   where id = version_uuid and not is_primary_variant;

  update public.tracks t set
    audio_url = coalesce(_version.audio_url, t.audio_url),
    cover_url = coalesce(_version.cover_url, t.cover_url),
    lyrics = coalesce(_version.lyrics, t.lyrics),
    duration = coalesce(_version.duration, t.duration)
   where t.id = track_uuid;
end $$;

-- Sets the track's video_url and merges the video metadata into tracks.metadata -> 'video'.
-- Invoker: the tracks policies decide (owner, or a moderator).
create or replace function public.update_track_video_metadata(track_uuid uuid, video_url text, metadata jsonb default '{}')
returns void
language plpgsql set search_path = public, pg_temp as $$
begin
  update public.tracks t set
    video_url = coalesce(update_track_video_metadata.video_url, t.video_url),
    metadata = t.metadata || jsonb_build_object('video',
      coalesce(t.metadata -> 'video', '{}'::jsonb) || coalesce(update_track_video_metadata.metadata, '{}'::jsonb))
   where t.id = track_uuid;
  if not found then
    raise exception 'track % not found or not writable', track_uuid using errcode = 'P0002';
  end if;
end $$;

-- ---------------------------------------------------------------------------------------------
-- Albert3 music projects (albums). Invoker: a project, and each of its tracks, shows only if the
-- caller may see it; a project the caller cannot see gives null.

create or replace function public.get_project_details(project_uuid uuid) returns jsonb
language sql stable set search_path = public, pg_temp as $$
  select jsonb_build_object(
    'id', p.id, 'user_id', p.user_id, 'name', p.name, 'description', p.description,
    'cover_url', p.cover_url, 'genre', p.genre, 'mood', p.mood, 'status', p.status,
    'is_public', p.is_public, 'target_tracks_count', p.target_tracks_count,
    'completed_tracks', p.completed_tracks, 'created_at', p.created_at, 'updated_at', p.updated_at,
    'tracks', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', t.id, 'title', t.title, 'position', pt.position, 'status', t.status,
               'audio_url', t.audio_url, 'cover_url', t.cover_url,
               'duration', coalesce(t.duration_seconds, t.duration), 'added_at', pt.added_at)
             order by pt.position, pt.added_at)
        from public.project_tracks pt join public.tracks t on t.id = pt.track_id
       where pt.project_id = p.id), '[]'::jsonb))
  from public.music_projects p where p.id = project_uuid
$$;

-- A project's tracks are those linked through project_tracks plus those whose tracks.project_id
-- points at it (the design has both links).
create or replace function public.get_project_stats(project_uuid uuid) returns jsonb
language sql stable set search_path = public, pg_temp as $$
  select jsonb_build_object(
    'tracks_count', count(t.id),
    'completed_tracks', count(t.id) filter (where t.status = 'completed'),
    'total_duration_seconds', coalesce(sum(coalesce(t.duration_seconds, t.duration)), 0),
    'total_likes', coalesce(sum(t.like_count), 0),
    'total_plays', coalesce(sum(t.play_count), 0))
  from public.music_projects p
  left join lateral (
    -- union, not "or": each branch is an index scan, and a track linked both ways counts once.
    select t.id, t.status, t.duration, t.duration_seconds, t.like_count, t.play_count
      from public.project_tracks pt join public.tracks t on t.id = pt.track_id
     where pt.project_id = p.id
    union
    select t.id, t.status, t.duration, t.duration_seconds, t.like_count, t.play_count
      from public.tracks t
     where t.project_id = p.id) t on true
  where p.id = project_uuid
  group by p.id
$$;

-- ---------------------------------------------------------------------------------------------
-- Statistics

-- Mureka usage of one user. Invoker: for another user it counts only what the caller may see.
create or replace function public.get_user_mureka_stats(user_uuid uuid) returns jsonb
language sql stable set search_path = public, pg_temp as $$
  select jsonb_build_object(
    'user_id', user_uuid,
    'total_tracks', (select count(*) from public.tracks where user_id = user_uuid and provider = 'mureka'),
    'completed_tracks', (select count(*) from public.tracks where user_id = user_uuid and provider = 'mureka' and status = 'completed'),
    'failed_tracks', (select count(*) from public.tracks where user_id = user_uuid and provider = 'mureka' and status = 'failed'),
    'in_progress_tracks', (select count(*) from public.tracks where user_id = user_uuid and provider = 'mureka' and status in ('pending', 'processing')),
    'total_duration_seconds', (select coalesce(sum(coalesce(duration_seconds, duration)), 0) from public.tracks where user_id = user_uuid and provider = 'mureka'),
    'lyrics_jobs', (select count(*) from public.lyrics_jobs where user_id = user_uuid and provider = 'mureka'),
    'recognitions', (select count(*) from public.song_recognitions where user_id = user_uuid and mureka_task_id is not null),
    'last_generation_at', (select max(created_at) from public.tracks where user_id = user_uuid and provider = 'mureka'))
$$;

-- Site-wide archiving figures for the admin dashboard.
create or replace function public.get_analytics_archive_statistics() returns jsonb
language plpgsql stable security definer set search_path = public, pg_temp as $$
declare
  _result jsonb;
begin
  perform public.require_admin();
  select jsonb_build_object(
    'total_tracks', count(*),
    'archived_tracks', count(*) filter (where archived_at is not null),
    'archived_to_storage', count(*) filter (where archived_to_storage),
    'scheduled_for_archiving', count(*) filter (where archive_scheduled_at is not null and archived_at is null),
    'needing_archiving', count(*) filter (where status = 'completed' and archived_at is null
                                          and created_at < now() - interval '90 days' and (not is_public or play_count = 0)),
    'jobs', (select coalesce(jsonb_object_agg(status, n), '{}'::jsonb)
               from (select status, count(*) as n from public.track_archiving_jobs group by status) j))
  into _result
  from public.tracks;
  return _result;
end $$;

-- Generations per UTC day over the last `days` days (days without any are included with zeros).
create or replace function public.get_analytics_generations_daily(days integer default 30)
returns table (day date, total bigint, completed bigint, failed bigint, in_progress bigint)
language plpgsql stable security definer set search_path = public, pg_temp as $$
begin
  perform public.require_admin();
  return query
  select d.day::date,
         count(t.id),
         count(t.id) filter (where t.status = 'completed'),
         count(t.id) filter (where t.status = 'failed'),
         count(t.id) filter (where t.status in ('pending', 'processing'))
    from generate_series((now() at time zone 'utc')::date - (greatest(coalesce(days, 30), 1) - 1),
                         (now() at time zone 'utc')::date, interval '1 day') as d(day)
    left join public.tracks t
      on t.created_at >= (d.day::date::timestamp at time zone 'utc')
     and t.created_at < ((d.day::date + 1)::timestamp at time zone 'utc')
   group by d.day
   order by d.day;
end $$;

-- Genres by number of tracks (plays and likes alongside).
create or replace function public.get_analytics_top_genres(max_results integer default 10)
returns table (genre text, track_count bigint, total_plays bigint, total_likes bigint)
language plpgsql stable security definer set search_path = public, pg_temp as $$
begin
  perform public.require_admin();
  return query
  select lower(t.genre), count(*), coalesce(sum(t.play_count), 0)::bigint, coalesce(sum(t.like_count), 0)::bigint
    from public.tracks t
   where t.genre is not null and t.genre <> ''
   group by lower(t.genre)
   order by count(*) desc, lower(t.genre)
   limit greatest(coalesce(max_results, 10), 0);
end $$;

-- One user's figures: for the user themself, an admin, or the platform.
create or replace function public.get_analytics_user_stats(user_uuid uuid) returns jsonb
language plpgsql stable security definer set search_path = public, pg_temp as $$
declare
  _result jsonb;
begin
  perform public.require_self_or_trusted(user_uuid, true);
  select jsonb_build_object(
    'user_id', user_uuid,
    'tracks_total', (select count(*) from public.tracks where user_id = user_uuid),
    'tracks_completed', (select count(*) from public.tracks where user_id = user_uuid and status = 'completed'),
    'tracks_failed', (select count(*) from public.tracks where user_id = user_uuid and status = 'failed'),
    'tracks_public', (select count(*) from public.tracks where user_id = user_uuid and is_public),
    'total_plays', (select coalesce(sum(play_count), 0) from public.tracks where user_id = user_uuid),
    'total_likes', (select coalesce(sum(like_count), 0) from public.tracks where user_id = user_uuid),
    'total_downloads', (select coalesce(sum(download_count), 0) from public.tracks where user_id = user_uuid),
    'music_projects', (select count(*) from public.music_projects where user_id = user_uuid),
    'projects', (select count(*) from public.projects where user_id = user_uuid),
    'credits_remaining', p.credits_remaining,
    'credits_used_today', case when p.last_credit_reset_at < public.utc_day_start() then 0 else p.credits_used_today end,
    'generations_today', coalesce((select case when g.last_reset_at < public.utc_day_start() then 0 else g.generations_used_today end
                                     from public.generation_limits g where g.user_id = user_uuid), 0),
    'events_last_30_days', (select count(*) from public.analytics_events
                             where user_id = user_uuid and created_at >= now() - interval '30 days'))
  into _result
  from public.profiles p where p.id = user_uuid;
  return _result;
end $$;

-- ---------------------------------------------------------------------------------------------
-- Studio Nexus usage metering

-- Records usage. Definer because users may not write usage_tracking directly (they could erase
-- their own usage); a user may record only their own, positive usage.
create or replace function public.track_resource_usage(
  p_user_id uuid, p_resource_type text, p_quantity numeric default 1.0, p_resource_id uuid default null
) returns void
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform public.require_self_or_trusted(p_user_id);
  if p_quantity is null or p_quantity <= 0 then
    raise exception 'quantity must be positive, got %', p_quantity using errcode = '22023';
  end if;
  insert into public.usage_tracking (user_id, resource_type, quantity, resource_id)
  values (p_user_id, p_resource_type, p_quantity, p_resource_id);
end $$;

-- True while the user's usage of the resource in the current period is below their tier's limit
-- (no limit row or -1: unlimited). The period follows subscription_limits.reset_period, in UTC.
create or replace function public.check_usage_limit(p_user_id uuid, p_resource_type text) returns boolean
language plpgsql stable security definer set search_path = public, pg_temp as $$
declare
  _tier text;
  _limit numeric;
  _period text;
  _since timestamptz;
  _used numeric;
  _now timestamp := now() at time zone 'utc';
begin
  perform public.require_self_or_trusted(p_user_id, true);
  select subscription_tier into _tier from public.profiles where id = p_user_id;
  if not found then
    raise exception 'profile % not found', p_user_id using errcode = 'P0002';
  end if;
  select sl.limit_value, sl.reset_period into _limit, _period
    from public.subscription_limits sl
   where sl.subscription_tier = _tier and sl.resource_type = p_resource_type and sl.is_active;
  if _limit is null or _limit = -1 then
    return true;
  end if;
  _since := case _period
    when 'daily' then date_trunc('day', _now)
    when 'weekly' then date_trunc('week', _now)
    when 'monthly' then date_trunc('month', _now)
    when 'yearly' then date_trunc('year', _now)
    else '-infinity'::timestamp
  end at time zone 'utc';
  if _period = 'monthly' then
    -- billing_period is what the design sums by, and it is indexed.
    select coalesce(sum(quantity), 0) into _used from public.usage_tracking
     where user_id = p_user_id and resource_type = p_resource_type and billing_period = date_trunc('month', _now)::date;
  else
    select coalesce(sum(quantity), 0) into _used from public.usage_tracking
     where user_id = p_user_id and resource_type = p_resource_type and created_at >= _since;
  end if;
  return _used < _limit;
end $$;

-- ---------------------------------------------------------------------------------------------
-- Views. security_invoker: the caller's row-level security applies to the underlying tables, so a
-- view shows nobody more than the tables would.

-- Prompt usage and outcome, grouped by user, prompt, genre and tags. usage_count counts every
-- history row at least once; success_count counts successful generations; tracks made from the
-- prompts (tracks.source_prompt_id) are counted alongside.
create view public.prompt_statistics with (security_invoker = true) as
select ph.user_id,
       ph.prompt,
       ph.genre,
       ph.tags,
       sum(greatest(ph.usage_count, 1))::bigint as usage_count,
       count(*) filter (where ph.generation_status = 'success')::bigint as success_count,
       count(*) filter (where ph.generation_status = 'failed')::bigint as failure_count,
       sum(tr.tracks)::bigint as track_count,
       sum(tr.completed)::bigint as completed_track_count,
       round(avg(ph.generation_time_ms))::integer as avg_generation_time_ms,
       max(coalesce(ph.last_used_at, ph.created_at)) as last_used_at
  from public.prompt_history ph
  cross join lateral (
    select count(*) as tracks, count(*) filter (where t.status = 'completed') as completed
      from public.tracks t where t.source_prompt_id = ph.id) tr
 group by ph.user_id, ph.prompt, ph.genre, ph.tags;

-- Tracks whose metadata carries timestamped lyrics ([{start, end, text}, …]).
create view public.tracks_with_timestamped_lyrics with (security_invoker = true) as
select t.id,
       t.user_id,
       t.title,
       t.audio_url,
       t.lyrics,
       t.is_public,
       true as has_timestamped_lyrics,
       t.metadata -> 'timestamped_lyrics' as timestamped_lyrics,
       t.created_at
  from public.tracks t
 where jsonb_typeof(t.metadata -> 'timestamped_lyrics') = 'array';

-- Views are for reading.
revoke insert, update, delete, truncate on public.prompt_statistics, public.tracks_with_timestamped_lyrics
  from anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- EXECUTE grants. Revoke the PUBLIC default, then grant per audience.
revoke execute on function
  public.is_trusted_caller(),
  public.require_admin(),
  public.require_self_or_trusted(uuid, boolean),
  public.utc_day_start(timestamptz),
  public.project_access_level(uuid),
  public.accessible_project_ids(integer),
  public.decrement_production_credits(uuid, integer, text, uuid),
  public.decrement_test_credits(uuid, integer, text, uuid),
  public.increment_generation_usage(uuid),
  public.reset_daily_limits(),
  public.increment_download_count(uuid),
  public.batch_increment_counter(text, bigint),
  public.is_version_liked(uuid, uuid),
  public.mark_track_archived(uuid),
  public.get_tracks_needing_archiving(integer),
  public.set_master_version(uuid, uuid),
  public.update_track_video_metadata(uuid, text, jsonb),
  public.get_project_details(uuid),
  public.get_project_stats(uuid),
  public.get_user_mureka_stats(uuid),
  public.get_analytics_archive_statistics(),
  public.get_analytics_generations_daily(integer),
  public.get_analytics_top_genres(integer),
  public.get_analytics_user_stats(uuid),
  public.track_resource_usage(uuid, text, numeric, uuid),
  public.check_usage_limit(uuid, text)
from public;

-- Helpers that policies and other functions call on behalf of any caller.
grant execute on function
  public.is_trusted_caller(),
  public.require_admin(),
  public.require_self_or_trusted(uuid, boolean),
  public.utc_day_start(timestamptz),
  public.project_access_level(uuid),
  public.accessible_project_ids(integer)
to anon, authenticated, service_role;

-- Reading public things: anonymous visitors too.
grant execute on function
  public.increment_download_count(uuid),
  public.is_version_liked(uuid, uuid),
  public.get_project_details(uuid),
  public.get_project_stats(uuid)
to anon, authenticated, service_role;

-- Signed-in users (each function checks whose data it touches).
grant execute on function
  public.decrement_production_credits(uuid, integer, text, uuid),
  public.decrement_test_credits(uuid, integer, text, uuid),
  public.increment_generation_usage(uuid),
  public.set_master_version(uuid, uuid),
  public.update_track_video_metadata(uuid, text, jsonb),
  public.get_user_mureka_stats(uuid),
  public.get_analytics_archive_statistics(),
  public.get_analytics_generations_daily(integer),
  public.get_analytics_top_genres(integer),
  public.get_analytics_user_stats(uuid),
  public.track_resource_usage(uuid, text, numeric, uuid),
  public.check_usage_limit(uuid, text)
to authenticated, service_role;

-- The platform only (schedulers and workers).
grant execute on function
  public.reset_daily_limits(),
  public.batch_increment_counter(text, bigint),
  public.mark_track_archived(uuid),
  public.get_tracks_needing_archiving(integer)
to service_role;

-- analytics_events: the one table both designs define, merged into the union of their columns.
--   Albert3: id, user_id, track_id, event_type, event_data, created_at
--   Nexus:   id, user_id, session_id, event_type, event_category, event_properties, page_url,
--            referrer, user_agent, ip_address, created_at
-- event_data and event_properties are both kept (Albert3 writers fill the first, Nexus writers the
-- second) so neither design's code needs to change. Event types stay an open list: both designs end
-- theirs with "etc.".
--
-- Millions of rows (Albert3: "партиционирование analytics_events по дате"), so the table is
-- range-partitioned by month on created_at; a partitioned table's primary key must contain the
-- partition key, hence (id, created_at). Rows outside every monthly partition land in the default one.

create table public.analytics_events (
  id uuid not null default gen_random_uuid(),
  user_id uuid references public.profiles (id) on delete cascade,
  track_id uuid references public.tracks (id) on delete set null,
  session_id text,
  event_type text not null check (length(event_type) between 1 and 100),
  event_category text check (event_category in ('navigation', 'audio', 'ai', 'export')),
  event_data jsonb not null default '{}',
  event_properties jsonb not null default '{}',
  page_url text,
  referrer text,
  user_agent text,
  ip_address inet,
  created_at timestamptz not null default now(),
  primary key (id, created_at)
) partition by range (created_at);

create index idx_analytics_events_event_type on public.analytics_events (event_type);
create index idx_analytics_events_created_at on public.analytics_events (created_at desc);
create index idx_analytics_events_user_id on public.analytics_events (user_id);
create index idx_analytics_events_category on public.analytics_events (event_category);
create index idx_analytics_events_track_id on public.analytics_events (track_id) where track_id is not null;

create table public.analytics_events_default partition of public.analytics_events default;

-- Partitions are reached through the parent, whose policies (0007) decide visibility. A partition
-- queried by name would bypass them, and the schema's default privileges grant every new table to
-- anon/authenticated; so each partition has row-level security on (no policy: nothing visible)
-- and those privileges revoked.
create or replace function public.secure_analytics_partition(_partition regclass) returns void
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  execute format('alter table %s enable row level security', _partition);
  execute format('revoke all on table %s from anon, authenticated', _partition);
end $$;
select public.secure_analytics_partition('public.analytics_events_default');

-- Creates the monthly partitions analytics_events_yYYYYmMM from the current UTC month through
-- months_ahead months later; existing ones are left alone, so it is safe to run from a daily cron.
-- Rows that already sit in the default partition for a new month are moved into it (attaching a
-- range that the default partition still holds rows for would otherwise fail).
-- Returns the names of the partitions it created.
create or replace function public.ensure_analytics_partitions(months_ahead integer default 3)
returns setof text
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _month date := date_trunc('month', now() at time zone 'utc')::date;
  _from timestamptz;
  _to timestamptz;
  _name text;
begin
  if months_ahead is null or months_ahead < 0 or months_ahead > 120 then
    raise exception 'months_ahead must be between 0 and 120, got %', months_ahead using errcode = '22023';
  end if;
  -- Two concurrent callers must not both try to create the same partition.
  perform pg_advisory_xact_lock(hashtext('public.ensure_analytics_partitions'));
  for i in 0 .. months_ahead loop
    _name := format('analytics_events_y%sm%s', to_char(_month, 'YYYY'), to_char(_month, 'MM'));
    _from := (_month::timestamp at time zone 'utc');
    _to := ((_month + interval '1 month')::timestamp at time zone 'utc');
    if to_regclass('public.' || _name) is null then
      if exists (select 1 from public.analytics_events_default where created_at >= _from and created_at < _to) then
        execute format('create table public.%I (like public.analytics_events including defaults including constraints)', _name);
        execute format(
          'with moved as (delete from public.analytics_events_default where created_at >= $1 and created_at < $2 returning *)
           insert into public.%I select * from moved', _name) using _from, _to;
        execute format('alter table public.analytics_events attach partition public.%I for values from (%L) to (%L)', _name, _from, _to);
      else
        execute format('create table public.%I partition of public.analytics_events for values from (%L) to (%L)', _name, _from, _to);
      end if;
      perform public.secure_analytics_partition(('public.' || quote_ident(_name))::regclass);
      return next _name;
    end if;
    _month := (_month + interval '1 month')::date;
  end loop;
end $$;

revoke execute on function public.secure_analytics_partition(regclass) from public;
revoke execute on function public.ensure_analytics_partitions(integer) from public;
grant execute on function public.ensure_analytics_partitions(integer) to service_role;

-- The current month and the next three.
select public.ensure_analytics_partitions(3);

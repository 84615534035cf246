-- Platform spine: Supabase-compatible auth schema and roles, accounts, tracks and versions,
-- and the job pipeline (jobs, outbox, idempotency keys). Later migrations add the rest of the designs.

create extension if not exists pgcrypto;

-- Roles exist once per cluster; every database of the cluster shares them.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then create role anon nologin; end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin; end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then create role service_role nologin bypassrls; end if;
end $$;
grant anon, authenticated, service_role to current_user;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

-- Identity of the caller, set per transaction by the gateway (request.jwt.claims), as Supabase does.
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb
$$;
create or replace function auth.uid() returns uuid language sql stable as $$
  select nullif(auth.jwt() ->> 'sub', '')::uuid
$$;
create or replace function auth.role() returns text language sql stable as $$
  select coalesce(auth.jwt() ->> 'role', 'anon')
$$;

create table auth.users (
  id uuid primary key default gen_random_uuid(),
  email text not null check (length(email) between 3 and 320),
  encrypted_password text not null,
  raw_user_meta_data jsonb not null default '{}',
  email_confirmed_at timestamptz,
  last_sign_in_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_email_key on auth.users (lower(email));

create or replace function public.update_updated_at() returns trigger language plpgsql as $$
begin
  new.updated_at = now();
  return new;
end $$;

-- Plans (Albert3 subscription_plans; limits -1 mean unlimited, as Studio Nexus writes them).
create table public.subscription_plans (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  display_name text not null,
  description text,
  credits_monthly integer not null,
  credits_daily_limit integer not null,
  max_concurrent_generations integer not null,
  max_projects integer not null,
  max_tracks_per_project integer not null,
  features jsonb not null default '{}',
  price_monthly numeric(10,2) not null default 0,
  price_yearly numeric(10,2) not null default 0,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
insert into public.subscription_plans
  (name, display_name, description, credits_monthly, credits_daily_limit, max_concurrent_generations,
   max_projects, max_tracks_per_project, features, price_monthly, price_yearly)
values
  ('free', 'Free', '10 tracks a month, basic features', 10, 5, 2, 3, 10,
   '{"stems": false, "wav": false, "upscale": false, "commercial_use": false}', 0, 0),
  ('pro', 'Pro', '100 tracks a month, extended features', 100, 30, 5, 50, 100,
   '{"stems": true, "wav": true, "upscale": true, "commercial_use": true}', 10, 96),
  ('premium', 'Premium', 'No limits, every feature', -1, -1, 10, -1, -1,
   '{"stems": true, "wav": true, "upscale": true, "commercial_use": true, "priority_queue": true}', 30, 288);

-- profiles: the union of Albert3 and Studio Nexus columns.
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  email text,
  username text not null unique,
  full_name text,
  avatar_url text,
  bio text,
  website_url text,
  subscription_plan text not null default 'free' references public.subscription_plans (name) on update cascade,
  subscription_tier text not null default 'free' check (subscription_tier in ('free', 'pro', 'enterprise')),
  subscription_status text not null default 'active' check (subscription_status in ('active', 'cancelled', 'expired')),
  subscription_expires_at timestamptz,
  credits_remaining integer not null default 0 check (credits_remaining >= 0),
  credits_used_today integer not null default 0 check (credits_used_today >= 0),
  last_credit_reset_at timestamptz not null default now(),
  total_projects integer not null default 0,
  total_transformations integer not null default 0,
  storage_used_mb integer not null default 0,
  preferences jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_profiles_subscription_plan on public.profiles (subscription_plan);
create index idx_profiles_email on public.profiles (email);
create index idx_profiles_subscription on public.profiles (subscription_tier);
create trigger profiles_updated_at before update on public.profiles
  for each row execute function public.update_updated_at();

-- The seed's create_profile_on_signup, granting the free plan's monthly credits.
create or replace function public.create_profile_on_signup() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  insert into public.profiles (id, email, username, full_name, credits_remaining, created_at)
  values (
    new.id,
    new.email,
    left(regexp_replace(lower(split_part(new.email, '@', 1)), '[^a-z0-9_]', '_', 'g'), 40) || '_' || left(new.id::text, 8),
    new.raw_user_meta_data ->> 'full_name',
    (select greatest(credits_monthly, 0) from public.subscription_plans where name = 'free'),
    now()
  );
  return new;
end $$;
create trigger create_profile_on_signup after insert on auth.users
  for each row execute function public.create_profile_on_signup();

create type public.app_role as enum ('user', 'moderator', 'admin');
create table public.user_roles (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  role public.app_role not null,
  created_at timestamptz not null default now(),
  unique (user_id, role)
);

-- Security definer so policies can ask about roles without user_roles' own policy recursing.
create or replace function public.has_role(_user_id uuid, _role public.app_role) returns boolean
language sql stable security definer set search_path = public, pg_temp as $$
  select exists (select 1 from public.user_roles where user_id = _user_id and role = _role)
$$;

create table public.tracks (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  title text,
  prompt text not null,
  improved_prompt text,
  lyrics text,
  audio_url text,
  video_url text,
  cover_url text,
  duration integer,
  duration_seconds integer,
  status text not null default 'pending' check (status in ('pending', 'processing', 'completed', 'failed')),
  error_message text,
  progress_percent integer not null default 0 check (progress_percent between 0 and 100),
  provider text,
  suno_id text,
  mureka_task_id text,
  model_name text,
  genre text,
  mood text,
  style_tags text[] not null default '{}',
  project_id uuid,
  persona_id uuid,
  reference_audio_url text,
  source_prompt_id uuid,
  idempotency_key text,
  is_public boolean not null default false,
  has_stems boolean not null default false,
  has_vocals boolean,
  like_count integer not null default 0,
  play_count integer not null default 0,
  view_count integer not null default 0,
  download_count integer not null default 0,
  archived_at timestamptz,
  archive_scheduled_at timestamptz,
  archived_to_storage boolean not null default false,
  storage_audio_url text,
  storage_cover_url text,
  storage_video_url text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  created_at_suno timestamptz,
  updated_at timestamptz not null default now()
);
create index idx_tracks_user_id on public.tracks (user_id);
create index idx_tracks_status on public.tracks (status);
create index idx_tracks_created_at on public.tracks (created_at desc);
create index idx_tracks_project_id on public.tracks (project_id);
create index idx_tracks_suno_id on public.tracks (suno_id);
create index idx_tracks_is_public on public.tracks (is_public) where is_public = true;
create trigger tracks_updated_at before update on public.tracks
  for each row execute function public.update_updated_at();

create table public.track_versions (
  id uuid primary key default gen_random_uuid(),
  parent_track_id uuid not null references public.tracks (id) on delete cascade,
  variant_index integer not null check (variant_index >= 0),
  audio_url text,
  video_url text,
  cover_url text,
  duration integer,
  lyrics text,
  suno_id text,
  is_primary_variant boolean not null default false,
  is_preferred_variant boolean not null default false,
  like_count integer not null default 0,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  unique (parent_track_id, variant_index)
);
create index idx_track_versions_parent_track_id on public.track_versions (parent_track_id);
create index idx_track_versions_is_primary on public.track_versions (is_primary_variant) where is_primary_variant = true;
-- Exactly one master version per track.
create unique index track_versions_one_primary on public.track_versions (parent_track_id) where is_primary_variant;

create table public.track_retry_attempts (
  id uuid primary key default gen_random_uuid(),
  track_id uuid not null references public.tracks (id) on delete cascade,
  job_id uuid,
  attempt_number integer not null check (attempt_number between 1 and 3),
  attempted_at timestamptz not null default now(),
  error_message text,
  unique (track_id, job_id, attempt_number)
);
create index idx_track_retry_attempts_track_id on public.track_retry_attempts (track_id);

create table public.callback_logs (
  id uuid primary key default gen_random_uuid(),
  track_id uuid references public.tracks (id) on delete set null,
  job_id uuid,
  callback_type text not null,
  provider text,
  dedup_key text unique,
  payload jsonb not null default '{}',
  error_message text,
  created_at timestamptz not null default now()
);
create index idx_callback_logs_track_id on public.callback_logs (track_id);
create index idx_callback_logs_job_id on public.callback_logs (job_id);

create table public.notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  type text not null default 'info' check (type in ('info', 'success', 'warning', 'error')),
  title text not null,
  message text not null,
  link text,
  read boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_notifications_user_id_read on public.notifications (user_id, read);
create trigger notifications_updated_at before update on public.notifications
  for each row execute function public.update_updated_at();

-- One row per asynchronous job of any kind; the domain row it works on is resource_type/resource_id.
create table public.jobs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  kind text not null check (kind in ('generation', 'lyrics', 'stems', 'wav', 'upscale', 'classification',
    'description', 'recognition', 'section_replacement', 'persona', 'transformation', 'archiving')),
  status text not null default 'pending' check (status in ('pending', 'processing', 'completed', 'failed', 'cancelled')),
  progress smallint not null default 0 check (progress between 0 and 100),
  attempts integer not null default 0,
  max_attempts integer not null default 3 check (max_attempts between 1 and 3),
  queue_name text not null,
  job_name text not null,
  resource_type text,
  resource_id uuid,
  provider text,
  provider_task_id text,
  idempotency_key text,
  callback_url text,
  correlation_id text,
  payload jsonb not null default '{}',
  result jsonb,
  error jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  completed_at timestamptz
);
create index idx_jobs_user_created on public.jobs (user_id, created_at desc, id desc);
create index idx_jobs_resource on public.jobs (resource_type, resource_id);
create index idx_jobs_unfinished on public.jobs (updated_at) where status in ('pending', 'processing');
create index idx_jobs_provider_task on public.jobs (provider, provider_task_id) where provider_task_id is not null;
create trigger jobs_updated_at before update on public.jobs
  for each row execute function public.update_updated_at();

-- Transactional outbox: written with the job, published to BullMQ by the relay.
create table public.outbox (
  id bigint generated always as identity primary key,
  queue_name text not null,
  job_name text not null,
  queue_job_id text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  published_at timestamptz,
  publish_attempts integer not null default 0,
  last_error text
);
create index idx_outbox_unpublished on public.outbox (id) where published_at is null;

-- Idempotency-Key replay store: the first response to a key is kept for 24 hours.
create table public.idempotency_keys (
  user_id uuid not null references public.profiles (id) on delete cascade,
  key text not null check (length(key) between 1 and 255),
  request_method text not null,
  request_path text not null,
  request_hash text not null,
  response_status integer,
  response_body jsonb,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '24 hours',
  primary key (user_id, key)
);
create index idx_idempotency_keys_expires on public.idempotency_keys (expires_at);

-- Row-level security: the database itself keeps users apart.
alter table auth.users enable row level security;
alter table public.subscription_plans enable row level security;
alter table public.profiles enable row level security;
alter table public.user_roles enable row level security;
alter table public.tracks enable row level security;
alter table public.track_versions enable row level security;
alter table public.track_retry_attempts enable row level security;
alter table public.callback_logs enable row level security;
alter table public.notifications enable row level security;
alter table public.jobs enable row level security;
alter table public.outbox enable row level security;
alter table public.idempotency_keys enable row level security;

grant usage on schema public to anon, authenticated, service_role;
grant select, insert, update, delete on all tables in schema public to authenticated, service_role;
grant select on all tables in schema public to anon;
grant usage, select on all sequences in schema public to authenticated, service_role;
alter default privileges in schema public grant select, insert, update, delete on tables to authenticated, service_role;
alter default privileges in schema public grant select on tables to anon;
alter default privileges in schema public grant usage, select on sequences to authenticated, service_role;
grant select, insert, update, delete on all tables in schema auth to service_role;

-- (select auth.uid()) is evaluated once per statement, not once per row.
create policy users_own on auth.users for select to authenticated using (id = (select auth.uid()));

create policy plans_read on public.subscription_plans for select to anon, authenticated using (is_active);

create policy profiles_select_own on public.profiles for select to authenticated using (id = (select auth.uid()));
create policy profiles_select_public on public.profiles for select to anon, authenticated
  using (preferences ->> 'profile_public' = 'true');
create policy profiles_update_own on public.profiles for update to authenticated
  using (id = (select auth.uid())) with check (id = (select auth.uid()));
create policy profiles_update_admin on public.profiles for update to authenticated
  using ((select public.has_role(auth.uid(), 'admin')));

create policy user_roles_select_own on public.user_roles for select to authenticated using (user_id = (select auth.uid()));
create policy user_roles_admin on public.user_roles for all to authenticated
  using ((select public.has_role(auth.uid(), 'admin'))) with check ((select public.has_role(auth.uid(), 'admin')));

create policy tracks_select_own on public.tracks for select to authenticated using (user_id = (select auth.uid()));
create policy tracks_select_public on public.tracks for select to anon, authenticated using (is_public);
create policy tracks_insert_own on public.tracks for insert to authenticated with check (user_id = (select auth.uid()));
create policy tracks_update_own on public.tracks for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy tracks_update_moderator on public.tracks for update to authenticated
  using ((select public.has_role(auth.uid(), 'moderator')) or (select public.has_role(auth.uid(), 'admin')));
create policy tracks_delete_own on public.tracks for delete to authenticated using (user_id = (select auth.uid()));
create policy tracks_delete_admin on public.tracks for delete to authenticated using ((select public.has_role(auth.uid(), 'admin')));

-- A version is visible and writable exactly as its track is.
create policy track_versions_select on public.track_versions for select to anon, authenticated
  using (exists (select 1 from public.tracks t where t.id = parent_track_id));
create policy track_versions_write_own on public.track_versions for all to authenticated
  using (exists (select 1 from public.tracks t where t.id = parent_track_id and t.user_id = (select auth.uid())))
  with check (exists (select 1 from public.tracks t where t.id = parent_track_id and t.user_id = (select auth.uid())));

create policy track_retry_attempts_select_own on public.track_retry_attempts for select to authenticated
  using (exists (select 1 from public.tracks t where t.id = track_id and t.user_id = (select auth.uid())));

-- callback_logs and outbox are system-only: RLS on, no policy for users.

create policy notifications_own on public.notifications for select to authenticated using (user_id = (select auth.uid()));
create policy notifications_update_own on public.notifications for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy notifications_delete_own on public.notifications for delete to authenticated using (user_id = (select auth.uid()));

create policy jobs_select_own on public.jobs for select to authenticated using (user_id = (select auth.uid()));
create policy jobs_insert_own on public.jobs for insert to authenticated with check (user_id = (select auth.uid()));
create policy jobs_update_own on public.jobs for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

create policy idempotency_keys_own on public.idempotency_keys for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

-- Every job is published by construction: inserting the job row writes its outbox row in the same
-- transaction. The payload is the contracts' JobMessage; users cannot write the outbox themselves.
create or replace function public.enqueue_job() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  insert into public.outbox (queue_name, job_name, queue_job_id, payload)
  values (new.queue_name, new.job_name, new.id::text,
          jsonb_build_object('jobId', new.id, 'userId', new.user_id, 'correlationId', coalesce(new.correlation_id, new.id::text)));
  return null;
end $$;
create trigger jobs_enqueue after insert on public.jobs
  for each row execute function public.enqueue_job();

-- Studio Nexus tables: sessions, audio projects with versions and collaborators, AI transformations,
-- presets, usage metering and limits, error logs, and the social tables. analytics_events, which both
-- designs define, is merged in 0004. profiles is already the union of both designs (0001).
--
-- Nexus points owner columns at auth.users; here they point at public.profiles, which is 1:1 with
-- auth.users and cascades from it, so deleting an account behaves the same and joins stay direct.
-- Nexus writes its status/tier lists as text + check (its enum types are unused by its tables); so do we.
-- Columns with a default are not null, as the spine does for profiles.

create table public.user_sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  session_token text not null,
  ip_address inet,
  user_agent text,
  last_activity timestamptz not null default now(),
  created_at timestamptz not null default now()
);
create index idx_user_sessions_user_id on public.user_sessions (user_id);
create index idx_user_sessions_token on public.user_sessions (session_token);
create index idx_user_sessions_activity on public.user_sessions (last_activity);

-- An audio project (upload, effects, AI transformations). Albert3 albums are public.music_projects.
create table public.projects (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  title text not null,
  description text,
  genre text,
  tags text[] not null default '{}',
  original_audio_path text,
  processed_audio_path text,
  waveform_data jsonb,
  duration_seconds numeric(10,3) check (duration_seconds >= 0),
  sample_rate integer not null default 44100 check (sample_rate > 0),
  effects_settings jsonb not null default '{}',
  metronome_bpm integer not null default 120 check (metronome_bpm between 60 and 200),
  project_settings jsonb not null default '{}',
  status text not null default 'draft' check (status in ('draft', 'processing', 'completed', 'archived')),
  is_public boolean not null default false,
  is_featured boolean not null default false,
  play_count integer not null default 0 check (play_count >= 0),
  like_count integer not null default 0 check (like_count >= 0),
  download_count integer not null default 0 check (download_count >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_played_at timestamptz
);
create index idx_projects_user_id on public.projects (user_id);
create index idx_projects_status on public.projects (status);
create index idx_projects_public on public.projects (is_public) where is_public = true;
create index idx_projects_featured on public.projects (is_featured) where is_featured = true;
create index idx_projects_created_at on public.projects (created_at desc);
create index idx_projects_tags on public.projects using gin (tags);

create table public.project_versions (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references public.projects (id) on delete cascade,
  version_number integer not null check (version_number >= 1),
  title text not null,
  description text,
  audio_file_path text,
  effects_settings jsonb not null default '{}',
  created_at timestamptz not null default now(),
  unique (project_id, version_number)
);
create index idx_project_versions_project_id on public.project_versions (project_id);
create index idx_project_versions_created_at on public.project_versions (created_at desc);

create table public.project_collaborators (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references public.projects (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  -- Nexus makes this not null without an on delete rule, which would forbid deleting the inviter's
  -- account; the invitation outlives its sender instead.
  invited_by uuid references public.profiles (id) on delete set null,
  role text not null default 'viewer' check (role in ('viewer', 'editor', 'admin')),
  permissions jsonb not null default '{}',
  status text not null default 'pending' check (status in ('pending', 'accepted', 'declined')),
  invited_at timestamptz not null default now(),
  accepted_at timestamptz,
  unique (project_id, user_id)
);
create index idx_project_collaborators_project_id on public.project_collaborators (project_id);
create index idx_project_collaborators_user_id on public.project_collaborators (user_id);
create index idx_project_collaborators_invited_by on public.project_collaborators (invited_by) where invited_by is not null;
-- The access check of every collaborator policy: (project, user) of an accepted invitation.
create index idx_project_collaborators_accepted on public.project_collaborators (project_id, user_id, role) where status = 'accepted';

create table public.ai_transformations (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references public.projects (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  status text not null default 'pending' check (status in ('pending', 'processing', 'completed', 'failed', 'cancelled')),
  transformation_type text not null, -- 'orchestral', 'electronic', 'jazz', … (open list)
  input_audio_path text not null,
  output_audio_path text,
  parameters jsonb not null default '{}',
  model_version text,
  processing_time_seconds integer check (processing_time_seconds >= 0),
  replicate_prediction_id text unique,
  external_job_id text,
  quality_score numeric(3,2) check (quality_score between 0 and 1),
  user_rating integer check (user_rating between 1 and 5),
  user_feedback text,
  error_code text,
  error_message text,
  retry_count integer not null default 0 check (retry_count >= 0),
  created_at timestamptz not null default now(),
  started_at timestamptz,
  completed_at timestamptz,
  expires_at timestamptz not null default (now() + interval '7 days')
);
create index idx_ai_transformations_project_id on public.ai_transformations (project_id);
create index idx_ai_transformations_user_id on public.ai_transformations (user_id);
create index idx_ai_transformations_status on public.ai_transformations (status);
create index idx_ai_transformations_type on public.ai_transformations (transformation_type);
create index idx_ai_transformations_created_at on public.ai_transformations (created_at desc);
-- (replicate_prediction_id is unique, so its index comes with the constraint.)

create table public.ai_model_presets (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  description text,
  transformation_type text not null,
  parameters jsonb not null,
  preview_audio_url text,
  thumbnail_url text,
  is_premium boolean not null default false,
  is_active boolean not null default true,
  usage_count integer not null default 0 check (usage_count >= 0),
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_ai_presets_type on public.ai_model_presets (transformation_type);
create index idx_ai_presets_active on public.ai_model_presets (is_active) where is_active = true;
create index idx_ai_presets_usage on public.ai_model_presets (usage_count desc);
create index idx_ai_presets_created_by on public.ai_model_presets (created_by) where created_by is not null;

-- user_id is null for system presets.
create table public.effects_presets (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references public.profiles (id) on delete cascade,
  name text not null,
  description text,
  category text, -- 'vocal', 'instrument', 'ambient', … (open list)
  effects_chain jsonb not null check (jsonb_typeof(effects_chain) = 'array'),
  preview_audio_url text,
  is_public boolean not null default false,
  is_system_preset boolean not null default false,
  usage_count integer not null default 0 check (usage_count >= 0),
  rating_average numeric(3,2) not null default 0.00 check (rating_average between 0 and 5),
  rating_count integer not null default 0 check (rating_count >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (is_system_preset or user_id is not null)
);
create index idx_effects_presets_user_id on public.effects_presets (user_id);
create index idx_effects_presets_category on public.effects_presets (category);
create index idx_effects_presets_public on public.effects_presets (is_public) where is_public = true;
create index idx_effects_presets_system on public.effects_presets (is_system_preset) where is_system_preset = true;
create index idx_effects_presets_rating on public.effects_presets (rating_average desc);

-- Metering; billing_period is the first day of the UTC month the usage falls in.
create table public.usage_tracking (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  resource_type text not null, -- 'ai_transformations', 'exports', 'storage_mb', 'projects'
  resource_id uuid,
  quantity numeric(10,3) not null default 1.0,
  unit text not null default 'count' check (unit in ('count', 'mb', 'seconds', 'minutes')),
  metadata jsonb not null default '{}',
  billing_period date not null default (date_trunc('month', now() at time zone 'utc'))::date,
  created_at timestamptz not null default now()
);
create index idx_usage_tracking_user_id on public.usage_tracking (user_id);
create index idx_usage_tracking_type on public.usage_tracking (resource_type);
create index idx_usage_tracking_period on public.usage_tracking (billing_period);
create index idx_usage_tracking_created_at on public.usage_tracking (created_at);
-- check_usage_limit sums one user's usage of one resource in one period.
create index idx_usage_tracking_user_type_period on public.usage_tracking (user_id, resource_type, billing_period);

-- Per-tier limits; -1 means unlimited. Tiers are profiles.subscription_tier.
create table public.subscription_limits (
  id uuid primary key default gen_random_uuid(),
  subscription_tier text not null check (subscription_tier in ('free', 'pro', 'enterprise')),
  resource_type text not null,
  limit_value numeric(10,3) not null check (limit_value >= 0 or limit_value = -1),
  limit_unit text not null check (limit_unit in ('count', 'mb', 'seconds', 'minutes')),
  reset_period text not null default 'monthly' check (reset_period in ('daily', 'weekly', 'monthly', 'yearly', 'lifetime')),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  unique (subscription_tier, resource_type)
);

create table public.error_logs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references public.profiles (id) on delete cascade,
  error_type text not null check (error_type in ('client_error', 'server_error', 'api_error')),
  error_code text,
  error_message text not null,
  error_stack text,
  context jsonb not null default '{}',
  severity text not null default 'error' check (severity in ('info', 'warning', 'error', 'critical')),
  resolved boolean not null default false,
  created_at timestamptz not null default now()
);
create index idx_error_logs_user_id on public.error_logs (user_id);
create index idx_error_logs_type on public.error_logs (error_type);
create index idx_error_logs_severity on public.error_logs (severity);
create index idx_error_logs_resolved on public.error_logs (resolved);
create index idx_error_logs_created_at on public.error_logs (created_at desc);

create table public.project_likes (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references public.projects (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  unique (project_id, user_id)
);
create index idx_project_likes_project_id on public.project_likes (project_id);
create index idx_project_likes_user_id on public.project_likes (user_id);

create table public.user_followers (
  id uuid primary key default gen_random_uuid(),
  follower_id uuid not null references public.profiles (id) on delete cascade,
  following_id uuid not null references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  unique (follower_id, following_id),
  check (follower_id <> following_id)
);
create index idx_user_followers_follower_id on public.user_followers (follower_id);
create index idx_user_followers_following_id on public.user_followers (following_id);

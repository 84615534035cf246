-- Albert3 studio tables beyond the spine: limits, track children, music projects (albums), prompts,
-- lyrics, personas, AI analysis jobs, audio library, DAW projects, settings, plus the credit ledger and
-- named counters the functions of 0005 need. Policies are in 0007, triggers in 0006.
--
-- Conventions: every owner column references public.profiles (1:1 with auth.users, cascading from it),
-- so deleting an account removes its rows; optional links to other rows use on delete set null so a
-- deleted album, persona or prompt never takes tracks with it. Columns with a default are not null.
-- The design lists omit created_at/updated_at on most tables although its indexes and triggers use them;
-- every table gets created_at, and every table whose rows are edited after insert gets updated_at.

-- Sandbox credits for decrement_test_credits (studio test mode); production credits stay separate.
alter table public.profiles
  add column test_credits_remaining integer not null default 100 check (test_credits_remaining >= 0);

-- Per-user daily generation counter. One row per user, created lazily by increment_generation_usage.
create table public.generation_limits (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null unique references public.profiles (id) on delete cascade,
  plan_name text not null default 'free' references public.subscription_plans (name) on update cascade,
  -- -1 means unlimited, as in subscription_plans.
  generations_limit_daily integer not null default 5 check (generations_limit_daily >= -1),
  generations_used_today integer not null default 0 check (generations_used_today >= 0),
  last_reset_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Ledger of every credit movement; written only by the decrement functions (security definer).
create table public.credit_transactions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  amount integer not null check (amount <> 0), -- negative for a debit
  balance_after integer not null check (balance_after >= 0),
  reason text not null,
  kind text not null check (kind in ('production', 'test')),
  job_id uuid references public.jobs (id) on delete set null,
  created_at timestamptz not null default now()
);
create index idx_credit_transactions_user_created on public.credit_transactions (user_id, created_at desc);
create index idx_credit_transactions_job_id on public.credit_transactions (job_id) where job_id is not null;

-- Named global counters for batch_increment_counter (e.g. 'tracks_generated', 'plays_total'):
-- many small increments from workers are folded into one row per name.
create table public.counters (
  name text primary key check (length(name) between 1 and 100),
  value bigint not null default 0,
  updated_at timestamptz not null default now()
);

-- ---------------------------------------------------------------------------------------------
-- Albums / collections. Not the Studio Nexus `projects` (an audio project), which is in 0003.
create table public.music_projects (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  description text,
  cover_url text,
  genre text,
  mood text,
  target_tracks_count integer check (target_tracks_count >= 0),
  completed_tracks integer not null default 0 check (completed_tracks >= 0),
  status text not null default 'planning' check (status in ('planning', 'in_progress', 'completed')),
  is_public boolean not null default false,
  concept_description text,
  ai_context jsonb not null default '{}',
  ai_context_version integer not null default 1,
  ai_context_updated_at timestamptz,
  ai_generation_params jsonb not null default '{}',
  created_with_ai boolean not null default false,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_music_projects_user_id on public.music_projects (user_id);
create index idx_music_projects_status on public.music_projects (status);
create index idx_music_projects_is_public on public.music_projects (is_public) where is_public;

create table public.project_tracks (
  project_id uuid not null references public.music_projects (id) on delete cascade,
  track_id uuid not null references public.tracks (id) on delete cascade,
  position integer not null default 0 check (position >= 0),
  added_at timestamptz not null default now(),
  added_by uuid references public.profiles (id) on delete set null,
  primary key (project_id, track_id)
);
create index idx_project_tracks_position on public.project_tracks (project_id, position);
create index idx_project_tracks_track_id on public.project_tracks (track_id);
-- Set to null when that user is deleted; indexed so the deletion does not scan the table.
create index idx_project_tracks_added_by on public.project_tracks (added_by) where added_by is not null;

create table public.project_prompts (
  id uuid primary key default gen_random_uuid(),
  project_id uuid references public.music_projects (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  title text not null,
  content text not null,
  category text check (category in ('melody', 'lyrics', 'style')),
  tags text[] not null default '{}',
  is_favorite boolean not null default false,
  usage_count integer not null default 0 check (usage_count >= 0),
  last_used_at timestamptz,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_project_prompts_user_id on public.project_prompts (user_id);
create index idx_project_prompts_project_id on public.project_prompts (project_id);

create table public.cloud_folders (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  parent_id uuid,
  category text check (category in ('audio', 'projects', 'samples')),
  icon text,
  color text,
  is_favorite boolean not null default false,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Target of the composite foreign keys below: a folder can only nest in (or hold files of) its own owner.
  unique (id, user_id),
  check (parent_id is distinct from id),
  foreign key (parent_id, user_id) references public.cloud_folders (id, user_id) on delete cascade
);
create index idx_cloud_folders_user_id on public.cloud_folders (user_id);
create index idx_cloud_folders_parent_id on public.cloud_folders (parent_id);

-- ---------------------------------------------------------------------------------------------
-- Generation and AI
create table public.prompt_history (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  prompt text not null,
  lyrics text,
  genre text,
  mood text,
  tags text[] not null default '{}',
  model_version text,
  provider text check (provider in ('suno', 'mureka')),
  generation_status text check (generation_status in ('success', 'failed')),
  generation_time_ms integer check (generation_time_ms >= 0),
  is_template boolean not null default false,
  usage_count integer not null default 1 check (usage_count >= 0),
  last_used_at timestamptz,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_prompt_history_user_id on public.prompt_history (user_id);
create index idx_prompt_history_created_at on public.prompt_history (created_at desc);

create table public.suno_personas (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  project_id uuid references public.music_projects (id) on delete set null,
  name text not null check (length(name) between 1 and 200),
  description text,
  cover_image_url text,
  source_track_id uuid references public.tracks (id) on delete set null,
  source_music_index integer check (source_music_index >= 0),
  suno_persona_id text,
  is_public boolean not null default false,
  last_used_at timestamptz,
  usage_count integer not null default 0 check (usage_count >= 0),
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_suno_personas_user_id on public.suno_personas (user_id);
create index idx_suno_personas_project_id on public.suno_personas (project_id);
create index idx_suno_personas_source_track_id on public.suno_personas (source_track_id);
create index idx_suno_personas_is_public on public.suno_personas (is_public) where is_public;

-- The spine left these three track columns without foreign keys because their tables come here.
alter table public.tracks
  add constraint tracks_project_id_fkey foreign key (project_id) references public.music_projects (id) on delete set null,
  add constraint tracks_persona_id_fkey foreign key (persona_id) references public.suno_personas (id) on delete set null,
  add constraint tracks_source_prompt_id_fkey foreign key (source_prompt_id) references public.prompt_history (id) on delete set null;
create index idx_tracks_persona_id on public.tracks (persona_id) where persona_id is not null;
create index idx_tracks_source_prompt_id on public.tracks (source_prompt_id) where source_prompt_id is not null;
-- get_tracks_needing_archiving and handle_track_archiving look at old, completed, unarchived tracks.
create index idx_tracks_archive_candidates on public.tracks (created_at) where status = 'completed' and archived_at is null;

-- ---------------------------------------------------------------------------------------------
-- Track children
create table public.track_stems (
  id uuid primary key default gen_random_uuid(),
  track_id uuid not null references public.tracks (id) on delete cascade,
  version_id uuid references public.track_versions (id) on delete cascade,
  stem_type text not null check (stem_type in ('vocals', 'drums', 'bass', 'other', 'instrumental')),
  audio_url text not null,
  separation_mode text not null check (separation_mode in ('suno_stems', 'replicate_demucs')),
  suno_task_id text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index idx_track_stems_track_id on public.track_stems (track_id);
create index idx_track_stems_version_id on public.track_stems (version_id) where version_id is not null;

create table public.track_likes (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  track_id uuid not null references public.tracks (id) on delete cascade,
  created_at timestamptz not null default now(),
  unique (user_id, track_id)
);
create index idx_track_likes_track_id on public.track_likes (track_id);

create table public.track_version_likes (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  version_id uuid not null references public.track_versions (id) on delete cascade,
  created_at timestamptz not null default now(),
  unique (user_id, version_id)
);
create index idx_track_version_likes_version_id on public.track_version_likes (version_id);

create table public.track_section_replacements (
  id uuid primary key default gen_random_uuid(),
  parent_track_id uuid not null references public.tracks (id) on delete cascade,
  version_id uuid references public.track_versions (id) on delete set null,
  replaced_start_s numeric(10,3) not null check (replaced_start_s >= 0),
  replaced_end_s numeric(10,3) not null,
  prompt text,
  tags text,
  negative_tags text,
  replacement_audio_url text,
  status text not null default 'pending' check (status in ('pending', 'processing', 'completed', 'failed')),
  suno_task_id text,
  error_message text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (replaced_end_s > replaced_start_s)
);
create index idx_track_section_replacements_parent on public.track_section_replacements (parent_track_id);
create index idx_track_section_replacements_version on public.track_section_replacements (version_id) where version_id is not null;

create table public.track_archiving_jobs (
  id uuid primary key default gen_random_uuid(),
  track_id uuid not null references public.tracks (id) on delete cascade,
  status text not null default 'pending' check (status in ('pending', 'processing', 'completed', 'failed')),
  original_audio_url text,
  original_cover_url text,
  original_video_url text,
  archived_audio_url text,
  archived_cover_url text,
  archived_video_url text,
  started_at timestamptz,
  completed_at timestamptz,
  error_message text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_track_archiving_jobs_track_id on public.track_archiving_jobs (track_id);
create index idx_track_archiving_jobs_status on public.track_archiving_jobs (status);

-- ---------------------------------------------------------------------------------------------
-- Lyrics
create table public.lyrics_jobs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  prompt text not null,
  base_lyrics text,
  is_extension boolean not null default false,
  -- The text names suno/openai; the table also carries a Mureka task id, so mureka is allowed too.
  provider text not null default 'suno' check (provider in ('suno', 'openai', 'mureka')),
  status text not null default 'pending' check (status in ('pending', 'processing', 'completed', 'failed')),
  suno_task_id text,
  mureka_task_id text,
  call_strategy text check (call_strategy in ('polling', 'webhook')),
  callback_url text,
  initial_response jsonb,
  last_poll_response jsonb,
  last_callback jsonb,
  error_message text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_lyrics_jobs_user_id on public.lyrics_jobs (user_id, created_at desc);
create index idx_lyrics_jobs_suno_task_id on public.lyrics_jobs (suno_task_id) where suno_task_id is not null;

create table public.lyrics_variants (
  id uuid primary key default gen_random_uuid(),
  job_id uuid not null references public.lyrics_jobs (id) on delete cascade,
  variant_index integer not null check (variant_index >= 0),
  title text,
  content text,
  -- The text lists pending/completed; the row also has error_message, so failed is allowed.
  status text not null default 'pending' check (status in ('pending', 'completed', 'failed')),
  error_message text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (job_id, variant_index)
);

create table public.saved_lyrics (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  job_id uuid references public.lyrics_jobs (id) on delete set null,
  title text not null,
  content text not null,
  genre text,
  mood text,
  language text,
  theme text,
  folder text,
  tags text[] not null default '{}',
  is_favorite boolean not null default false,
  usage_count integer not null default 0 check (usage_count >= 0),
  last_used_at timestamptz,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_saved_lyrics_user_id on public.saved_lyrics (user_id);
create index idx_saved_lyrics_job_id on public.saved_lyrics (job_id) where job_id is not null;

create table public.lyrics_generation_log (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  prompt text not null,
  status text not null check (status in ('success', 'failed')),
  generated_title text,
  generated_lyrics text,
  error_message text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index idx_lyrics_generation_log_user_id on public.lyrics_generation_log (user_id, created_at desc);

-- ---------------------------------------------------------------------------------------------
-- Audio analysis (FAL, Mureka, Replicate). The design omits an owner on song_descriptions and
-- song_recognitions; user_id is added so row-level security has something to go by.
create table public.song_descriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  audio_file_url text not null,
  ai_description text,
  detected_genre text,
  detected_mood text,
  detected_instruments text[] not null default '{}',
  energy_level numeric(4,3) check (energy_level between 0 and 1),
  danceability numeric(4,3) check (danceability between 0 and 1),
  tempo integer check (tempo > 0),
  key text,
  time_signature text,
  vocal_presence text check (vocal_presence in ('none', 'low', 'medium', 'high')),
  fal_request_id text,
  status text not null default 'pending' check (status in ('pending', 'completed', 'failed')),
  error_message text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_song_descriptions_user_id on public.song_descriptions (user_id);
create index idx_song_descriptions_fal_request_id on public.song_descriptions (fal_request_id) where fal_request_id is not null;

create table public.song_recognitions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  audio_file_url text not null,
  recognized_title text,
  recognized_artist text,
  recognized_album text,
  confidence_score numeric(4,3) check (confidence_score between 0 and 1),
  mureka_task_id text,
  mureka_file_id text,
  fal_request_id text,
  status text not null default 'pending' check (status in ('pending', 'completed', 'failed')),
  error_message text,
  external_ids jsonb not null default '{}',
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_song_recognitions_user_id on public.song_recognitions (user_id);
create index idx_song_recognitions_mureka_task_id on public.song_recognitions (mureka_task_id) where mureka_task_id is not null;

create table public.music_classifications (
  id uuid primary key default gen_random_uuid(),
  track_id uuid not null references public.tracks (id) on delete cascade,
  classifier_type text not null check (classifier_type in ('genre', 'instrument', 'mood')),
  classifier_version text,
  genres_ranked jsonb,
  instruments_detected text[] not null default '{}',
  instruments_ranked jsonb,
  mood_detected text,
  embeddings jsonb,
  confidence_score numeric(4,3) check (confidence_score between 0 and 1),
  visualization_url text,
  status text not null default 'pending' check (status in ('pending', 'completed', 'failed')),
  error_message text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_music_classifications_track_id on public.music_classifications (track_id);

create table public.classification_jobs (
  id uuid primary key default gen_random_uuid(),
  classification_id uuid not null references public.music_classifications (id) on delete cascade,
  classifier_type text not null check (classifier_type in ('genre', 'instrument', 'mood')),
  classifier_config jsonb not null default '{}',
  input_audio_url text not null,
  output_visualization_url text,
  raw_output jsonb,
  replicate_prediction_id text,
  status text not null default 'pending' check (status in ('pending', 'processing', 'completed', 'failed')),
  error_message text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_classification_jobs_classification_id on public.classification_jobs (classification_id);
create index idx_classification_jobs_prediction on public.classification_jobs (replicate_prediction_id) where replicate_prediction_id is not null;

create table public.audio_upscale_jobs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  track_id uuid references public.tracks (id) on delete set null,
  input_audio_url text not null,
  output_audio_url text,
  model_version text not null default 'stable-audio-open' check (model_version in ('stable-audio-open', 'audioldm2')),
  guidance_scale numeric(6,3),
  ddim_steps integer check (ddim_steps > 0),
  seed integer,
  truncated_batches boolean not null default false,
  replicate_prediction_id text,
  status text not null default 'pending' check (status in ('pending', 'processing', 'completed', 'failed')),
  error_message text,
  completed_at timestamptz,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_audio_upscale_jobs_user_id on public.audio_upscale_jobs (user_id, created_at desc);
create index idx_audio_upscale_jobs_track_id on public.audio_upscale_jobs (track_id) where track_id is not null;

create table public.wav_jobs (
  id uuid primary key default gen_random_uuid(),
  track_id uuid not null references public.tracks (id) on delete cascade,
  audio_id text,
  status text not null default 'pending' check (status in ('pending', 'processing', 'completed', 'failed')),
  suno_task_id text,
  callback_url text,
  wav_url text,
  error_message text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_wav_jobs_track_id on public.wav_jobs (track_id);
create index idx_wav_jobs_suno_task_id on public.wav_jobs (suno_task_id) where suno_task_id is not null;

-- ---------------------------------------------------------------------------------------------
-- Monitoring (system-only; analytics_events is in 0004 because it is partitioned)
create table public.rate_limit_buckets (
  id uuid primary key default gen_random_uuid(),
  key text not null unique, -- '{user_id}:{endpoint}'
  tokens integer not null check (tokens >= 0),
  window_start bigint not null, -- epoch milliseconds, as the token-bucket code keeps them
  last_refill bigint not null,
  last_request bigint,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- ---------------------------------------------------------------------------------------------
-- Supporting services
create table public.audio_library (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  project_id uuid references public.music_projects (id) on delete set null,
  parent_folder_id uuid,
  file_name text not null,
  file_url text not null,
  file_size bigint check (file_size >= 0), -- bytes; bigint because files may exceed 2 GiB
  duration_seconds integer check (duration_seconds >= 0),
  source_type text not null default 'upload' check (source_type in ('upload', 'generated', 'imported')),
  category text check (category in ('sample', 'loop', 'vocal', 'instrumental')),
  folder text,
  description text,
  tags text[] not null default '{}',
  bpm integer check (bpm between 1 and 999),
  key text,
  is_favorite boolean not null default false,
  usage_count integer not null default 0 check (usage_count >= 0),
  last_used_at timestamptz,
  analysis_status text check (analysis_status in ('pending', 'completed', 'failed')),
  analysis_data jsonb,
  recognized_song_id uuid references public.song_recognitions (id) on delete set null,
  source_metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Files only go into the owner's own folders; deleting the folder keeps the file at the root.
  foreign key (parent_folder_id, user_id) references public.cloud_folders (id, user_id) on delete set null (parent_folder_id)
);
create index idx_audio_library_user_id on public.audio_library (user_id, created_at desc);
create index idx_audio_library_project_id on public.audio_library (project_id) where project_id is not null;
create index idx_audio_library_parent_folder_id on public.audio_library (parent_folder_id) where parent_folder_id is not null;
create index idx_audio_library_recognized_song_id on public.audio_library (recognized_song_id) where recognized_song_id is not null;

create table public.daw_projects (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  description text,
  bpm integer not null default 120 check (bpm between 1 and 999),
  duration_seconds integer check (duration_seconds >= 0),
  data jsonb not null default '{"tracks": [], "timeline": {"zoom": 1.0, "scrollPosition": 0}}',
  thumbnail_url text,
  is_public boolean not null default false,
  last_saved_at timestamptz,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_daw_projects_user_id on public.daw_projects (user_id, updated_at desc);
create index idx_daw_projects_is_public on public.daw_projects (is_public) where is_public;

-- Key-value settings. is_public (added) separates what clients may read (maintenance_mode,
-- feature_flags) from what only the platform reads (provider_config, rate_limits).
create table public.app_settings (
  id uuid primary key default gen_random_uuid(),
  key text not null unique,
  value jsonb not null default '{}',
  is_public boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

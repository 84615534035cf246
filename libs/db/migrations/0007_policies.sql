-- Row-level security for every table of 0002–0004.
--
-- The rules, from both designs: an owner has full access to their rows; public rows are readable by
-- everyone (anon and authenticated); admins and moderators have the extra rights the designs name;
-- child rows are visible exactly when their parent is (the policy asks the parent table, whose own
-- policies then apply); Nexus project collaborators act by role (viewer reads, editor writes, admin
-- manages the team); system tables have RLS on and no user policy at all, so only the platform
-- (owner / service_role, which bypass RLS) reads and writes them.
--
-- Speed: auth.uid() and has_role() are wrapped in (select …) so Postgres evaluates them once per
-- statement instead of once per row; every column a policy filters on is indexed (0002–0004).
-- The designs' admin checks via profiles.preferences->>'role' are replaced by public.has_role():
-- preferences is user-editable, user_roles is not.
--
-- Grants: 0001's default privileges already give authenticated/service_role all DML and anon SELECT
-- on every new table; policies narrow that down. The extra grants are at the end.

alter table public.generation_limits enable row level security;
alter table public.credit_transactions enable row level security;
alter table public.counters enable row level security;
alter table public.music_projects enable row level security;
alter table public.project_tracks enable row level security;
alter table public.project_prompts enable row level security;
alter table public.cloud_folders enable row level security;
alter table public.prompt_history enable row level security;
alter table public.suno_personas enable row level security;
alter table public.track_stems enable row level security;
alter table public.track_likes enable row level security;
alter table public.track_version_likes enable row level security;
alter table public.track_section_replacements enable row level security;
alter table public.track_archiving_jobs enable row level security;
alter table public.lyrics_jobs enable row level security;
alter table public.lyrics_variants enable row level security;
alter table public.saved_lyrics enable row level security;
alter table public.lyrics_generation_log enable row level security;
alter table public.song_descriptions enable row level security;
alter table public.song_recognitions enable row level security;
alter table public.music_classifications enable row level security;
alter table public.classification_jobs enable row level security;
alter table public.audio_upscale_jobs enable row level security;
alter table public.wav_jobs enable row level security;
alter table public.rate_limit_buckets enable row level security;
alter table public.audio_library enable row level security;
alter table public.daw_projects enable row level security;
alter table public.app_settings enable row level security;
alter table public.analytics_events enable row level security;
alter table public.user_sessions enable row level security;
alter table public.projects enable row level security;
alter table public.project_versions enable row level security;
alter table public.project_collaborators enable row level security;
alter table public.ai_transformations enable row level security;
alter table public.ai_model_presets enable row level security;
alter table public.effects_presets enable row level security;
alter table public.usage_tracking enable row level security;
alter table public.subscription_limits enable row level security;
alter table public.error_logs enable row level security;
alter table public.project_likes enable row level security;
alter table public.user_followers enable row level security;

-- System-only, no policy: counters, rate_limit_buckets (and callback_logs, outbox from 0001).

-- ---------------------------------------------------------------------------------------------
-- Spine: 0001 lets moderators update any track, and admins update any profile and delete any track.
-- But an UPDATE or DELETE whose WHERE clause reads the row only reaches rows the caller may also
-- SELECT, so those policies reached public rows only. Staff therefore may read what they may change.
create policy tracks_select_staff on public.tracks for select to authenticated
  using ((select public.has_role((select auth.uid()), 'moderator')) or (select public.has_role((select auth.uid()), 'admin')));
create policy profiles_select_admin on public.profiles for select to authenticated
  using ((select public.has_role((select auth.uid()), 'admin')));

-- ---------------------------------------------------------------------------------------------
-- Read-only for the owner: written by security definer functions or the platform.
create policy generation_limits_select_own on public.generation_limits for select to authenticated
  using (user_id = (select auth.uid()));
create policy credit_transactions_select_own on public.credit_transactions for select to authenticated
  using (user_id = (select auth.uid()));
create policy usage_tracking_select_own on public.usage_tracking for select to authenticated
  using (user_id = (select auth.uid()));
create policy lyrics_generation_log_select_own on public.lyrics_generation_log for select to authenticated
  using (user_id = (select auth.uid()));
create policy lyrics_generation_log_insert_own on public.lyrics_generation_log for insert to authenticated
  with check (user_id = (select auth.uid()));
-- Sessions: visible to their user, who may also end them (sign out elsewhere).
create policy user_sessions_select_own on public.user_sessions for select to authenticated
  using (user_id = (select auth.uid()));
create policy user_sessions_delete_own on public.user_sessions for delete to authenticated
  using (user_id = (select auth.uid()));

-- ---------------------------------------------------------------------------------------------
-- Albert3 music projects (albums): owner full access, public ones readable by all.
create policy music_projects_select_public on public.music_projects for select to anon, authenticated
  using (is_public);
create policy music_projects_own on public.music_projects for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

-- Tracks of an album: visible with the album; only the album's owner arranges it, and only with
-- tracks they can see themselves.
create policy project_tracks_select on public.project_tracks for select to anon, authenticated
  using (exists (select 1 from public.music_projects p where p.id = project_id));
create policy project_tracks_insert_owner on public.project_tracks for insert to authenticated
  with check (
    exists (select 1 from public.music_projects p where p.id = project_id and p.user_id = (select auth.uid()))
    and exists (select 1 from public.tracks t where t.id = track_id)
    and (added_by is null or added_by = (select auth.uid())));
create policy project_tracks_update_owner on public.project_tracks for update to authenticated
  using (exists (select 1 from public.music_projects p where p.id = project_id and p.user_id = (select auth.uid())))
  with check (exists (select 1 from public.music_projects p where p.id = project_id and p.user_id = (select auth.uid())));
create policy project_tracks_delete_owner on public.project_tracks for delete to authenticated
  using (exists (select 1 from public.music_projects p where p.id = project_id and p.user_id = (select auth.uid())));

create policy project_prompts_own on public.project_prompts for all to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid())
    and (project_id is null or exists (select 1 from public.music_projects p where p.id = project_id and p.user_id = (select auth.uid()))));

-- (Nesting inside one's own folders is enforced by the composite foreign key of 0002.)
create policy cloud_folders_own on public.cloud_folders for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

create policy audio_library_own on public.audio_library for all to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid())
    and (project_id is null or exists (select 1 from public.music_projects p where p.id = project_id and p.user_id = (select auth.uid())))
    and (recognized_song_id is null or exists (select 1 from public.song_recognitions r where r.id = recognized_song_id and r.user_id = (select auth.uid()))));

create policy daw_projects_select_public on public.daw_projects for select to anon, authenticated
  using (is_public);
create policy daw_projects_own on public.daw_projects for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

-- ---------------------------------------------------------------------------------------------
-- Generation and AI: owner's own work.
create policy prompt_history_own on public.prompt_history for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

create policy suno_personas_select_public on public.suno_personas for select to anon, authenticated
  using (is_public);
create policy suno_personas_own on public.suno_personas for all to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid())
    and (project_id is null or exists (select 1 from public.music_projects p where p.id = project_id and p.user_id = (select auth.uid())))
    -- A voice may be taken from one's own track or a public one: any track the caller can see.
    and (source_track_id is null or exists (select 1 from public.tracks t where t.id = source_track_id)));

create policy lyrics_jobs_own on public.lyrics_jobs for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
-- Variants are visible with their job (the job is owner-only) and written by the job's owner.
create policy lyrics_variants_select on public.lyrics_variants for select to authenticated
  using (exists (select 1 from public.lyrics_jobs j where j.id = job_id));
create policy lyrics_variants_write_owner on public.lyrics_variants for all to authenticated
  using (exists (select 1 from public.lyrics_jobs j where j.id = job_id and j.user_id = (select auth.uid())))
  with check (exists (select 1 from public.lyrics_jobs j where j.id = job_id and j.user_id = (select auth.uid())));
create policy saved_lyrics_own on public.saved_lyrics for all to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid())
    and (job_id is null or exists (select 1 from public.lyrics_jobs j where j.id = job_id and j.user_id = (select auth.uid()))));

create policy song_descriptions_own on public.song_descriptions for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy song_recognitions_own on public.song_recognitions for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy audio_upscale_jobs_own on public.audio_upscale_jobs for all to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid())
    and (track_id is null or exists (select 1 from public.tracks t where t.id = track_id and t.user_id = (select auth.uid()))));

-- ---------------------------------------------------------------------------------------------
-- Track children.
-- Stems are content: visible with their track (public track, public stems), written by its owner.
create policy track_stems_select on public.track_stems for select to anon, authenticated
  using (exists (select 1 from public.tracks t where t.id = track_id));
create policy track_stems_write_owner on public.track_stems for all to authenticated
  using (exists (select 1 from public.tracks t where t.id = track_id and t.user_id = (select auth.uid())))
  with check (exists (select 1 from public.tracks t where t.id = track_id and t.user_id = (select auth.uid()))
    and (version_id is null or exists (select 1 from public.track_versions v where v.id = version_id and v.parent_track_id = track_stems.track_id)));

-- Work records on a track (section edits, classifications, WAV exports): its owner's only.
create policy track_section_replacements_owner on public.track_section_replacements for all to authenticated
  using (exists (select 1 from public.tracks t where t.id = parent_track_id and t.user_id = (select auth.uid())))
  with check (exists (select 1 from public.tracks t where t.id = parent_track_id and t.user_id = (select auth.uid()))
    and (version_id is null or exists (select 1 from public.track_versions v where v.id = version_id
                                               and v.parent_track_id = track_section_replacements.parent_track_id)));
create policy music_classifications_owner on public.music_classifications for all to authenticated
  using (exists (select 1 from public.tracks t where t.id = track_id and t.user_id = (select auth.uid())))
  with check (exists (select 1 from public.tracks t where t.id = track_id and t.user_id = (select auth.uid())));
create policy classification_jobs_owner on public.classification_jobs for all to authenticated
  using (exists (select 1 from public.music_classifications c join public.tracks t on t.id = c.track_id
                  where c.id = classification_id and t.user_id = (select auth.uid())))
  with check (exists (select 1 from public.music_classifications c join public.tracks t on t.id = c.track_id
                       where c.id = classification_id and t.user_id = (select auth.uid())));
create policy wav_jobs_owner on public.wav_jobs for all to authenticated
  using (exists (select 1 from public.tracks t where t.id = track_id and t.user_id = (select auth.uid())))
  with check (exists (select 1 from public.tracks t where t.id = track_id and t.user_id = (select auth.uid())));
-- Archiving is done by the platform; the owner may watch.
create policy track_archiving_jobs_select_owner on public.track_archiving_jobs for select to authenticated
  using (exists (select 1 from public.tracks t where t.id = track_id and t.user_id = (select auth.uid())));

-- Likes: visible where the liked thing is; each user adds and removes only their own, and only on
-- something they can see. No updates (a like has nothing to edit).
create policy track_likes_select on public.track_likes for select to anon, authenticated
  using (exists (select 1 from public.tracks t where t.id = track_id));
create policy track_likes_insert_own on public.track_likes for insert to authenticated
  with check (user_id = (select auth.uid()) and exists (select 1 from public.tracks t where t.id = track_id));
create policy track_likes_delete_own on public.track_likes for delete to authenticated
  using (user_id = (select auth.uid()));

create policy track_version_likes_select on public.track_version_likes for select to anon, authenticated
  using (exists (select 1 from public.track_versions v where v.id = version_id));
create policy track_version_likes_insert_own on public.track_version_likes for insert to authenticated
  with check (user_id = (select auth.uid()) and exists (select 1 from public.track_versions v where v.id = version_id));
create policy track_version_likes_delete_own on public.track_version_likes for delete to authenticated
  using (user_id = (select auth.uid()));

-- ---------------------------------------------------------------------------------------------
-- Settings: clients read the public ones; admins manage all.
create policy app_settings_select_public on public.app_settings for select to anon, authenticated
  using (is_public);
create policy app_settings_admin on public.app_settings for all to authenticated
  using ((select public.has_role((select auth.uid()), 'admin')))
  with check ((select public.has_role((select auth.uid()), 'admin')));

-- Analytics: users see their own events; admins all. Clients may record events as themselves, and
-- anonymous visitors without a user (Nexus: "System can insert events" — but not in another's name).
create policy analytics_events_select_own on public.analytics_events for select to authenticated
  using (user_id = (select auth.uid()));
create policy analytics_events_select_admin on public.analytics_events for select to authenticated
  using ((select public.has_role((select auth.uid()), 'admin')));
create policy analytics_events_insert_own on public.analytics_events for insert to authenticated
  with check (user_id is null or user_id = (select auth.uid()));
create policy analytics_events_insert_anon on public.analytics_events for insert to anon
  with check (user_id is null);

-- ---------------------------------------------------------------------------------------------
-- Studio Nexus projects.
create policy projects_select_public on public.projects for select to anon, authenticated
  using (is_public);
create policy projects_own on public.projects for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy projects_select_collaborator on public.projects for select to authenticated
  using (id in (select public.accessible_project_ids(1)));
create policy projects_update_collaborator on public.projects for update to authenticated
  using (id in (select public.accessible_project_ids(2))) with check (id in (select public.accessible_project_ids(2)));
create policy projects_admin on public.projects for all to authenticated
  using ((select public.has_role((select auth.uid()), 'admin')))
  with check ((select public.has_role((select auth.uid()), 'admin')));

-- Versions: visible with the project; editors add and edit them, the team's admins delete them.
create policy project_versions_select on public.project_versions for select to anon, authenticated
  using (exists (select 1 from public.projects p where p.id = project_id));
create policy project_versions_insert on public.project_versions for insert to authenticated
  with check (project_id in (select public.accessible_project_ids(2)));
create policy project_versions_update on public.project_versions for update to authenticated
  using (project_id in (select public.accessible_project_ids(2))) with check (project_id in (select public.accessible_project_ids(2)));
create policy project_versions_delete on public.project_versions for delete to authenticated
  using (project_id in (select public.accessible_project_ids(3)));

-- The team: members see it; the owner and team admins manage it; an invitee sees, answers
-- (guard_project_collaborators limits what they may change) and leaves their own invitation.
create policy project_collaborators_select on public.project_collaborators for select to authenticated
  using (user_id = (select auth.uid()) or project_id in (select public.accessible_project_ids(1)));
create policy project_collaborators_insert_manager on public.project_collaborators for insert to authenticated
  with check (project_id in (select public.accessible_project_ids(3)) and invited_by = (select auth.uid()));
create policy project_collaborators_update on public.project_collaborators for update to authenticated
  using (user_id = (select auth.uid()) or project_id in (select public.accessible_project_ids(3)))
  with check (user_id = (select auth.uid()) or project_id in (select public.accessible_project_ids(3)));
create policy project_collaborators_delete on public.project_collaborators for delete to authenticated
  using (user_id = (select auth.uid()) or project_id in (select public.accessible_project_ids(3)));

-- Transformations: each user manages their own (Nexus); the team sees the project's; running one
-- needs write access to the project.
create policy ai_transformations_select on public.ai_transformations for select to authenticated
  using (user_id = (select auth.uid()) or project_id in (select public.accessible_project_ids(1)));
create policy ai_transformations_insert_own on public.ai_transformations for insert to authenticated
  with check (user_id = (select auth.uid()) and project_id in (select public.accessible_project_ids(2)));
create policy ai_transformations_update_own on public.ai_transformations for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy ai_transformations_delete_own on public.ai_transformations for delete to authenticated
  using (user_id = (select auth.uid()));

create policy project_likes_select on public.project_likes for select to anon, authenticated
  using (exists (select 1 from public.projects p where p.id = project_id));
create policy project_likes_insert_own on public.project_likes for insert to authenticated
  with check (user_id = (select auth.uid()) and exists (select 1 from public.projects p where p.id = project_id));
create policy project_likes_delete_own on public.project_likes for delete to authenticated
  using (user_id = (select auth.uid()));

create policy user_followers_select on public.user_followers for select to anon, authenticated
  using (follower_id = (select auth.uid()) or following_id = (select auth.uid())
         or exists (select 1 from public.profiles p where p.id = following_id and p.preferences ->> 'profile_public' = 'true'));
create policy user_followers_insert_own on public.user_followers for insert to authenticated
  with check (follower_id = (select auth.uid()));
create policy user_followers_delete_own on public.user_followers for delete to authenticated
  using (follower_id = (select auth.uid()));

-- Presets and limits: catalogue rows readable by all, managed by admins.
create policy ai_model_presets_select_active on public.ai_model_presets for select to anon, authenticated
  using (is_active);
create policy ai_model_presets_admin on public.ai_model_presets for all to authenticated
  using ((select public.has_role((select auth.uid()), 'admin')))
  with check ((select public.has_role((select auth.uid()), 'admin')));

create policy effects_presets_select_shared on public.effects_presets for select to anon, authenticated
  using (is_public or is_system_preset);
create policy effects_presets_own on public.effects_presets for all to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()) and not is_system_preset);
create policy effects_presets_admin on public.effects_presets for all to authenticated
  using ((select public.has_role((select auth.uid()), 'admin')))
  with check ((select public.has_role((select auth.uid()), 'admin')));

create policy subscription_limits_select_active on public.subscription_limits for select to anon, authenticated
  using (is_active);
create policy subscription_limits_admin on public.subscription_limits for all to authenticated
  using ((select public.has_role((select auth.uid()), 'admin')))
  with check ((select public.has_role((select auth.uid()), 'admin')));

-- Error logs are written by the platform; admins read and resolve them (Nexus gave this to admins).
create policy error_logs_select_admin on public.error_logs for select to authenticated
  using ((select public.has_role((select auth.uid()), 'admin')));
create policy error_logs_update_admin on public.error_logs for update to authenticated
  using ((select public.has_role((select auth.uid()), 'admin')))
  with check ((select public.has_role((select auth.uid()), 'admin')));

-- ---------------------------------------------------------------------------------------------
-- Grants beyond 0001's defaults: anonymous visitors may record analytics events.
grant insert on public.analytics_events to anon;

-- The migrator creates schema_migrations before 0001 ran, so 0001's "grant … on all tables" reached it:
-- users could read and even rewrite the migration record. It is the platform's alone.
revoke all on public.schema_migrations from anon, authenticated;

-- Triggers of both designs, plus the guards row-level security cannot express (a policy sees only the
-- new row, not which columns changed).

-- updated_at on every new table that has the column (public.update_updated_at from 0001; Nexus calls
-- the same function update_updated_at_column). Of the spine tables, subscription_plans and auth.users
-- have the column but 0001 gave them no trigger; they get one here.
do $$
declare
  _table text;
begin
  foreach _table in array array[
    'generation_limits', 'counters', 'music_projects', 'project_prompts', 'cloud_folders', 'prompt_history',
    'suno_personas', 'track_section_replacements', 'track_archiving_jobs', 'lyrics_jobs', 'lyrics_variants',
    'saved_lyrics', 'song_descriptions', 'song_recognitions', 'music_classifications', 'classification_jobs',
    'audio_upscale_jobs', 'wav_jobs', 'rate_limit_buckets', 'audio_library', 'daw_projects', 'app_settings',
    'projects', 'ai_model_presets', 'effects_presets', 'subscription_plans'
  ] loop
    execute format('create trigger %I before update on public.%I for each row execute function public.update_updated_at()',
                   _table || '_updated_at', _table);
  end loop;
end $$;
create trigger users_updated_at before update on auth.users
  for each row execute function public.update_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Like counters. Each like or unlike moves the counter by exactly one with an atomic
-- "like_count = like_count ± 1": concurrent likes queue on the liked row's lock and each adds to the
-- value the previous one committed, whereas the design's "= (select count(*) …)" can miss a like
-- committed after its snapshot. Security definer: the liker may not write someone else's track.

create or replace function public.update_track_like_count() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  if tg_op = 'INSERT' then
    update public.tracks set like_count = like_count + 1 where id = new.track_id;
  elsif tg_op = 'DELETE' then
    update public.tracks set like_count = greatest(like_count - 1, 0) where id = old.track_id;
  end if;
  return null;
end $$;
create trigger update_track_like_count after insert or delete on public.track_likes
  for each row execute function public.update_track_like_count();

create or replace function public.update_version_like_count() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  if tg_op = 'INSERT' then
    update public.track_versions set like_count = like_count + 1 where id = new.version_id;
  elsif tg_op = 'DELETE' then
    update public.track_versions set like_count = greatest(like_count - 1, 0) where id = old.version_id;
  end if;
  return null;
end $$;
create trigger update_version_like_count after insert or delete on public.track_version_likes
  for each row execute function public.update_version_like_count();

-- Studio Nexus update_project_stats, as its design writes it (project like counter).
create or replace function public.update_project_stats() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  if tg_op = 'INSERT' then
    if tg_table_name = 'project_likes' then
      update public.projects set like_count = like_count + 1 where id = new.project_id;
    end if;
  elsif tg_op = 'DELETE' then
    if tg_table_name = 'project_likes' then
      update public.projects set like_count = greatest(like_count - 1, 0) where id = old.project_id;
    end if;
  end if;
  return coalesce(new, old);
end $$;
create trigger project_likes_stats_trigger after insert or delete on public.project_likes
  for each row execute function public.update_project_stats();

-- profiles.total_projects / total_transformations (Nexus profile columns) follow the rows they count.
create or replace function public.update_profile_totals() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  if tg_table_name = 'projects' then
    if tg_op = 'INSERT' then
      update public.profiles set total_projects = total_projects + 1 where id = new.user_id;
    elsif tg_op = 'DELETE' then
      update public.profiles set total_projects = greatest(total_projects - 1, 0) where id = old.user_id;
    elsif new.user_id <> old.user_id then
      update public.profiles set total_projects = greatest(total_projects - 1, 0) where id = old.user_id;
      update public.profiles set total_projects = total_projects + 1 where id = new.user_id;
    end if;
  elsif tg_table_name = 'ai_transformations' and tg_op = 'INSERT' then
    update public.profiles set total_transformations = total_transformations + 1 where id = new.user_id;
  end if;
  return null;
end $$;
create trigger projects_profile_totals after insert or delete or update of user_id on public.projects
  for each row execute function public.update_profile_totals();
create trigger ai_transformations_profile_totals after insert on public.ai_transformations
  for each row execute function public.update_profile_totals();

-- ---------------------------------------------------------------------------------------------
-- Archiving. BEFORE (the design says AFTER, but an AFTER trigger cannot set NEW's columns):
-- a completed, unarchived track older than 90 days that is private or never played gets
-- archive_scheduled_at = now() + 7 days, once; a track that stops qualifying before it is archived
-- (made public and played) is unscheduled. The criteria are those of get_tracks_needing_archiving.
create or replace function public.handle_track_archiving() returns trigger
language plpgsql set search_path = public, pg_temp as $$
begin
  if new.archived_at is not null then
    return new;
  end if;
  if new.status = 'completed'
     and new.created_at < now() - interval '90 days'
     and (not new.is_public or new.play_count = 0) then
    if new.archive_scheduled_at is null then
      new.archive_scheduled_at := now() + interval '7 days';
    end if;
  elsif tg_op = 'UPDATE' and old.archive_scheduled_at is not null and new.archive_scheduled_at is not distinct from old.archive_scheduled_at then
    new.archive_scheduled_at := null;
  end if;
  return new;
end $$;
create trigger handle_track_archiving before insert or update on public.tracks
  for each row execute function public.handle_track_archiving();

-- ---------------------------------------------------------------------------------------------
-- Guards

-- The spine lets a user update their own profile, which would include their balance and plan.
-- Users (roles anon/authenticated) may change only their own descriptive columns; balances,
-- subscription and usage totals move through the security definer functions (whose current_user is
-- the owner) or an admin.
create or replace function public.protect_profile_privileged_columns() returns trigger
language plpgsql set search_path = public, pg_temp as $$
begin
  if current_user in ('anon', 'authenticated') and not public.has_role(auth.uid(), 'admin')
     and (new.credits_remaining, new.credits_used_today, new.last_credit_reset_at, new.test_credits_remaining,
          new.subscription_plan, new.subscription_tier, new.subscription_status, new.subscription_expires_at,
          new.total_projects, new.total_transformations, new.storage_used_mb)
         is distinct from
         (old.credits_remaining, old.credits_used_today, old.last_credit_reset_at, old.test_credits_remaining,
          old.subscription_plan, old.subscription_tier, old.subscription_status, old.subscription_expires_at,
          old.total_projects, old.total_transformations, old.storage_used_mb) then
    raise exception 'credits, subscription and usage totals of a profile are not user-editable' using errcode = '42501';
  end if;
  return new;
end $$;
create trigger protect_profile_privileged_columns before update on public.profiles
  for each row execute function public.protect_profile_privileged_columns();

-- A collaborator with write access may edit a project but not give it away: only the owner (or a
-- platform admin, or the platform) may change projects.user_id.
create or replace function public.protect_project_owner() returns trigger
language plpgsql set search_path = public, pg_temp as $$
begin
  if new.user_id <> old.user_id and current_user in ('anon', 'authenticated')
     and old.user_id is distinct from auth.uid() and not public.has_role(auth.uid(), 'admin') then
    raise exception 'only the owner may transfer a project' using errcode = '42501';
  end if;
  return new;
end $$;
create trigger protect_project_owner before update on public.projects
  for each row execute function public.protect_project_owner();

-- An invitee may answer their invitation (status, and accepted_at with it) but not change its
-- role, permissions or project; managing invitations is for the project's owner and admins.
-- accepted_at is stamped when an invitation is accepted.
create or replace function public.guard_project_collaborators() returns trigger
language plpgsql set search_path = public, pg_temp as $$
begin
  if tg_op = 'UPDATE' and current_user in ('anon', 'authenticated')
     and public.project_access_level(old.project_id) < 3
     and (new.project_id, new.user_id, new.invited_by, new.role, new.permissions, new.invited_at)
         is distinct from (old.project_id, old.user_id, old.invited_by, old.role, old.permissions, old.invited_at) then
    raise exception 'an invitee may only accept or decline an invitation' using errcode = '42501';
  end if;
  if new.status = 'accepted' and (tg_op = 'INSERT' or old.status <> 'accepted') then
    new.accepted_at := coalesce(new.accepted_at, now());
  elsif new.status <> 'accepted' then
    new.accepted_at := null;
  end if;
  return new;
end $$;
create trigger guard_project_collaborators before insert or update on public.project_collaborators
  for each row execute function public.guard_project_collaborators();

revoke execute on function
  public.update_track_like_count(), public.update_version_like_count(), public.update_project_stats(),
  public.update_profile_totals(), public.handle_track_archiving(), public.protect_profile_privileged_columns(),
  public.protect_project_owner(), public.guard_project_collaborators()
from public;

-- Social, notifications and presets (issue #14 part B): prompt history written by the database on
-- every generation, notifications announced on the caller's event stream, follows, user-owned AI
-- model presets, and the keyset indexes of the new list endpoints.

-- ---------------------------------------------------------------------------------------------
-- Prompt history: one row per generation, written by a trigger on the track insert (in the
-- submitting transaction, no extra round trip) and linked through the design's own column,
-- tracks.source_prompt_id (so prompt_statistics counts the track); settled when the track completes
-- or fails. A track that already names a history entry (made again from it) adds no row.
create index idx_prompt_history_user_created on public.prompt_history (user_id, created_at desc, id desc);
-- The platform's own engine is a provider too.
alter table public.prompt_history drop constraint prompt_history_provider_check;
alter table public.prompt_history add constraint prompt_history_provider_check check (provider in ('suno', 'mureka', 'local'));

create or replace function public.record_prompt_history() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  if new.source_prompt_id is null then
    insert into public.prompt_history (user_id, prompt, lyrics, genre, mood, tags, model_version, provider, last_used_at, metadata, created_at)
    values (new.user_id, new.prompt, new.lyrics, new.genre, new.mood, new.style_tags, new.model_name,
            case when new.provider in ('suno', 'mureka', 'local') then new.provider end,
            new.created_at,
            jsonb_strip_nulls(jsonb_build_object('title', new.title, 'duration_seconds', new.duration_seconds,
                                                 'persona_id', new.persona_id, 'project_id', new.project_id)),
            new.created_at)
    returning id into new.source_prompt_id;
  end if;
  return new;
end $$;
create trigger tracks_record_prompt_history before insert on public.tracks
  for each row execute function public.record_prompt_history();

-- completed → success, failed → failed (time from submission), back to pending on a retry → open again.
create or replace function public.settle_prompt_history() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  update public.prompt_history
     set generation_status = case new.status when 'completed' then 'success' when 'failed' then 'failed' end,
         generation_time_ms = case when new.status in ('completed', 'failed')
           then least(2147483647, greatest(0, round(extract(epoch from (now() - new.created_at)) * 1000)))::integer end,
         provider = coalesce(case when new.provider in ('suno', 'mureka', 'local') then new.provider end, provider),
         model_version = coalesce(new.model_name, model_version)
   where id = new.source_prompt_id;
  return null;
end $$;
create trigger tracks_settle_prompt_history after update of status on public.tracks
  for each row when (new.source_prompt_id is not null and old.status is distinct from new.status
                     and (new.status in ('completed', 'failed') or old.status in ('completed', 'failed')))
  execute function public.settle_prompt_history();

create index idx_project_prompts_user_created on public.project_prompts (user_id, created_at desc, id desc);

-- ---------------------------------------------------------------------------------------------
-- Notifications: the table is its own outbox for the event stream. A new row has streamed_at null;
-- the gateway's publisher appends it to the user's event stream (`event: notification`) and stamps it,
-- so a notification written in any worker's completion transaction is announced exactly when it
-- commits, and none is lost to a crash between commit and publish.
alter table public.notifications add column streamed_at timestamptz;
update public.notifications set streamed_at = created_at; -- rows from before this migration are not re-announced
create index idx_notifications_unstreamed on public.notifications (created_at, id) where streamed_at is null;
create index idx_notifications_user_created on public.notifications (user_id, created_at desc, id desc);
create index idx_notifications_user_unread on public.notifications (user_id, created_at desc, id desc) where not read;

-- ---------------------------------------------------------------------------------------------
-- Follows: keyset indexes of both lists; a new follower is told (a notification, so also a stream event),
-- at most once a day per follower.
create index idx_user_followers_following_created on public.user_followers (following_id, created_at desc, id desc);
create index idx_user_followers_follower_created on public.user_followers (follower_id, created_at desc, id desc);

create or replace function public.notify_new_follower() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _who text;
begin
  -- Follow, unfollow, follow again: told once a day at most.
  if exists (select 1 from public.notifications n where n.user_id = new.following_id and n.created_at > now() - interval '1 day'
               and n.link = '/users/' || new.follower_id and n.title = 'New follower') then
    return null;
  end if;
  select coalesce(nullif(full_name, ''), username) into _who from public.profiles where id = new.follower_id;
  insert into public.notifications (user_id, type, title, message, link)
  values (new.following_id, 'info', 'New follower', coalesce(_who, 'Someone') || ' started following you', '/users/' || new.follower_id);
  return null;
end $$;
create trigger user_followers_notify after insert on public.user_followers
  for each row execute function public.notify_new_follower();

-- ---------------------------------------------------------------------------------------------
-- DAW projects: keyset index of the owner's list.
create index idx_daw_projects_user_created on public.daw_projects (user_id, created_at desc, id desc);
create index idx_effects_presets_created on public.effects_presets (created_at desc, id desc);

-- ---------------------------------------------------------------------------------------------
-- AI model presets: the catalogue (system presets) plus users' own. Until now every active row was
-- the platform's; a user's own preset is private unless they share it.
alter table public.ai_model_presets add column is_system_preset boolean not null default false;
alter table public.ai_model_presets add column is_public boolean not null default false;
update public.ai_model_presets set is_system_preset = true;
create index idx_ai_presets_created on public.ai_model_presets (created_at desc, id desc);

drop policy ai_model_presets_select_active on public.ai_model_presets;
create policy ai_model_presets_select on public.ai_model_presets for select to anon, authenticated
  using ((is_active and (is_system_preset or is_public)) or created_by = (select auth.uid()));
create policy ai_model_presets_insert_own on public.ai_model_presets for insert to authenticated
  with check (created_by = (select auth.uid()) and not is_system_preset and not is_premium);
create policy ai_model_presets_update_own on public.ai_model_presets for update to authenticated
  using (created_by = (select auth.uid()) and not is_system_preset)
  with check (created_by = (select auth.uid()) and not is_system_preset and not is_premium);
create policy ai_model_presets_delete_own on public.ai_model_presets for delete to authenticated
  using (created_by = (select auth.uid()) and not is_system_preset);

-- Trigger functions only: nobody calls them directly.
revoke execute on function public.record_prompt_history(), public.settle_prompt_history(), public.notify_new_follower() from public;

-- Row-level security decides which tracks a user may update, not which columns. Owners (and
-- moderators, who may update any track) edit what a person edits — title, lyrics, genre, mood, tags,
-- visibility, video; ownership, counters, generation results and archive state move only through the
-- platform (workers, security definer functions such as set_master_version and the like counters).
-- Named guard_* so it runs before handle_track_archiving, and so sees only the caller's own change.
create or replace function public.guard_track_columns() returns trigger
language plpgsql set search_path = public, pg_temp as $$
begin
  if current_user in ('anon', 'authenticated')
     and (new.user_id, new.like_count, new.play_count, new.view_count, new.download_count,
          new.status, new.progress_percent, new.error_message, new.audio_url, new.cover_url, new.duration, new.duration_seconds,
          new.provider, new.suno_id, new.mureka_task_id, new.model_name, new.idempotency_key, new.has_stems, new.has_vocals,
          new.archived_at, new.archive_scheduled_at, new.archived_to_storage,
          new.storage_audio_url, new.storage_cover_url, new.storage_video_url, new.created_at, new.created_at_suno)
         is distinct from
         (old.user_id, old.like_count, old.play_count, old.view_count, old.download_count,
          old.status, old.progress_percent, old.error_message, old.audio_url, old.cover_url, old.duration, old.duration_seconds,
          old.provider, old.suno_id, old.mureka_task_id, old.model_name, old.idempotency_key, old.has_stems, old.has_vocals,
          old.archived_at, old.archive_scheduled_at, old.archived_to_storage,
          old.storage_audio_url, old.storage_cover_url, old.storage_video_url, old.created_at, old.created_at_suno) then
    raise exception 'only title, lyrics, genre, mood, style tags, visibility, video and metadata of a track are editable'
      using errcode = '42501';
  end if;
  return new;
end $$;
create trigger guard_track_columns before update on public.tracks
  for each row execute function public.guard_track_columns();

-- 0036: the generation worker's writes in fewer round trips (issue 15, processing bench).
--
-- complete_generation: the completion transaction of a generation (TracksRepository.saveGeneration +
-- JobsRepository.complete + the notification, which were seven round trips) as one statement. The job
-- is locked first: one no longer `processing` (cancelled, or finished by a concurrent provider update)
-- lands nothing and the function returns no row. Otherwise, exactly as before: every other version of
-- the track stops being primary, the variants are upserted by (track, variant_index) — the primary one
-- is variant 0, else the first — the track takes the primary's audio, cover and duration, the job
-- completes with {track_id, versions}, and the owner gets a notification. Triggers on these tables
-- fire as they did (they are real INSERTs and UPDATEs). Platform connections only (no RLS here, as before).
--
-- variants: [{variant_index, audio_url, cover_url, duration, lyrics, metadata}]; fields: {has_vocals,
-- model_name, title}; notification: {user_id, type, title, message, link}.
create function public.complete_generation(job_uuid uuid, track_uuid uuid, variants jsonb, fields jsonb, notification jsonb)
returns setof public.jobs
language plpgsql set search_path = public, pg_temp as $$
declare
  _primary jsonb;
  _versions jsonb;
  _job public.jobs;
begin
  perform 1 from public.jobs where id = job_uuid and status = 'processing' for update;
  if not found then
    return;
  end if;
  _primary := coalesce((select v from jsonb_array_elements(variants) v where (v ->> 'variant_index')::int = 0 limit 1), variants -> 0);
  if _primary is null then
    raise exception 'a generation needs at least one variant' using errcode = '22023';
  end if;

  update public.track_versions set is_primary_variant = false where parent_track_id = track_uuid;
  with upserted as (
    insert into public.track_versions (parent_track_id, variant_index, audio_url, cover_url, duration, lyrics, is_primary_variant, metadata)
    select track_uuid, (v ->> 'variant_index')::int, v ->> 'audio_url', v ->> 'cover_url', (v ->> 'duration')::int, v ->> 'lyrics',
           (v ->> 'variant_index')::int = (_primary ->> 'variant_index')::int, coalesce(v -> 'metadata', '{}'::jsonb)
      from jsonb_array_elements(variants) v
    on conflict (parent_track_id, variant_index) do update
       set audio_url = excluded.audio_url, cover_url = excluded.cover_url, duration = excluded.duration, lyrics = excluded.lyrics,
           is_primary_variant = excluded.is_primary_variant, metadata = excluded.metadata
    returning id, variant_index, audio_url, cover_url, duration, is_primary_variant
  )
  select jsonb_agg(jsonb_build_object('id', id, 'variant_index', variant_index, 'audio_url', audio_url, 'cover_url', cover_url,
                                      'duration', duration, 'is_primary_variant', is_primary_variant) order by variant_index)
    into _versions from upserted;

  update public.tracks
     set status = 'completed', progress_percent = 100, error_message = null,
         audio_url = _primary ->> 'audio_url', cover_url = _primary ->> 'cover_url',
         duration = (_primary ->> 'duration')::int, duration_seconds = (_primary ->> 'duration')::int,
         has_vocals = (fields ->> 'has_vocals')::boolean, model_name = fields ->> 'model_name',
         title = coalesce(title, fields ->> 'title'),
         metadata = metadata || jsonb_build_object('variants', jsonb_array_length(variants))
   where id = track_uuid;

  update public.jobs
     set status = 'completed', progress = 100, result = jsonb_build_object('track_id', track_uuid, 'versions', _versions),
         error = null, completed_at = now()
   where id = job_uuid
  returning * into _job;

  insert into public.notifications (user_id, type, title, message, link)
  values ((notification ->> 'user_id')::uuid, notification ->> 'type', notification ->> 'title', notification ->> 'message', notification ->> 'link');
  return next _job;
end $$;
revoke execute on function public.complete_generation(uuid, uuid, jsonb, jsonb, jsonb) from public;
do $$
begin
  execute 'revoke execute on function public.complete_generation(uuid, uuid, jsonb, jsonb, jsonb) from anon, authenticated';
exception when undefined_object then null;
end $$;

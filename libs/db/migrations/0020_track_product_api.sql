-- Product API of tracks (issue 14 A): keyset indexes for listing, play counts, deleting a track with
-- every stored object purged after commit, and dense unique album positions.

-- Listing: own tracks and everyone's public ones, newest first, keyset on (created_at, id).
create index idx_tracks_user_created on public.tracks (user_id, created_at desc, id desc);
create index idx_tracks_public_created on public.tracks (created_at desc, id desc) where is_public;

-- POST /v1/tracks/{id}/play: +1 on a track the caller can see (play_count is guarded against users,
-- like download_count; the gateway debounces per user before calling this).
create or replace function public.increment_play_count(track_uuid uuid) returns integer
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _count integer;
begin
  update public.tracks t set play_count = t.play_count + 1
   where t.id = track_uuid and (t.is_public or t.user_id = auth.uid() or public.is_trusted_caller())
  returning t.play_count into _count;
  if not found then
    raise exception 'track % not found', track_uuid using errcode = 'P0002';
  end if;
  return _count;
end $$;
revoke all on function public.increment_play_count(uuid) from public;
grant execute on function public.increment_play_count(uuid) to anon, authenticated, service_role;

-- Album positions: dense (0, 1, 2, …) and unique per album. Existing rows are numbered by their old
-- position, then when they were added; the constraint is deferred so a reorder can move rows through
-- each other inside one transaction.
update public.project_tracks pt set position = n.rn - 1
  from (select project_id, track_id, row_number() over (partition by project_id order by position, added_at, track_id) as rn
          from public.project_tracks) n
 where n.project_id = pt.project_id and n.track_id = pt.track_id and pt.position <> n.rn - 1;
alter table public.project_tracks
  add constraint project_tracks_position_unique unique (project_id, position) deferrable initially deferred;

-- Renumbers one album's tracks 0..n-1 keeping their order (after a removal, or a track deleted).
create or replace function public.compact_project_positions(project_uuid uuid) returns void
language sql set search_path = public, pg_temp as $$
  update public.project_tracks pt set position = n.rn - 1
    from (select track_id, row_number() over (order by position, added_at, track_id) as rn
            from public.project_tracks where project_id = project_uuid) n
   where pt.project_id = project_uuid and pt.track_id = n.track_id and pt.position <> n.rn - 1;
$$;
revoke all on function public.compact_project_positions(uuid) from public;
grant execute on function public.compact_project_positions(uuid) to authenticated, service_role;

-- Jobs whose resource is the track or a row made from it (versions, WAV, classifications, upscales,
-- section replacements, personas from it, descriptions/recognitions of its files).
create or replace function public.track_job_ids(track_uuid uuid) returns setof uuid
language sql stable set search_path = public, pg_temp as $$
  with t as (select id, '%/' || user_id::text || '/' || id::text || '/%' as pattern from public.tracks where id = track_uuid)
  select j.id from public.jobs j, t
   where (j.resource_type = 'track' and j.resource_id = t.id)
      or (j.resource_type = 'track_version' and j.resource_id in (select id from public.track_versions where parent_track_id = t.id))
      or (j.resource_type = 'wav_job' and j.resource_id in (select id from public.wav_jobs where track_id = t.id))
      or (j.resource_type = 'music_classification' and j.resource_id in (select id from public.music_classifications where track_id = t.id))
      or (j.resource_type = 'audio_upscale_job' and j.resource_id in (select id from public.audio_upscale_jobs where track_id = t.id))
      or (j.resource_type = 'track_section_replacement' and j.resource_id in (select id from public.track_section_replacements where parent_track_id = t.id))
      or (j.resource_type = 'persona' and j.resource_id in (select id from public.suno_personas where source_track_id = t.id))
      or (j.resource_type = 'song_description' and j.resource_id in (select id from public.song_descriptions where audio_file_url like t.pattern))
      or (j.resource_type = 'song_recognition' and j.resource_id in (select id from public.song_recognitions where audio_file_url like t.pattern));
$$;
revoke all on function public.track_job_ids(uuid) from public;
grant execute on function public.track_job_ids(uuid) to service_role;

-- DELETE /v1/tracks/{id}: the owner (or an admin) deletes the track and everything made from it in one
-- transaction, and the same transaction writes the outbox row of a `tracks.purge-objects` job that
-- deletes the stored objects (and the spectrograms of its analyses) after commit (archiver; idempotent, retried with backoff). Rows go first,
-- objects after, so no row ever points at a deleted object.
--   * versions, stems, likes, classifications, WAV jobs, section replacements, archiving runs and
--     fingerprints cascade from tracks;
--   * upscales of the track are deleted (their output lives under the track's prefix);
--   * descriptions and recognitions of the track's own files are deleted (their audio is gone);
--   * albums holding the track are renumbered so positions stay dense;
--   * finished jobs of the track keep their row, their result becomes {deleted, track_id} (no dead URLs).
-- A track with a job still pending or processing is refused (SQLSTATE 55006, object in use): cancel
-- the job first. Returns null when the caller cannot see the track or may not delete it.
create or replace function public.delete_track(track_uuid uuid) returns jsonb
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  _track public.tracks;
  _prefix text;
  _pattern text;
  _project uuid;
  _projects uuid[];
  _payload jsonb;
  _keys jsonb;
begin
  select * into _track from public.tracks where id = track_uuid for update;
  if not found or not (public.is_trusted_caller() or _track.user_id = auth.uid() or public.has_role(auth.uid(), 'admin')) then
    return null;
  end if;
  _prefix := _track.user_id::text || '/' || _track.id::text || '/';
  _pattern := '%/' || _prefix || '%';

  if exists (
    select 1 from public.jobs j where j.id in (select public.track_job_ids(track_uuid)) and j.status in ('pending', 'processing')
  ) or exists (
    -- An archive move or restore in flight would copy objects after the purge.
    select 1 from public.track_archiving_jobs a where a.track_id = track_uuid and a.status in ('pending', 'processing')
  ) then
    raise exception 'track % has a job still running; cancel it first', track_uuid using errcode = '55006';
  end if;

  select coalesce(array_agg(project_id), '{}') into _projects from public.project_tracks where track_id = track_uuid;
  -- Spectrogram images of the track's classifications and of the descriptions deleted below (covers bucket).
  select coalesce(jsonb_agg(jsonb_build_object('bucket', 'covers', 'key', k)), '[]'::jsonb) into _keys
    from (select 'spectrograms/classifications/' || id::text || '.jpg' as k from public.music_classifications where track_id = track_uuid
          union all
          select 'spectrograms/descriptions/' || id::text || '.jpg' from public.song_descriptions where user_id = _track.user_id and audio_file_url like _pattern) s;

  -- Finished jobs of the track keep their history but no longer point at its deleted files.
  update public.jobs set result = jsonb_build_object('deleted', true, 'track_id', track_uuid), updated_at = now()
   where id in (select public.track_job_ids(track_uuid)) and result is not null;

  delete from public.audio_upscale_jobs where track_id = track_uuid;
  delete from public.song_descriptions where user_id = _track.user_id and audio_file_url like _pattern;
  delete from public.song_recognitions where user_id = _track.user_id and audio_file_url like _pattern;
  delete from public.tracks where id = track_uuid;

  foreach _project in array _projects loop
    perform public.compact_project_positions(_project);
  end loop;

  _payload := jsonb_build_object(
    'trackId', _track.id,
    'userId', _track.user_id,
    'correlationId', 'track-delete-' || _track.id::text,
    'objects', jsonb_build_array(
      jsonb_build_object('bucket', 'tracks', 'prefix', _prefix),
      jsonb_build_object('bucket', 'tracks-archive', 'prefix', _prefix),
      jsonb_build_object('bucket', 'stems', 'prefix', _track.id::text || '/')),
    'keys', _keys);
  insert into public.outbox (queue_name, job_name, queue_job_id, payload)
  values ('archiving', 'tracks.purge-objects', 'purge-' || _track.id::text, _payload);

  return jsonb_build_object('track_id', _track.id, 'projects', to_jsonb(_projects));
end $$;
revoke all on function public.delete_track(uuid) from public;
grant execute on function public.delete_track(uuid) to authenticated, service_role;

-- Issue 5 (local studio parts): effects as a job kind of its own, and the saved-lyrics listing.
-- An effects job works on a track version ('track_version' resource) and lands a NEW version of
-- the track; the original version stays as it was.
alter table public.jobs drop constraint if exists jobs_kind_check;
alter table public.jobs add constraint jobs_kind_check check (kind in ('generation', 'lyrics', 'stems', 'wav', 'upscale',
  'classification', 'description', 'recognition', 'section_replacement', 'persona', 'transformation', 'archiving', 'effects'));

-- GET /v1/saved-lyrics pages newest first by (created_at, id): keyset reads need this order per user.
create index idx_saved_lyrics_user_created on public.saved_lyrics (user_id, created_at desc, id desc);

-- tracks_with_timestamped_lyrics reads tracks.metadata.timestamped_lyrics; the timing belongs to a version
-- (each variant is sung differently). Whenever a version becomes the master (a generation landing,
-- set_master_version), its timing — or none — is mirrored onto the track, so the view follows the master.
create or replace function public.mirror_master_lyric_timing() returns trigger
language plpgsql set search_path = public, pg_temp as $$
begin
  if new.is_primary_variant
     and (tg_op = 'INSERT' or not old.is_primary_variant
          or new.metadata -> 'timestamped_lyrics' is distinct from old.metadata -> 'timestamped_lyrics') then
    update public.tracks t
       set metadata = case when jsonb_typeof(new.metadata -> 'timestamped_lyrics') = 'array'
                           then t.metadata || jsonb_build_object('timestamped_lyrics', new.metadata -> 'timestamped_lyrics')
                           else t.metadata - 'timestamped_lyrics' end
     where t.id = new.parent_track_id
       and t.metadata -> 'timestamped_lyrics' is distinct from new.metadata -> 'timestamped_lyrics';
  end if;
  return null;
end $$;
create trigger mirror_master_lyric_timing after insert or update of is_primary_variant, metadata on public.track_versions
  for each row execute function public.mirror_master_lyric_timing();

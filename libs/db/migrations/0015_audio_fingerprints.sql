-- Issue 6: the recognition index. Landmark hashes of the platform's own tracks (spectral-peak
-- pairs, see libs/audio-analysis/src/fingerprint.ts): which track has which hash at which frame.
-- Read and written only by the audio worker (the table owner); closed to users by RLS with no
-- policies, so nobody can enumerate other users' tracks through it.
create table public.audio_fingerprints (
  hash integer not null,
  track_id uuid not null references public.tracks (id) on delete cascade,
  t integer not null
);
create index idx_audio_fingerprints_hash on public.audio_fingerprints (hash);
create index idx_audio_fingerprints_track on public.audio_fingerprints (track_id);
alter table public.audio_fingerprints enable row level security;
revoke all on public.audio_fingerprints from anon, authenticated;

-- Which audio each indexed track was fingerprinted from: a changed master (new audio_url) is re-indexed.
create table public.audio_fingerprint_tracks (
  track_id uuid primary key references public.tracks (id) on delete cascade,
  audio_url text not null,
  hashes integer not null,
  indexed_at timestamptz not null default now()
);
alter table public.audio_fingerprint_tracks enable row level security;
revoke all on public.audio_fingerprint_tracks from anon, authenticated;
